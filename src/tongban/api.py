"""The REST API under /api/v1: composes each module's router."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from tongban.core.errors import TongbanError

api = NinjaAPI(
    title="Tongban API",
    version="1.0.0",
    description="通办 一网通办平台接口 — the integrated online government-service platform API.",
    urls_namespace="api-v1",
)


@api.exception_handler(TongbanError)
def tongban_error(request: HttpRequest, error: TongbanError) -> HttpResponse:
    """Every refusal answers with its code and a message in the request's language."""
    return api.create_response(request, error.as_dict(), status=getattr(error, "http_status", 400))
