"""The REST API under /api/v1: composes each module's router.

Public routers are mounted as they are; routers for agencies' business systems
are mounted with :class:`AgencyCredentialBearer`, so their handlers find the
caller's API credential in ``request.auth``. Every refusal answers
``{"code", "message", "field"}`` (plus ``"problems"`` for a list of them).
The OpenAPI document is committed as ``docs/openapi.json``: regenerate it with
``.venv/bin/python scripts/openapi -o docs/openapi.json`` after any API change.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as RequestValidationError
from ninja.responses import NinjaJSONEncoder
from ninja.security import HttpBearer

from tongban.agencies.models import ApiCredential
from tongban.agencies.services import AgencyError, authenticate_token
from tongban.cases import api as cases_api
from tongban.catalogue import api as catalogue_api
from tongban.core.errors import ErrorCode, TongbanError, ValidationProblems
from tongban.licences import api as licences_api
from tongban.logistics import api as logistics_api
from tongban.payments import api as payments_api
from tongban.seals import api as seals_api


class ApiError(ErrorCode):
    """Refusals of the API layer itself."""

    REQUEST_INVALID = ("API_REQUEST_INVALID", _("请求格式不正确：{count} 处问题"))


class AgencyCredentialBearer(HttpBearer):
    """``Authorization: Bearer tb_<key_id>_<secret>``: an agency's API credential (agencies.services)."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiCredential | None:
        """The active credential, or None (the API then answers 401)."""
        return authenticate_token(token)


api = NinjaAPI(
    title="Tongban API",
    version="1.0.0",
    description="通办 一网通办平台接口 — the integrated online government-service platform API.",
    urls_namespace="api-v1",
)
api.add_router("/catalogue/", catalogue_api.router)
api.add_router("/catalogue/", catalogue_api.agency_router, auth=AgencyCredentialBearer())
api.add_router("/cases/", cases_api.router, auth=AgencyCredentialBearer())
api.add_router("/seals/", seals_api.router)
api.add_router("/licences/", licences_api.router)
api.add_router("/licences/", licences_api.agency_router, auth=AgencyCredentialBearer())
api.add_router("/payments/", payments_api.router)
api.add_router("/logistics/", logistics_api.router)

# Each module's mapping of its refusals to HTTP statuses; anything unmapped is 400,
# or 422 when it lists problems.
ERROR_STATUS: dict[ErrorCode, int] = {
    **catalogue_api.ERROR_STATUS, **cases_api.ERROR_STATUS, **seals_api.ERROR_STATUS,
    **licences_api.ERROR_STATUS, **payments_api.ERROR_STATUS, **logistics_api.ERROR_STATUS,
}


def http_status(error: TongbanError) -> int:
    """The HTTP status of a refusal: its own ``http_status`` attribute, the modules' mapping, or 400/422."""
    explicit = getattr(error, "http_status", None)
    if explicit:
        return int(explicit)
    if error.error in ERROR_STATUS:
        return ERROR_STATUS[error.error]
    return 422 if isinstance(error, ValidationProblems) else 400


@api.exception_handler(TongbanError)
def tongban_error(request: HttpRequest, error: TongbanError) -> HttpResponse:
    """Every refusal answers with its code and a message in the request's language."""
    return api.create_response(request, error.as_dict(), status=http_status(error))


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    """A missing, malformed, unknown or revoked bearer token."""
    body = TongbanError(AgencyError.TOKEN_INVALID, field="Authorization").as_dict()
    response = api.create_response(request, body, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="tongban"'
    return response


@api.exception_handler(RequestValidationError)
def request_invalid(request: HttpRequest, error: RequestValidationError) -> HttpResponse:
    """Parameters or body that do not fit the operation's schema, in the same shape as other refusals."""
    problems = [
        {
            "path": ".".join(str(part) for part in detail.get("loc", ())),
            "code": ApiError.REQUEST_INVALID.code,
            "message": str(detail.get("msg", "")),
        }
        for detail in error.errors
    ]
    refusal = ValidationProblems(ApiError.REQUEST_INVALID, problems)
    refusal.field = problems[0]["path"] if problems else None
    return api.create_response(request, refusal.as_dict(), status=422)


def openapi_document() -> str:
    """The OpenAPI document as committed in ``docs/openapi.json``: sorted keys, indent 2, UTF-8 text."""
    schema: dict[str, Any] = api.get_openapi_schema(path_prefix="/api/v1/")
    return json.dumps(schema, cls=NinjaJSONEncoder, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
