"""REST API of the licences module, mounted under ``/api/v1/licences/``.

* ``router`` (public, no login): verify a show token (LIC-3) — what a
  relying party's scanner calls; the same cheap path as the /verify/ page.
* ``agency_router`` (mounted with the agency bearer credential in ``tongban.api``):
  an agency's business system issues and revokes licences (LIC-1); issuance
  takes an ``idempotency_key`` so a retried POST returns the same licence.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Router, Schema
from ninja.responses import Status

from tongban.agencies.models import ApiCredential
from tongban.core.errors import ErrorCode, TongbanError
from tongban.identity.models import Enterprise, Person
from tongban.licences.errors import LicenceError
from tongban.licences.models import Licence, LicenceSource
from tongban.licences.services import issuance, show

router = Router(tags=["licences"])
agency_router = Router(tags=["licences-agency"])
# Refusals mapped to HTTP statuses (composed in tongban.api); unmapped ones are 400.
ERROR_STATUS: dict[ErrorCode, int] = {
    LicenceError.TOKEN_EXPIRED: 410, LicenceError.TOKEN_USED_UP: 410, LicenceError.NOT_FOUND: 404,
    LicenceError.HOLDER_UNKNOWN: 404, LicenceError.IDEMPOTENCY_CONFLICT: 409, LicenceError.NO_SEAL: 409,
    LicenceError.AGENCY_NOT_ISSUER: 403, LicenceError.AGENCY_CUT_OFF: 403, LicenceError.TYPE_UNKNOWN: 404,
    LicenceError.ALREADY_REVOKED: 409,
}


class VerifiedOut(Schema):
    """A verified licence: essentials with personal numbers masked, status and issuer."""

    number: str
    type: str
    holder_name: str
    fields: dict[str, Any]
    issuer: str
    issued_at: str
    valid_until: str | None
    status: str
    status_label: str
    uses_left: int | None


class ErrorBody(Schema):
    """A refusal."""

    code: str
    message: str
    field: str | None = None


@router.get("show/{token}", response={200: VerifiedOut, 400: ErrorBody, 410: ErrorBody}, auth=None,
            operation_id="licences_verify_show_token")
def verify_show_token(request: HttpRequest, token: str) -> JsonResponse:
    """Verify a scanned show token (亮证码) and spend one of its uses; no login (LIC-3)."""
    # Answered directly (the schema above documents it): this is the hot public path, kept cheap.
    return JsonResponse(show.verify_token(token).as_dict(), json_dumps_params={"ensure_ascii": False})


class HolderIn(Schema):
    """Who receives the licence: a person by resident ID number, or an enterprise by USCC."""

    id_number: str | None = None
    uscc: str | None = None


class IssueIn(Schema):
    """A licence to issue with the calling agency's seal."""

    licence_type: str
    holder: HolderIn
    fields: dict[str, Any]
    idempotency_key: str


class IssuedOut(Schema):
    """The issued licence."""

    number: str
    licence_type: str
    holder_name: str
    issued_at: str
    valid_until: str | None
    status: str
    signature: dict[str, str]


class RevokeIn(Schema):
    """Why the licence is revoked."""

    reason: str


def _agency(request: HttpRequest) -> Any:
    credential: ApiCredential = request.auth  # type: ignore[attr-defined]
    if credential.agency.is_cut_off:
        raise TongbanError(LicenceError.AGENCY_CUT_OFF, reason=credential.agency.cut_off_reason)
    return credential.agency


def _issued(licence: Licence) -> dict[str, Any]:
    return {"number": licence.number, "licence_type": licence.licence_type.code, "holder_name": licence.holder_name,
            "issued_at": licence.issued_at.isoformat(),
            "valid_until": licence.valid_until.isoformat() if licence.valid_until else None,
            "status": licence.status.value, "signature": licence.signature}


@agency_router.post("issue", response={201: IssuedOut, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody,
                                       409: ErrorBody}, operation_id="licences_issue")
def issue(request: HttpRequest, payload: IssueIn) -> Status[dict[str, Any]]:
    """Issue a licence from the agency's own system, signed with its seal (LIC-1); retries with the same
    idempotency key return the same licence."""
    agency = _agency(request)
    person = enterprise = None
    if payload.holder.id_number:
        person = Person.objects.filter(document_number_hash=issuance.person_hash(payload.holder.id_number)).first()
    elif payload.holder.uscc:
        enterprise = Enterprise.objects.filter(uscc=payload.holder.uscc.strip().upper()).first()
    if person is None and enterprise is None:
        raise TongbanError(LicenceError.HOLDER_UNKNOWN, field="holder")
    licence = issuance.issue(None, payload.licence_type, agency=agency, fields=payload.fields, person=person,
                             enterprise=enterprise, source=LicenceSource.AGENCY_SYSTEM,
                             idempotency_key=payload.idempotency_key[:80])
    return Status(201, _issued(licence))


@agency_router.post("{number}/revoke", response={200: IssuedOut, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody,
                                                 409: ErrorBody}, operation_id="licences_revoke")
def revoke(request: HttpRequest, number: str, payload: RevokeIn) -> dict[str, Any]:
    """Revoke a licence this agency issued; it shows as revoked everywhere at once."""
    agency = _agency(request)
    licence = Licence.objects.filter(number=number, issuing_agency=agency).first()
    if licence is None:
        raise TongbanError(LicenceError.NOT_FOUND)
    return _issued(issuance.revoke(None, licence, payload.reason))
