"""Endpoints for agencies' business systems (bearer token; each call acts for the token's agency only).

POSTs take an optional ``Idempotency-Key`` header: a repeat with the same key
gets the first response back and changes nothing (``agencies.services.idempotent``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from ninja import Header, Router

from tongban.agencies.services import ApiResponse, idempotent, request_fingerprint, require_same_agency
from tongban.catalogue.api.errors import CatalogueApiError
from tongban.catalogue.api.schemas import ErrorOut, ImportReportOut, ProblemsOut, RequestIn, RequestOut, StepOut
from tongban.catalogue.errors import CatalogueError
from tongban.catalogue.guide_format import DOCUMENT_SCHEMA
from tongban.catalogue.models import LifecycleRequest, RequestKind, ServiceItem
from tongban.catalogue.models.choices import VersionState
from tongban.catalogue.services import lifecycle
from tongban.catalogue.services.importing import import_document
from tongban.core.errors import TongbanError

agency_router = Router(tags=["catalogue-agency"])


def _json_response(response: ApiResponse) -> JsonResponse:
    reply = JsonResponse(response.body, status=response.status_code, safe=False,
                         json_dumps_params={"ensure_ascii": False})
    if response.replayed:
        reply["Idempotent-Replayed"] = "true"
    return reply


_GUIDES_BODY = {k: v for k, v in DOCUMENT_SCHEMA.items() if k != "$schema"}


@agency_router.post(
    "guides",
    response={201: ImportReportOut, 401: ErrorOut, 403: ErrorOut, 409: ErrorOut, 413: ErrorOut, 422: ProblemsOut},
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": _GUIDES_BODY}}}},
    operation_id="catalogue_import_guides",
)
def import_guides(
    request: HttpRequest, idempotency_key: str | None = Header(None, alias="Idempotency-Key")
) -> JsonResponse:
    """Import guides of the caller's agency as draft versions: all or nothing, every problem reported (422)."""
    credential = request.auth  # type: ignore[attr-defined]
    try:
        body = request.body
    except RequestDataTooBig:
        raise TongbanError(CatalogueApiError.BODY_TOO_LARGE, limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE) from None

    def run() -> ApiResponse:
        report = import_document(body, actor_label=f"API {credential.key_id}", credential=credential)
        return ApiResponse(201, report.as_dict())

    fingerprint = request_fingerprint(request.method or "POST", request.path, body)
    return _json_response(idempotent(credential, idempotency_key, fingerprint, run))


def _own_item(request: HttpRequest, code: str) -> ServiceItem:
    item = ServiceItem.objects.select_related("agency").filter(implementation_code=code).first()
    if item is None:
        raise TongbanError(CatalogueError.ITEM_NOT_FOUND, code=code)
    require_same_agency(request.auth, item.agency)  # type: ignore[attr-defined]
    return item


def _request_body(filed: LifecycleRequest) -> dict[str, Any]:
    data = {name: getattr(filed, name) for name in (
        "id", "kind", "state", "reason", "filed_at", "stage_started_on", "due_on", "window_starts_on",
        "window_ends_on", "test_passed", "decision_note", "completed_at",
    )}
    data["implementation_code"] = filed.item.implementation_code
    data["version"] = filed.version.number if filed.version is not None else None
    data["steps"] = [
        {name: getattr(step, name) for name in StepOut.model_fields} for step in filed.steps.all()
    ]
    return RequestOut(**data).model_dump(mode="json")


def _file(item: ServiceItem, payload: RequestIn) -> LifecycleRequest:
    kind = RequestKind(payload.kind)
    if kind in (RequestKind.OPEN, RequestKind.CHANGE):
        draft = item.versions.filter(state=VersionState.DRAFT).order_by("-number").first()
        if draft is None:
            raise TongbanError(CatalogueApiError.NO_DRAFT, field="kind", code=item.implementation_code)
        if kind != (RequestKind.OPEN if item.published_version_id is None else RequestKind.CHANGE):
            raise TongbanError(CatalogueError.REQUEST_KIND_NOT_ALLOWED, field="kind",
                               status=item.get_status_display(), kind=kind.label)
        return lifecycle.file_version(None, draft, payload.reason)
    if kind == RequestKind.MAINTENANCE:
        starts_on, ends_on = payload.starts_on, payload.ends_on
        if starts_on is None or ends_on is None:
            name = "starts_on" if starts_on is None else "ends_on"
            raise TongbanError(CatalogueApiError.FIELD_REQUIRED, field=name, kind=kind.label, field_name=name)
        return lifecycle.file_maintenance(None, item, starts_on=starts_on, ends_on=ends_on, reason=payload.reason)
    if kind == RequestKind.URGENT_SUSPENSION:
        return lifecycle.suspend_urgently(None, item, reason=payload.reason,
                                          announcement_title=payload.announcement_title,
                                          announcement_body=payload.announcement_body)
    return lifecycle.file_status_change(None, item, kind, payload.reason)


@agency_router.post(
    "items/{implementation_code}/requests",
    response={201: RequestOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ProblemsOut},
    operation_id="catalogue_file_request",
)
def file_request(
    request: HttpRequest, implementation_code: str, payload: RequestIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> JsonResponse:
    """File a lifecycle request for an item of the caller's agency (ITEM-4 … ITEM-6)."""
    item = _own_item(request, implementation_code)

    def run() -> ApiResponse:
        return ApiResponse(201, _request_body(_file(item, payload)))

    fingerprint = request_fingerprint(request.method or "POST", request.path, request.body)
    return _json_response(idempotent(request.auth, idempotency_key, fingerprint, run))  # type: ignore[attr-defined]


@agency_router.get(
    "requests/{request_id}",
    response={200: RequestOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    operation_id="catalogue_get_request",
)
def get_request(request: HttpRequest, request_id: int) -> JsonResponse:
    """A lifecycle request of the caller's agency with every step so far."""
    filed = LifecycleRequest.objects.select_related("item", "version", "agency").filter(pk=request_id).first()
    if filed is None:
        raise TongbanError(CatalogueApiError.REQUEST_NOT_FOUND, request_id=request_id)
    require_same_agency(request.auth, filed.agency)  # type: ignore[attr-defined]
    # Rendered like the POST that filed it, so a client sees the same body from both.
    return _json_response(ApiResponse(200, _request_body(filed)))
