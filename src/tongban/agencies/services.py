"""Agency use cases: API credentials for agencies' business systems, and idempotent API calls.

The agencies layer sits beside identity and may not import it (pyproject's
import-linter contract), so these services take no staff permission decision:
callers are the shell (``tongban agency-credential``), the Django admin
(superusers), or a higher layer that has already called ``require_role``.
The ``actor`` they receive is recorded in the audit log.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.agencies.models import Agency, ApiCredential, IdempotencyRecord
from tongban.core import audit
from tongban.core.errors import ErrorCode, TongbanError

TOKEN_PREFIX = "tb"
SECRET_BYTES = 32
MAX_IDEMPOTENCY_KEY_LENGTH = 200
# last_used_at is a hint for admins, not an access log: write it at most once a minute.
LAST_USED_RESOLUTION_SECONDS = 60


class AgencyError(ErrorCode):
    """Why an agency use case refused; codes are stable for integrators."""

    AGENCY_NOT_FOUND = ("AGENCIES_AGENCY_NOT_FOUND", _("接入单位 {code} 不存在"))
    CREDENTIAL_NAME_REQUIRED = ("AGENCIES_CREDENTIAL_NAME_REQUIRED", _("请填写凭证名称（不超过120个字）"))
    CREDENTIAL_NOT_FOUND = ("AGENCIES_CREDENTIAL_NOT_FOUND", _("凭证 {key_id} 不存在"))
    CREDENTIAL_ALREADY_REVOKED = ("AGENCIES_CREDENTIAL_ALREADY_REVOKED", _("该凭证已于 {revoked_at} 吊销"))
    TOKEN_INVALID = (
        "AGENCIES_TOKEN_INVALID",
        _("API 凭证无效或已吊销，请在请求头 Authorization 中提供有效的 Bearer 凭证"),
    )
    AGENCY_MISMATCH = (
        "AGENCIES_AGENCY_MISMATCH",
        _("该操作涉及接入单位“{agency}”，当前凭证属于“{own}”，无权办理"),
    )
    IDEMPOTENCY_KEY_INVALID = (
        "AGENCIES_IDEMPOTENCY_KEY_INVALID",
        _("幂等键 Idempotency-Key 须为1至200个可见字符"),
    )
    IDEMPOTENCY_KEY_REUSED = (
        "AGENCIES_IDEMPOTENCY_KEY_REUSED",
        _("幂等键 {key} 已用于另一个不同的请求，请为新请求使用新的幂等键"),
    )


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def agency_by_code(code: str) -> Agency:
    """The agency with this code, or a refusal naming it."""
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        raise TongbanError(AgencyError.AGENCY_NOT_FOUND, field="agency", code=code)
    return agency


def credential_by_key_id(key_id: str) -> ApiCredential:
    """The credential with this key id (revoked or not), or a refusal naming it."""
    credential = ApiCredential.objects.select_related("agency").filter(key_id=key_id).first()
    if credential is None:
        raise TongbanError(AgencyError.CREDENTIAL_NOT_FOUND, field="key_id", key_id=key_id)
    return credential


@transaction.atomic
def issue_credential(agency: Agency, name: str, *, actor: Any = None) -> tuple[ApiCredential, str]:
    """Create a credential for ``agency``; returns it with the plaintext token, which is never stored.

    The token is ``tb_<key_id>_<secret>``: the key id is hex (no underscore), so
    the secret (URL-safe base64 of 32 random bytes, which may contain ``_``) is
    everything after the second underscore.
    """
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise TongbanError(AgencyError.CREDENTIAL_NAME_REQUIRED, field="name")
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    credential = ApiCredential.objects.create(
        agency=agency, name=name, key_id=key_id, secret_hash=_hash_secret(secret)
    )
    audit.record("agencies.credential.issued", actor=actor, agency_id=agency.pk, obj=credential,
                 data={"name": name, "key_id": key_id})
    return credential, f"{TOKEN_PREFIX}_{key_id}_{secret}"


def parse_token(token: str) -> tuple[str, str] | None:
    """``(key_id, secret)`` of a well-formed token, else None."""
    prefix, _separator, rest = (token or "").strip().partition("_")
    key_id, _separator, secret = rest.partition("_")
    if prefix != TOKEN_PREFIX or not key_id or not secret:
        return None
    return key_id, secret


def authenticate_token(token: str) -> ApiCredential | None:
    """The active credential this bearer token belongs to, or None (unknown, wrong secret or revoked)."""
    parsed = parse_token(token)
    if parsed is None:
        return None
    key_id, secret = parsed
    credential = ApiCredential.objects.select_related("agency").filter(key_id=key_id).first()
    if credential is None:
        return None
    # Constant-time comparison: the response time must not reveal how much of the secret was right.
    if not hmac.compare_digest(credential.secret_hash, _hash_secret(secret)) or credential.revoked_at is not None:
        return None
    now = timezone.now()
    last_used = credential.last_used_at
    if last_used is None or (now - last_used).total_seconds() > LAST_USED_RESOLUTION_SECONDS:
        ApiCredential.objects.filter(pk=credential.pk).update(last_used_at=now)
        credential.last_used_at = now
    return credential


@transaction.atomic
def revoke_credential(credential: ApiCredential, *, actor: Any = None) -> ApiCredential:
    """Revoke a credential at once; its token is refused from the next request on."""
    credential = ApiCredential.objects.select_for_update().get(pk=credential.pk)
    if credential.revoked_at is not None:
        raise TongbanError(AgencyError.CREDENTIAL_ALREADY_REVOKED, revoked_at=credential.revoked_at.isoformat())
    credential.revoked_at = timezone.now()
    credential.save(update_fields=["revoked_at"])
    audit.record("agencies.credential.revoked", actor=actor, agency_id=credential.agency_id, obj=credential,
                 data={"key_id": credential.key_id})
    return credential


def require_same_agency(credential: ApiCredential, agency: Agency, *, field: str | None = None) -> None:
    """Refuse unless ``agency`` is the credential's own: a business system acts only for its agency."""
    if agency.pk != credential.agency_id:
        raise TongbanError(AgencyError.AGENCY_MISMATCH, field=field, agency=agency.name,
                           own=credential.agency.name)


def request_fingerprint(method: str, path: str, body: bytes) -> str:
    """SHA-256 over method, path and body: what makes two POSTs "the same request"."""
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


@dataclass(frozen=True)
class ApiResponse:
    """A status code and JSON body, as stored for replay."""

    status_code: int
    body: Any
    replayed: bool = False


def _replay(record: IdempotencyRecord, request_hash: str, key: str) -> ApiResponse:
    if not hmac.compare_digest(record.request_hash, request_hash):
        raise TongbanError(AgencyError.IDEMPOTENCY_KEY_REUSED, field="Idempotency-Key", key=key)
    return ApiResponse(record.status_code, record.response_body, replayed=True)


def idempotent(
    credential: ApiCredential, key: str | None, request_hash: str, action: Callable[[], ApiResponse]
) -> ApiResponse:
    """Run ``action`` once per ``(credential, key)``; a repeat returns the first response and does nothing else.

    Without a key the action simply runs. The action and the stored response
    commit in one transaction, so a crash leaves neither. A refusal
    (:class:`TongbanError`) rolls back and stores nothing: it changed nothing,
    so retrying with the same key is safe and is evaluated afresh.
    """
    if key is None:
        return action()
    if not key or len(key) > MAX_IDEMPOTENCY_KEY_LENGTH or not key.isprintable():
        raise TongbanError(AgencyError.IDEMPOTENCY_KEY_INVALID, field="Idempotency-Key")
    try:
        with transaction.atomic():
            existing = IdempotencyRecord.objects.filter(credential=credential, key=key).first()
            if existing is not None:
                return _replay(existing, request_hash, key)
            response = action()
            body = _json_native(response.body)
            IdempotencyRecord.objects.create(
                credential=credential, key=key, request_hash=request_hash,
                status_code=response.status_code, response_body=body,
            )
            # Answer with exactly what a replay will return.
            return ApiResponse(response.status_code, body)
    except IntegrityError:
        # A concurrent request with the same key committed first (the unique
        # constraint stopped this one, whose action rolled back): answer with its response.
        existing = IdempotencyRecord.objects.filter(credential=credential, key=key).first()
        if existing is None:
            raise
        return _replay(existing, request_hash, key)


def _json_native(body: Any) -> Any:
    return json.loads(json.dumps(body, ensure_ascii=False, default=str))
