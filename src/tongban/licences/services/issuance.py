"""Issuing and revoking licences (LIC-1, CASE-9): from a case's result, from an agency's system, by the platform.

Every licence is validated against its type's JSON Schema, signed with the
issuing agency's active seal (a data signature over :func:`signed_document`)
and rendered to a PDF PAdES-signed with the same seal, all in one transaction:
if any step fails nothing is issued. The status is never stored: it is worked
out on each read from the validity dates and the revocation time, so a
revocation shows on every page and API at once.
"""

from __future__ import annotations

import datetime
import json
import secrets
from typing import Any

import jsonschema
from django.db import transaction
from django.utils import timezone

from tongban.agencies.models import Agency
from tongban.core import audit, crypto
from tongban.core.errors import TongbanError
from tongban.core.identifiers import mask_id_number
from tongban.identity.models import DocumentType, Enterprise, Person, StaffRole, User
from tongban.identity.services import Actor, holds_role, require_role
from tongban.licences.errors import LicenceError
from tongban.licences.models import HolderKind, Licence, LicenceSource, LicenceType
from tongban.licences.services import rendering
from tongban.licences.services.types import PROOF_VALID_DAYS, get_type
from tongban.seals.models import Seal
from tongban.seals.services import registry, signing

FIELDS_CONTEXT = "licences.fields"
ISSUING_ROLES = (StaffRole.CASE_OFFICER, StaffRole.APPROVER, StaffRole.AGENCY_ADMIN)


def person_hash(id_number: str) -> str:
    """The keyed hash a person's resident ID number is matched by (the same one identity stores)."""
    return crypto.lookup_hash(f"document:{DocumentType.RESIDENT_ID}", id_number)


def enterprise_hash(uscc: str) -> str:
    """The keyed hash an enterprise's USCC is matched by."""
    return crypto.lookup_hash("uscc", uscc)


def _require_issuer(actor: Actor, agency: Agency) -> None:
    """The platform itself and agency systems act as None; staff must hold an issuing role over the agency."""
    if actor is None or holds_role(actor, StaffRole.PLATFORM_OPERATOR):
        return
    if not any(holds_role(actor, role, agency) for role in ISSUING_ROLES):
        require_role(actor, StaffRole.CASE_OFFICER, agency)


def _holder_fields(licence_type: LicenceType, person: Person | None, enterprise: Enterprise | None) -> dict[str, str]:
    """What the platform knows about the holder; filled in where the schema has the field and it is empty."""
    known: dict[str, str] = {}
    if person is not None:
        known = {"name": person.full_name}
        if person.document_type == DocumentType.RESIDENT_ID:
            known["id_number"] = person.document_number
    elif enterprise is not None:
        known = {"enterprise_name": enterprise.name, "uscc": enterprise.uscc,
                 "legal_representative": enterprise.legal_representative.full_name}
    properties = licence_type.field_schema.get("properties", {})
    return {name: value for name, value in known.items() if name in properties and value}


def check_fields(licence_type: LicenceType, fields: dict[str, Any]) -> None:
    """Refuse fields that break the type's schema, naming the first problem and where it is."""
    validator = jsonschema.Draft202012Validator(licence_type.field_schema or {"type": "object"},
                                                format_checker=jsonschema.FormatChecker())
    problems = sorted(validator.iter_errors(fields), key=lambda error: list(error.absolute_path))
    if problems:
        first = problems[0]
        where = ".".join(str(part) for part in first.absolute_path) or "fields"
        raise TongbanError(LicenceError.FIELDS_INVALID, field=where, type=licence_type.name,
                           detail=f"{where}: {first.message}")


def mask_fields(licence_type: LicenceType, fields: dict[str, Any]) -> dict[str, Any]:
    """The public copy: personal numbers and addresses masked, the rest as issued."""
    masked = {}
    for name, value in fields.items():
        if name in licence_type.masked_fields and isinstance(value, str):
            masked[name] = mask_id_number(value) if "number" in name else value[:6] + "****"
        else:
            masked[name] = value
    return masked


def signed_document(licence_type_code: str, number: str, holder_kind: str, holder_name: str,
                    fields: dict[str, Any], issuer_name: str, issued_at: datetime.datetime,
                    valid_from: datetime.date, valid_until: datetime.date | None) -> dict[str, Any]:
    """The JSON object the issuing seal signs (canonical form in ``seals.services.signing.canonical``)."""
    return {
        "number": number, "type": licence_type_code, "holder": {"kind": holder_kind, "name": holder_name},
        "fields": fields, "issuer": issuer_name, "issued_at": issued_at.astimezone(datetime.UTC).isoformat(),
        "valid_from": valid_from.isoformat(), "valid_until": valid_until.isoformat() if valid_until else None,
    }


def licence_fields(licence: Licence) -> dict[str, Any]:
    """The licence's full fields (personal data: for the holder, the PDF and audited staff reads)."""
    return json.loads(crypto.decrypt(licence.fields_encrypted, context=FIELDS_CONTEXT))


def document_of(licence: Licence) -> dict[str, Any]:
    """The signed document, rebuilt from the stored licence."""
    return signed_document(licence.licence_type.code, licence.number, licence.holder_kind, licence.holder_name,
                           licence_fields(licence), licence.issuer_name, licence.issued_at, licence.valid_from,
                           licence.valid_until)


def signature_intact(licence: Licence) -> bool:
    """True when the stored signature still verifies over the stored fields under the issuing seal."""
    signature = signing.DataSignature(licence.signature.get("alg", ""), licence.signature.get("kid", ""),
                                      licence.signature.get("sig", ""))
    return signing.verify_data(document_of(licence), signature) == licence.seal_id


def _validity(licence_type: LicenceType, today: datetime.date) -> datetime.date | None:
    if licence_type.is_proof:
        return today + datetime.timedelta(days=PROOF_VALID_DAYS)
    if not licence_type.validity_years:
        return None
    try:
        return today.replace(year=today.year + licence_type.validity_years) - datetime.timedelta(days=1)
    except ValueError:  # 29 February
        return today.replace(year=today.year + licence_type.validity_years, day=28)


def _new_number(today: datetime.date) -> str:
    return f"31{today:%Y%m%d}{secrets.token_hex(5).upper()}"


def _seal_of(agency: Agency) -> Seal:
    seal = registry.agency_seal(agency)
    if seal is None:
        raise TongbanError(LicenceError.NO_SEAL, agency=agency.name)
    return seal


def _replayed(agency: Agency, idempotency_key: str, licence_type: LicenceType, holder_hash: str) -> Licence | None:
    if not idempotency_key:
        return None
    existing = Licence.objects.filter(issuing_agency=agency, idempotency_key=idempotency_key).first()
    if existing is None:
        return None
    if existing.licence_type_id != licence_type.pk or existing.holder_id_hash != holder_hash:
        raise TongbanError(LicenceError.IDEMPOTENCY_CONFLICT, key=idempotency_key)
    return existing


@transaction.atomic
def issue(actor: Actor, licence_type_code: str, *, agency: Agency, fields: dict[str, Any],
          person: Person | None = None, enterprise: Enterprise | None = None,
          source: str = LicenceSource.PLATFORM, case_number: str = "", idempotency_key: str = "") -> Licence:
    """Issue a signed licence of a type to a person or an enterprise (LIC-1); refuses and issues nothing on
    a schema violation, a wrong holder kind, an issuer outside the type's agency or an agency without a seal."""
    licence_type = get_type(licence_type_code)
    _require_issuer(actor, agency)
    holder_kind = HolderKind.PERSON if person is not None else HolderKind.ENTERPRISE
    if (person is None) == (enterprise is None) or licence_type.holder_kind != holder_kind:
        raise TongbanError(LicenceError.HOLDER_KIND_MISMATCH, type=licence_type.name,
                           kind=HolderKind(licence_type.holder_kind).label)
    if licence_type.issuing_agency is not None and not licence_type.issuing_agency.covers(agency):
        raise TongbanError(LicenceError.AGENCY_NOT_ISSUER, agency=agency.name, type=licence_type.name)
    fields = {**_holder_fields(licence_type, person, enterprise), **{k: v for k, v in fields.items() if v != ""}}
    check_fields(licence_type, fields)
    if person is not None:
        holder_name = person.full_name or fields.get("name", "")
        holder_hash = person.document_number_hash or person_hash(fields.get("id_number", ""))
    else:
        assert enterprise is not None
        holder_name, holder_hash = enterprise.name, enterprise_hash(enterprise.uscc)
    replayed = _replayed(agency, idempotency_key, licence_type, holder_hash)
    if replayed is not None:
        return replayed
    seal = _seal_of(agency)
    now = timezone.now()
    today = timezone.localdate()
    number, verify_code, valid_until = _new_number(today), secrets.token_urlsafe(12), _validity(licence_type, today)
    document = signed_document(licence_type.code, number, holder_kind, holder_name, fields, agency.name, now,
                               today, valid_until)
    signature = signing.sign_data(actor, seal, document, reference=number)
    html = rendering.render_html(licence_type, number=number, fields=fields, issuer_name=agency.name,
                                 issued_on=today, valid_from=today, valid_until=valid_until, verify_code=verify_code)
    licence = Licence.objects.create(
        number=number, licence_type=licence_type, holder_kind=holder_kind, holder_person=person,
        holder_enterprise=enterprise, holder_name=holder_name, holder_id_hash=holder_hash,
        fields_encrypted=crypto.encrypt(json.dumps(fields, ensure_ascii=False), context=FIELDS_CONTEXT),
        public_fields=mask_fields(licence_type, fields), issuing_agency=agency, issuer_name=agency.name, seal=seal,
        signature=signature.as_dict(), issued_at=now, valid_from=today, valid_until=valid_until, source=source,
        case_number=case_number, idempotency_key=idempotency_key, verify_code=verify_code,
        pdf=rendering.signed_pdf(actor, seal, html, number=number),
    )
    audit.record("licences.licence.issued", actor=actor if isinstance(actor, User) else None, agency_id=agency.pk,
                 obj=licence, data={"number": number, "type": licence_type.code, "source": source,
                                    "case_number": case_number})
    return licence


def issue_for_case(actor: Actor, *, case_number: str, licence_type_code: str, agency: Agency,
                   form_data: dict[str, Any], person: Person, enterprise: Enterprise | None) -> Licence | None:
    """The licence a concluded decision produces (called by cases when the result is issued).

    Returns None when the platform has no such licence type yet (the result is
    then issued outside the platform as before). Fields come from the case's
    form where the names match the type's schema, the holder's from the profile.
    """
    licence_type = LicenceType.objects.filter(code=licence_type_code).first()
    if licence_type is None:
        return None
    properties = licence_type.field_schema.get("properties", {})
    fields = {name: value for name, value in form_data.items() if name in properties and isinstance(value, str)}
    if licence_type.holder_kind == HolderKind.ENTERPRISE:
        if enterprise is None:
            raise TongbanError(LicenceError.HOLDER_KIND_MISMATCH, type=licence_type.name,
                               kind=HolderKind.ENTERPRISE.label)
        return issue(actor, licence_type_code, agency=agency, fields=fields, source=LicenceSource.CASE,
                     case_number=case_number, enterprise=enterprise)
    return issue(actor, licence_type_code, agency=agency, fields=fields, source=LicenceSource.CASE,
                 case_number=case_number, person=person)


@transaction.atomic
def revoke(actor: Actor, licence: Licence, reason: str) -> Licence:
    """Revoke a licence (注销); every page and API shows it revoked from the next read on."""
    licence = Licence.objects.select_for_update().select_related("issuing_agency").get(pk=licence.pk)
    _require_issuer(actor, licence.issuing_agency)
    if not reason.strip():
        raise TongbanError(LicenceError.REASON_REQUIRED, field="reason")
    if licence.revoked_at is not None:
        raise TongbanError(LicenceError.ALREADY_REVOKED, number=licence.number)
    licence.revoked_at, licence.revoked_reason = timezone.now(), reason.strip()[:200]
    licence.save(update_fields=["revoked_at", "revoked_reason"])
    audit.record("licences.licence.revoked", actor=actor if isinstance(actor, User) else None,
                 agency_id=licence.issuing_agency_id, obj=licence, data={"number": licence.number, "reason": reason})
    return licence
