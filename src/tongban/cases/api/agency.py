"""Endpoints for agencies' business systems: subscriptions, their cases, reported transitions (PLAT-3).

Every call acts for the bearer credential's agency only: another agency's case
or subscription answers 404, as if it did not exist. A cut-off agency (SEC-3)
is refused (403) on every call. Transitions require an ``Idempotency-Key``:
a repeat with the same key gets the first answer back and changes nothing; the
same transition under a new key is refused with the case's current state (409).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from ninja import Header, Query, Router

from tongban.agencies.models import ApiCredential
from tongban.agencies.services import ApiResponse, idempotent, request_fingerprint
from tongban.cases.api.schemas import (
    CaseOut,
    CasePage,
    ConflictOut,
    SubscriptionIn,
    SubscriptionOut,
    TransitionIn,
    TransitionOut,
)
from tongban.cases.api.transitions import perform
from tongban.cases.errors import ExchangeError
from tongban.cases.models import Case, CaseMaterial, CaseState, Subscription
from tongban.cases.services import exchange
from tongban.catalogue.api.schemas import ErrorOut, ProblemsOut
from tongban.catalogue.models.choices import IntegrationMode
from tongban.core import audit
from tongban.core.errors import TongbanError

router = Router(tags=["cases-agency"])
MAX_PAGE = 100


def _credential(request: HttpRequest) -> ApiCredential:
    credential: ApiCredential = request.auth  # type: ignore[attr-defined]
    agency = credential.agency
    if agency.is_cut_off:
        raise TongbanError(ExchangeError.AGENCY_CUT_OFF, reason=agency.cut_off_reason)
    return credential


def _json(status: int, body: Any, *, replayed: bool = False) -> JsonResponse:
    reply = JsonResponse(body, status=status, safe=False, json_dumps_params={"ensure_ascii": False})
    if replayed:
        reply["Idempotent-Replayed"] = "true"
    return reply


def _subscription_body(subscription: Subscription, secret: str | None = None) -> dict[str, Any]:
    return SubscriptionOut(
        id=subscription.pk, url=subscription.url, event_types=subscription.event_types,
        item_codes=subscription.item_codes, created_at=subscription.created_at, secret=secret,
    ).model_dump(mode="json")


@router.post(
    "subscriptions",
    response={201: SubscriptionOut, 401: ErrorOut, 403: ErrorOut, 409: ErrorOut, 422: ProblemsOut},
    operation_id="cases_subscribe",
)
def subscribe(request: HttpRequest, payload: SubscriptionIn) -> JsonResponse:
    """Register a webhook for the agency's case events; the signing secret is in this answer only.

    Not idempotent by key (a stored answer would keep the secret): on a lost
    answer, list the subscriptions, delete the unknown one and register again.
    """
    credential = _credential(request)
    subscription, secret = exchange.subscribe(
        credential, url=payload.url, event_types=payload.event_types, item_codes=payload.item_codes
    )
    return _json(201, _subscription_body(subscription, secret))


@router.get("subscriptions", response={200: list[SubscriptionOut], 401: ErrorOut, 403: ErrorOut},
            operation_id="cases_list_subscriptions")
def list_subscriptions(request: HttpRequest) -> JsonResponse:
    """The agency's active subscriptions (without their secrets)."""
    credential = _credential(request)
    return _json(200, [_subscription_body(subscription) for subscription in exchange.subscriptions_of(credential)])


@router.delete("subscriptions/{subscription_id}", response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
               operation_id="cases_unsubscribe")
def unsubscribe(request: HttpRequest, subscription_id: int) -> HttpResponse:
    """Stop a subscription: no new events, and deliveries still waiting for it are given up."""
    exchange.unsubscribe(_credential(request), subscription_id)
    return HttpResponse(status=204)


def _own_cases(credential: ApiCredential) -> QuerySet[Case]:
    return Case.objects.filter(handling_agency_id=credential.agency_id).exclude(state=CaseState.DRAFT).select_related(
        "item", "version", "applicant", "enterprise"
    )


def _own_case(credential: ApiCredential, number: str) -> Case:
    case = _own_cases(credential).filter(number=number).first()
    if case is None:
        raise TongbanError(ExchangeError.CASE_NOT_FOUND, number=number)
    return case


@router.get("", response={200: CasePage, 401: ErrorOut, 403: ErrorOut}, operation_id="cases_list")
def list_cases(request: HttpRequest, state: str | None = None, item_code: str | None = None,
               limit: int = Query(50, ge=1, le=MAX_PAGE), offset: int = Query(0, ge=0)) -> JsonResponse:
    """The agency's submitted cases, newest first, optionally by state and item (to resynchronise after an outage)."""
    cases = _own_cases(_credential(request))
    if state:
        cases = cases.filter(state=state)
    if item_code:
        cases = cases.filter(item__implementation_code=item_code)
    page = list(cases.order_by("-submitted_at", "-id")[offset:offset + limit])
    return _json(200, {"count": cases.count(), "results": [exchange.case_payload(case) for case in page]})


@router.get("{number}", response={200: CaseOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
            operation_id="cases_get")
def get_case(request: HttpRequest, number: str) -> JsonResponse:
    """One of the agency's cases, with its form data and materials (as a webhook carries it)."""
    return _json(200, exchange.case_payload(_own_case(_credential(request), number)))


@router.get("{number}/materials/{code}", response={200: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
            operation_id="cases_material_download")
def download_material(request: HttpRequest, number: str, code: str) -> FileResponse:
    """The file of a material of the case, as uploaded (its SHA-256 is in the case's ``materials``); audited."""
    credential = _credential(request)
    case = _own_case(credential, number)
    material = CaseMaterial.objects.select_related("document_version").filter(
        case=case, guide_material__code=code, document_version__isnull=False
    ).first()
    if material is None or material.document_version is None:
        raise TongbanError(ExchangeError.MATERIAL_NOT_FOUND, number=number, code=code)
    version = material.document_version
    audit.record("cases.material.downloaded", actor=f"API {credential.key_id}", agency_id=credential.agency_id,
                 obj=version, data={"case": case.number, "material": code, "sha256": version.sha256})
    response = FileResponse(version.file.open("rb"), as_attachment=True, filename=version.original_name,
                            content_type=version.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _transition_body(case: Case, action: str) -> dict[str, Any]:
    return TransitionOut(
        number=case.number, action=action, state=case.state, lock_version=case.lock_version,
        agency_reference=case.agency_system_reference, due_on=case.due_on.isoformat() if case.due_on else None,
    ).model_dump(mode="json")


@router.post(
    "{number}/transitions",
    response={200: TransitionOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut,
              422: ProblemsOut, 428: ErrorOut},
    operation_id="cases_report_transition",
)
def report_transition(
    request: HttpRequest, number: str, payload: TransitionIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> JsonResponse:
    """Report a transition done in the agency's system (accept … conclude) for a mode-3 case.

    Requires ``Idempotency-Key``; out-of-order or repeated transitions answer 409
    with the case's current state and lock version.
    """
    credential = _credential(request)
    case = _own_case(credential, number)
    if idempotency_key is None:
        raise TongbanError(ExchangeError.IDEMPOTENCY_KEY_REQUIRED, field="Idempotency-Key")
    if case.version.integration_mode != IntegrationMode.AGENCY_SYSTEM:
        raise TongbanError(ExchangeError.NOT_MODE_THREE, number=number)

    def run() -> ApiResponse:
        return ApiResponse(200, _transition_body(perform(case, payload), payload.action))

    fingerprint = request_fingerprint(request.method or "POST", request.path, request.body)
    answer = idempotent(credential, idempotency_key, fingerprint, run)
    return _json(answer.status_code, answer.body, replayed=answer.replayed)
