"""Other Yangtze River Delta regions' licences (LIC-4): a trust list of their issuing keys kept by the operator,
and their signed licence documents verified, gathered under the holder and usable as materials.

A foreign licence document is JSON::

    {"document": {"number", "licence_type", "type_name", "holder": {"name", "id_number"},
                  "fields": {...}, "issuer": "...", "issued_on": "YYYY-MM-DD", "valid_until": "YYYY-MM-DD" | null},
     "kid": "<issuer key id>", "alg": "ed25519" | "ecdsa-p256", "sig": "<base64url signature>"}

The signature covers the canonical form of ``document`` (sorted keys, compact,
UTF-8 — the same rule as our own licences). The holder is matched by the keyed
hash of the ID number (``core.crypto.lookup_hash``), never by name; the
document is kept encrypted, only masked fields are stored in clear.
"""

from __future__ import annotations

import datetime
import functools
import json
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from django.db import transaction
from django.utils import timezone

from tongban.core import audit, crypto
from tongban.core.errors import TongbanError
from tongban.core.identifiers import mask_id_number
from tongban.identity.models import Person, StaffRole, User
from tongban.identity.services import Actor, actor_label, holds_role, require_role
from tongban.licences.errors import LicenceError
from tongban.licences.models import ForeignLicence, TrustedIssuer
from tongban.licences.services.issuance import person_hash
from tongban.seals.services.signing import b64url_decode, canonical, verify_public_key

DOCUMENT_CONTEXT = "licences.foreign_document"


def _public_key(pem: str) -> Any:
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except (ValueError, TypeError) as error:
        raise TongbanError(LicenceError.ISSUER_KEY_INVALID, field="public_key_pem") from error
    if isinstance(key, ed25519.Ed25519PublicKey) or (
            isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1)):
        return key
    raise TongbanError(LicenceError.ISSUER_KEY_INVALID, field="public_key_pem")


@functools.lru_cache(maxsize=256)
def _cached_key(key_id: str, pem: str) -> Any:
    return _public_key(pem)


@transaction.atomic
def add_issuer(actor: Actor, *, key_id: str, region: str, name: str, public_key_pem: str) -> TrustedIssuer:
    """The operator trusts another platform's issuing key (LIC-4)."""
    require_role(actor, StaffRole.PLATFORM_OPERATOR)
    _public_key(public_key_pem)
    key_id = key_id.strip()
    if TrustedIssuer.objects.filter(key_id=key_id).exists():
        raise TongbanError(LicenceError.ISSUER_EXISTS, field="key_id", key_id=key_id)
    issuer = TrustedIssuer.objects.create(key_id=key_id, region=region.strip(), name=name.strip(),
                                          public_key_pem=public_key_pem.strip(), added_by_label=actor_label(actor),
                                          added_at=timezone.now())
    audit.record("licences.issuer.trusted", actor=actor if isinstance(actor, User) else None, obj=issuer,
                 data={"key_id": key_id, "region": issuer.region})
    return issuer


@transaction.atomic
def withdraw_issuer(actor: Actor, issuer: TrustedIssuer) -> TrustedIssuer:
    """Stop trusting a key: its licences show as revoked and cannot be used from now on."""
    require_role(actor, StaffRole.PLATFORM_OPERATOR)
    issuer = TrustedIssuer.objects.select_for_update().get(pk=issuer.pk)
    if issuer.withdrawn_at is None:
        issuer.withdrawn_at = timezone.now()
        issuer.save(update_fields=["withdrawn_at"])
        audit.record("licences.issuer.withdrawn", actor=actor if isinstance(actor, User) else None, obj=issuer,
                     data={"key_id": issuer.key_id})
    return issuer


def _date(value: Any, name: str) -> datetime.date | None:
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError as error:
        raise TongbanError(LicenceError.DOCUMENT_INVALID, detail=name) from error


def _parse(raw: str | dict[str, Any]) -> tuple[dict[str, Any], str, str]:
    try:
        envelope = json.loads(raw) if isinstance(raw, str) else raw
        document, key_id, signature = envelope["document"], str(envelope["kid"]), str(envelope["sig"])
        holder = document["holder"]
        for name in ("number", "licence_type", "type_name", "issuer"):
            if not isinstance(document[name], str) or not document[name]:
                raise TypeError(name)
        if not isinstance(holder["name"], str) or not isinstance(holder["id_number"], str):
            raise TypeError("holder")
        if not isinstance(document.get("fields", {}), dict):
            raise TypeError("fields")
    except (ValueError, KeyError, TypeError) as error:
        raise TongbanError(LicenceError.DOCUMENT_INVALID, detail=str(error) or "JSON") from error
    return document, key_id, signature


@transaction.atomic
def import_document(actor: Actor, raw: str | dict[str, Any]) -> ForeignLicence:
    """Verify another region's licence under the trust list and file it under its holder (LIC-4).

    The platform (None) and the operator import any holder's licence; a person
    imports only their own (the document's ID number must hash to theirs).
    Refused, with nothing stored, when the key is not trusted or the signature
    does not verify over the document as received.
    """
    document, key_id, signature = _parse(raw)
    issuer = TrustedIssuer.objects.filter(key_id=key_id, withdrawn_at__isnull=True).first()
    if issuer is None:
        raise TongbanError(LicenceError.ISSUER_UNTRUSTED, key_id=key_id[:80])
    try:
        raw_signature = b64url_decode(signature)
    except ValueError as error:
        raise TongbanError(LicenceError.SIGNATURE_INVALID) from error
    if not verify_public_key(_cached_key(issuer.key_id, issuer.public_key_pem), canonical(document), raw_signature):
        raise TongbanError(LicenceError.SIGNATURE_INVALID)
    holder_hash = person_hash(document["holder"]["id_number"])
    if actor is not None and not holds_role(actor, StaffRole.PLATFORM_OPERATOR):
        person = Person.objects.filter(user=actor).first() if isinstance(actor, User) else None
        if person is None or person.document_number_hash != holder_hash:
            raise TongbanError(LicenceError.NOT_YOUR_LICENCE)
    fields = {name: (mask_id_number(value) if "number" in name and isinstance(value, str) else value)
              for name, value in document.get("fields", {}).items()}
    number = document["number"][:60]
    licence, _created = ForeignLicence.objects.update_or_create(issuer=issuer, number=number, defaults={
        "licence_type_code": document["licence_type"][:64], "type_name": document["type_name"][:100],
        "holder_name": document["holder"]["name"][:200], "holder_id_hash": holder_hash,
        "holder_person": Person.objects.filter(document_number_hash=holder_hash).first(),
        "document_encrypted": crypto.encrypt(
            json.dumps({"document": document, "kid": key_id, "sig": signature}, ensure_ascii=False),
            context=DOCUMENT_CONTEXT),
        "public_fields": fields, "issued_on": _date(document.get("issued_on"), "issued_on") or timezone.localdate(),
        "valid_until": _date(document.get("valid_until"), "valid_until"), "imported_at": timezone.now(),
    })
    audit.record("licences.foreign.imported", actor=actor if isinstance(actor, User) else None, obj=licence,
                 data={"key_id": key_id, "number": licence.number, "type": licence.licence_type_code})
    return licence
