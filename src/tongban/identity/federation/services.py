"""Other regions' identity providers (ID-5, YRD-1): the operator's configuration and the login's outcome.

* :func:`create_provider`, :func:`update_provider`, :func:`set_provider_enabled`:
  the platform operator configures which other regions' OpenID Connect
  providers the platform trusts; the client secret is stored encrypted.
* :func:`complete_login`: judges an ID token's verified claims and returns the
  local person they belong to. A returning user is matched by the keyed hash
  of the verified ID number (the same hash ``Person.set_document`` stores),
  never by name: the other region may spell a name differently, and a name is
  not unique. The provider's account is linked (``ExternalIdentity``) on first
  login; a person unknown here is created at real-name level 2 at most.

Only an ID number the other region has verified may open a local account: the
provider must assert a real-name level of at least :data:`MINIMUM_CLAIMED_LEVEL`,
otherwise anyone who typed someone else's number into a weaker provider could
log in as that person here.
"""

from __future__ import annotations

import datetime
import hmac
import re
import secrets
import unicodedata
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.core import audit, crypto
from tongban.core.errors import TongbanError
from tongban.core.identifiers import validate_resident_id
from tongban.identity.errors import IdentityError
from tongban.identity.federation import client
from tongban.identity.models import (
    DocumentType,
    ExternalIdentity,
    ExternalProvider,
    Person,
    RealNameCheck,
    RealNameMethod,
    StaffRole,
    User,
)
from tongban.identity.services import require_role
from tongban.identity.services.roles import Actor

LEEWAY_SECONDS = 60  # clock skew tolerated on exp and iat
MINIMUM_CLAIMED_LEVEL = 2  # the other region matched name and ID number against its registry
HIGHEST_GRANTED_LEVEL = 2  # L3 and L4 need checks made here (bank card, face, counter)
SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$")
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
CLAIM_NAME_PATTERN = re.compile(r"^[A-Za-z0-9_:./-]{1,64}$")
CONFIGURATION_LABELS = {
    "name": _("名称"), "issuer": _("签发者（issuer）"), "client_id": _("客户端 ID"), "scopes": _("申请范围"),
    "id_number_claim": _("身份证号声明名"), "name_claim": _("姓名声明名"), "level_claim": _("实名等级声明名"),
}
CONFIGURATION_FIELDS = tuple(CONFIGURATION_LABELS)


def _check(actor: Actor) -> None:
    if actor is not None:
        require_role(actor, StaffRole.PLATFORM_OPERATOR)


def enabled_providers() -> list[ExternalProvider]:
    """The providers applicants may log in with, by name (the login page's "其他省市账号登录" list)."""
    return list(ExternalProvider.objects.filter(is_enabled=True).order_by("name", "slug"))


def _clean_configuration(values: dict[str, Any]) -> dict[str, str]:
    """Trimmed, checked configuration fields; refuses with the first problem found."""
    cleaned = {name: str(values.get(name) or "").strip() for name in CONFIGURATION_FIELDS}
    for name in CONFIGURATION_FIELDS:
        if not cleaned[name]:
            raise TongbanError(IdentityError.FEDERATION_FIELD_REQUIRED, field=name, label=CONFIGURATION_LABELS[name])
    issuer = urlsplit(cleaned["issuer"])
    secure = issuer.scheme == "https" or (issuer.scheme == "http" and issuer.hostname in LOOPBACK_HOSTS)
    if not secure or not issuer.netloc or issuer.query or issuer.fragment:
        raise TongbanError(IdentityError.FEDERATION_ISSUER_INVALID, field="issuer")
    cleaned["scopes"] = " ".join(dict.fromkeys(cleaned["scopes"].split()))
    if "openid" not in cleaned["scopes"].split():
        raise TongbanError(IdentityError.FEDERATION_SCOPE_OPENID_REQUIRED, field="scopes")
    for name in ("id_number_claim", "name_claim", "level_claim"):
        if not CLAIM_NAME_PATTERN.match(cleaned[name]):
            raise TongbanError(IdentityError.FEDERATION_CLAIM_NAME_INVALID, field=name,
                               label=CONFIGURATION_LABELS[name])
    return cleaned


@transaction.atomic
def create_provider(actor: Actor, *, slug: str, client_secret: str, is_enabled: bool = True,
                    **configuration: Any) -> ExternalProvider:
    """The operator adds another region's provider; ``slug`` names it in the callback URL for good."""
    _check(actor)
    slug = (slug or "").strip()
    if not SLUG_PATTERN.match(slug):
        raise TongbanError(IdentityError.FEDERATION_SLUG_INVALID, field="slug")
    if ExternalProvider.objects.filter(slug=slug).exists():
        raise TongbanError(IdentityError.FEDERATION_SLUG_TAKEN, field="slug", slug=slug)
    cleaned = _clean_configuration(configuration)
    if not (client_secret or "").strip():
        raise TongbanError(IdentityError.FEDERATION_FIELD_REQUIRED, field="client_secret", label=_("客户端密钥"))
    provider = ExternalProvider.objects.create(
        slug=slug, is_enabled=is_enabled, **cleaned,
        client_secret_encrypted=crypto.encrypt(client_secret.strip(), context=client.SECRET_CONTEXT),
    )
    audit.record("identity.federation.provider_created", actor=actor, obj=provider, data={
        "slug": slug, "issuer": provider.issuer, "client_id": provider.client_id, "enabled": is_enabled,
    })
    return provider


@transaction.atomic
def update_provider(actor: Actor, provider: ExternalProvider, *, client_secret: str = "",
                    **configuration: Any) -> ExternalProvider:
    """The operator changes a provider's configuration; a blank ``client_secret`` keeps the stored one."""
    _check(actor)
    provider = ExternalProvider.objects.select_for_update().get(pk=provider.pk)
    cleaned = _clean_configuration(configuration)
    changed = sorted(name for name, value in cleaned.items() if getattr(provider, name) != value)
    client.forget(provider)  # the cache is keyed by the old issuer
    for name, value in cleaned.items():
        setattr(provider, name, value)
    secret_changed = bool((client_secret or "").strip())
    if secret_changed:
        provider.client_secret_encrypted = crypto.encrypt(client_secret.strip(), context=client.SECRET_CONTEXT)
    provider.save()
    audit.record("identity.federation.provider_updated", actor=actor, obj=provider, data={
        "slug": provider.slug, "changed": changed, "secret_changed": secret_changed,
    })
    return provider


@transaction.atomic
def set_provider_enabled(actor: Actor, provider: ExternalProvider, *, enabled: bool) -> ExternalProvider:
    """Disable a provider (its users can no longer log in; their links stay) or enable it again."""
    _check(actor)
    provider = ExternalProvider.objects.select_for_update().get(pk=provider.pk)
    if provider.is_enabled != enabled:
        provider.is_enabled = enabled
        provider.save(update_fields=["is_enabled"])
        action = "provider_enabled" if enabled else "provider_disabled"
        audit.record(f"identity.federation.{action}", actor=actor, obj=provider, data={"slug": provider.slug})
    return provider


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _check_token_claims(provider: ExternalProvider, claims: dict[str, Any], expected_nonce: str) -> None:
    """OpenID Connect Core §3.1.3.7: issuer, audience (and azp), expiry, issue time and nonce."""
    if claims.get("iss") != provider.issuer:
        raise TongbanError(IdentityError.FEDERATION_TOKEN_ISSUER_INVALID, provider=provider.name)
    audience = claims.get("aud")
    audiences = [audience] if isinstance(audience, str) else audience
    if not isinstance(audiences, list) or provider.client_id not in audiences:
        raise TongbanError(IdentityError.FEDERATION_TOKEN_AUDIENCE_INVALID)
    if (len(audiences) > 1 or "azp" in claims) and claims.get("azp") != provider.client_id:
        raise TongbanError(IdentityError.FEDERATION_TOKEN_AUDIENCE_INVALID)
    now = timezone.now().timestamp()
    expires, issued = _number(claims.get("exp")), _number(claims.get("iat"))
    if expires is None or expires <= now - LEEWAY_SECONDS or (issued is not None and issued > now + LEEWAY_SECONDS):
        raise TongbanError(IdentityError.FEDERATION_TOKEN_EXPIRED)
    nonce = claims.get("nonce")
    if not expected_nonce or not isinstance(nonce, str) or not hmac.compare_digest(nonce, expected_nonce):
        raise TongbanError(IdentityError.FEDERATION_NONCE_INVALID)
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise TongbanError(IdentityError.FEDERATION_SUBJECT_MISSING)


def claimed_level(value: Any) -> int:
    """The real-name level in an ``acr``-like claim: ``2``, ``"2"``, ``"L2"`` or ``"urn:…:loa:2"``; else 0."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    match = re.search(r"(\d+)$", str(value or "").strip())
    return int(match.group(1)) if match else 0


def _same_name(first: str, second: str) -> bool:
    def normal(name: str) -> str:
        return "".join(unicodedata.normalize("NFKC", name).split()).casefold()

    return normal(first) == normal(second)


def _new_person(number: str, document_type: str, name: str, birth_date: datetime.date) -> Person:
    user = User(username=f"p_{secrets.token_hex(8)}", display_name=name)
    user.set_unusable_password()
    user.save()
    person = Person(user=user, full_name=name, birth_date=birth_date,
                    nationality="CHN" if document_type == DocumentType.RESIDENT_ID else "")
    person.set_document(document_type, number)
    person.save()
    return person


@transaction.atomic
def complete_login(provider: ExternalProvider, claims: dict[str, Any], *, expected_nonce: str) -> Person:
    """The local person an ID token's verified ``claims`` belong to, created and linked when needed (ID-5).

    ``claims`` come from a token whose signature ``client.verify_id_token``
    checked; ``expected_nonce`` is the one stored with this login's state.
    Every refusal happens before anything is written.
    """
    provider = ExternalProvider.objects.get(pk=provider.pk)
    if not provider.is_enabled:
        raise TongbanError(IdentityError.FEDERATION_PROVIDER_DISABLED, provider=provider.name)
    _check_token_claims(provider, claims, expected_nonce)
    subject = claims["sub"]
    raw_number = claims.get(provider.id_number_claim)
    try:
        resident_id = validate_resident_id(raw_number if isinstance(raw_number, str) else "")
    except TongbanError:
        raise TongbanError(IdentityError.FEDERATION_NO_ID_NUMBER) from None
    level = claimed_level(claims.get(provider.level_claim))
    if level < MINIMUM_CLAIMED_LEVEL:
        raise TongbanError(IdentityError.FEDERATION_LEVEL_TOO_LOW, level=level, required=MINIMUM_CLAIMED_LEVEL)
    name = str(claims.get(provider.name_claim) or "").strip()[:120]
    # Numbers starting with 9 are foreigners' permanent residence ID cards (2023 edition).
    document_type = (
        DocumentType.FOREIGN_PERMANENT_RESIDENCE if resident_id.number.startswith("9") else DocumentType.RESIDENT_ID
    )
    number_hash = crypto.lookup_hash(f"document:{document_type}", resident_id.number)
    person = Person.objects.select_for_update().select_related("user").filter(document_number_hash=number_hash).first()
    identity = ExternalIdentity.objects.select_for_update().filter(provider=provider, subject=subject).first()
    if identity is not None and (person is None or identity.person_id != person.pk):
        raise TongbanError(IdentityError.FEDERATION_SUBJECT_CONFLICT)
    if person is not None and not person.user.is_active:
        raise TongbanError(IdentityError.FEDERATION_ACCOUNT_DISABLED)
    created = person is None
    if person is None:
        person = _new_person(resident_id.number, document_type, name, resident_id.birth_date)
    granted = min(level, HIGHEST_GRANTED_LEVEL)
    level_raised = person.real_name_level < granted
    if level_raised:
        person.real_name_level = granted
        person.save(update_fields=["real_name_level"])
        RealNameCheck.objects.create(
            person=person, level=granted, method=RealNameMethod.OTHER_REGION, succeeded=True,
            reference=f"{provider.slug}:{subject}"[:120], checked_by_label=provider.name[:120],
            detail=f"{provider.level_claim}={claims.get(provider.level_claim)}"[:300],
        )
    linked = identity is None
    if identity is None:
        identity = ExternalIdentity.objects.create(provider=provider, subject=subject, person=person)
    identity.last_login_at = timezone.now()
    identity.save(update_fields=["last_login_at"])
    audit.record("identity.federation.login", actor=person.user, obj=person, data={
        "provider": provider.slug, "identity": identity.pk, "person_created": created, "identity_linked": linked,
        "claimed_level": level, "level_raised_to": granted if level_raised else None,
        # Names differ between regions' registries (traditional characters, spacing); noted, never refused.
        "name_matches": _same_name(person.full_name, name),
    })
    return person
