"""Background jobs of the logistics module (django-tasks; run by ``tongban worker``).

The worker enqueues the three sweeps every ``SWEEP_SECONDS``; each is
idempotent (orders carry their idempotency key, events their event id).
"""

from __future__ import annotations

from django.conf import settings
from django_tasks import task

SWEEP_SECONDS = 15.0


@task()
def place_shipment_order(shipment_id: int) -> str:
    """Order one shipment from the courier (enqueued with the shipment); returns its state (LOG-1)."""
    from tongban.logistics.services.shipments import place_order

    return place_order(shipment_id).state


@task()
def retry_shipment_orders() -> int:
    """Order every shipment whose earlier order failed and whose back-off elapsed; returns how many succeeded."""
    from tongban.logistics.services.shipments import place_due_orders

    return place_due_orders()


@task()
def emit_sandbox_courier_events() -> dict[str, int]:
    """Let the sandbox courier push its due tracking events (only when the sandbox is the configured courier)."""
    from tongban.logistics.couriers import sandbox

    if not settings.TONGBAN_ADAPTERS.get("courier", "").endswith("SandboxCourier"):
        return {}
    return sandbox.emit_due()


@task()
def query_stalled_shipments() -> dict[str, int]:
    """Fetch the tracks of active shipments whose events stopped coming (lost pushes, LOG-1)."""
    from tongban.logistics.services.tracking import query_stalled

    return query_stalled()


SWEEPS = (retry_shipment_orders, emit_sandbox_courier_events, query_stalled_shipments)
