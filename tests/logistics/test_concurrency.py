"""Concurrent pushes and order attempts on PostgreSQL (LOG-1): an event counts once, a parcel is ordered once."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from tests.logistics.builders import courier_scene, issued_with_shipment
from tongban.cases.models import CaseEvent
from tongban.logistics.couriers import Track
from tongban.logistics.models import EventOutcome, SandboxOrder, Shipment, ShipmentState
from tongban.logistics.services import shipments
from tongban.logistics.services.tracking import apply_track


def _at_once(action: Callable[[], object], count: int = 2) -> list[object]:
    barrier = threading.Barrier(count)
    results: list[object] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(action())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_log_1_the_same_delivered_event_pushed_twice_at_once_counts_once(on_postgresql):
    if not on_postgresql:
        pytest.skip("SQLite serialises all writers; row locks are exercised on PostgreSQL")
    the = courier_scene()
    case, shipment = issued_with_shipment(the)
    track = Track("E-1", shipment.waybill_number, "delivered", shipment.ordered_at)
    results = _at_once(lambda: apply_track("sandbox", track, source="push").outcome)
    assert sorted(results) == [EventOutcome.APPLIED, EventOutcome.DUPLICATE]
    shipment.refresh_from_db()
    assert (shipment.state, shipment.version) == (ShipmentState.DELIVERED, 2)
    assert CaseEvent.objects.filter(case=case, action="delivered").count() == 1


@pytest.mark.django_db(transaction=True)
def test_log_1_two_workers_ordering_the_same_shipment_order_it_once(on_postgresql):
    if not on_postgresql:
        pytest.skip("SQLite serialises all writers; row locks are exercised on PostgreSQL")
    from tests.logistics.builders import approved_case
    from tongban.cases.services import handling

    the = courier_scene()
    case = approved_case(the)
    handling.issue_result(the.officer, case)
    shipment = Shipment.objects.get(case_number=case.number)
    _at_once(lambda: shipments.place_order(shipment.pk).state)
    shipment.refresh_from_db()
    assert (shipment.state, SandboxOrder.objects.count()) == (ShipmentState.ORDERED, 1)
    assert shipment.events.filter(outcome=EventOutcome.ORDER_CREATED).count() == 1
