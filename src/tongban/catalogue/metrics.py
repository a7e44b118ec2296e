"""Catalogue gauges for /metrics: items by status and open lifecycle requests by stage and lateness."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count
from django.utils import timezone

from tongban.catalogue.models import LifecycleRequest, ServiceItem
from tongban.core.metrics import Sample


def collect() -> Iterator[Sample]:
    """Two grouped queries per scrape, whatever the catalogue's size."""
    for row in ServiceItem.objects.values("status").annotate(count=Count("id")).order_by("status"):
        yield ("tongban_catalogue_items", "Service items by status.", float(row["count"]), {"status": row["status"]})
    today = timezone.localdate()
    for row in LifecycleRequest.objects.open().values("state").annotate(count=Count("id")).order_by("state"):
        yield ("tongban_catalogue_open_requests", "Open lifecycle requests by stage.", float(row["count"]),
               {"state": row["state"]})
    overdue = LifecycleRequest.objects.overdue(today).count()
    yield ("tongban_catalogue_overdue_requests", "Open lifecycle requests past their due date.", float(overdue), {})
