"""Operational endpoints: liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from tongban.core import metrics as metrics_registry


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and answering."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """The database answers; a load balancer sends traffic only when this is 200."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any database failure means "not ready"
        return JsonResponse({"status": "unavailable", "database": str(error.__class__.__name__)}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text exposition of the platform's gauges."""
    return HttpResponse(metrics_registry.render(), content_type="text/plain; version=0.0.4; charset=utf-8")
