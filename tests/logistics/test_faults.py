"""Fault injection through the sandbox courier (LOG-1): every shipment ends in the right state, none is lost."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings

from tests.logistics.builders import HOME, approved_case, courier_scene, home_address, issued_with_shipment, run_courier
from tongban.cases.models import CaseState
from tongban.cases.services import handling
from tongban.core.errors import TongbanError
from tongban.logistics.couriers import sandbox
from tongban.logistics.models import (
    EventOutcome,
    SandboxOrder,
    SandboxTrack,
    Shipment,
    ShipmentEvent,
    ShipmentState,
    WorkItem,
)
from tongban.logistics.services import shipments, work_items
from tongban.logistics.services.tracking import query_stalled
from tongban.logistics.tasks import emit_sandbox_courier_events, query_stalled_shipments, retry_shipment_orders

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _outcomes(shipment):
    return list(shipment.events.filter(source="push").values_list("status", "outcome"))


def test_log_1_duplicated_pushes_count_once():
    the = courier_scene()
    case, shipment = issued_with_shipment(the)
    with override_settings(TONGBAN_COURIER_SANDBOX_FAULTS="duplicate"):
        assert run_courier() == {"sent": 4}
    shipment.refresh_from_db()
    case.refresh_from_db()
    assert (shipment.state, shipment.version, case.state) == (ShipmentState.DELIVERED, 5, CaseState.DELIVERED)
    assert _outcomes(shipment) == [
        ("picked_up", "applied"), ("picked_up", "duplicate"), ("in_transit", "applied"), ("in_transit", "duplicate"),
        ("out_for_delivery", "applied"), ("out_for_delivery", "duplicate"), ("delivered", "applied"),
        ("delivered", "duplicate"),
    ]


def test_log_1_reordered_pushes_never_move_the_state_back():
    the = courier_scene()
    case, shipment = issued_with_shipment(the)
    with override_settings(TONGBAN_COURIER_SANDBOX_FAULTS="reorder"):
        run_courier()
    shipment.refresh_from_db()
    case.refresh_from_db()
    assert (shipment.state, case.state) == (ShipmentState.DELIVERED, CaseState.DELIVERED)
    assert _outcomes(shipment) == [("delivered", "applied"), ("out_for_delivery", "stale"), ("in_transit", "stale"),
                                   ("picked_up", "stale")]


def test_log_1_delayed_pushes_arrive_late_but_arrive():
    the = courier_scene()
    with override_settings(TONGBAN_COURIER_SANDBOX_FAULTS="delay", TONGBAN_COURIER_SANDBOX_DELAY_SECONDS=3600):
        case, shipment = issued_with_shipment(the)
        assert sandbox.emit_due(shipment.ordered_at + datetime.timedelta(minutes=30)) == {}
        assert run_courier(hours=2) == {"sent": 4}
    shipment.refresh_from_db()
    assert shipment.state == ShipmentState.DELIVERED


def test_log_1_lost_pushes_are_caught_up_by_the_track_query(fixed_clock):
    the = courier_scene()
    case, shipment = issued_with_shipment(the)
    with override_settings(TONGBAN_COURIER_SANDBOX_FAULTS="lose", TONGBAN_COURIER_STALL_SECONDS=3600):
        assert run_courier() == {"lost": 4}
        shipment.refresh_from_db()
        assert shipment.state == ShipmentState.ORDERED
        assert query_stalled() == {"queried": 0, "applied": 0, "failed": 0}  # not stalled yet
        fixed_clock.shift(datetime.timedelta(hours=2))
        assert query_stalled() == {"queried": 1, "applied": 4, "failed": 0}
        assert query_stalled() == {"queried": 0, "applied": 0, "failed": 0}  # delivered: nothing left to ask
    shipment.refresh_from_db()
    case.refresh_from_db()
    assert (shipment.state, case.state) == (ShipmentState.DELIVERED, CaseState.DELIVERED)
    assert list(shipment.events.filter(source="query").values_list("status", flat=True)) == [
        "picked_up", "in_transit", "out_for_delivery", "delivered"]


def test_log_1_forged_pushes_are_refused_and_the_query_still_finds_the_truth(fixed_clock):
    the = courier_scene()
    case, shipment = issued_with_shipment(the)
    with override_settings(TONGBAN_COURIER_SANDBOX_FAULTS="corrupt_signature", TONGBAN_COURIER_STALL_SECONDS=3600):
        assert run_courier() == {"rejected": 4}
        assert ShipmentEvent.objects.filter(outcome=EventOutcome.BAD_SIGNATURE).count() == 4
        fixed_clock.shift(datetime.timedelta(hours=2))
        query_stalled()
    shipment.refresh_from_db()
    assert shipment.state == ShipmentState.DELIVERED


def test_log_1_a_failed_courier_order_is_retried_with_the_same_key_and_never_ordered_twice(fixed_clock):
    the = courier_scene()
    case = approved_case(the)
    handling.issue_result(the.officer, case)
    shipment = Shipment.objects.get(case_number=case.number)
    with override_settings(TONGBAN_COURIER_SANDBOX_FAULTS="fail_order"):
        shipment = shipments.place_order(shipment.pk)
    assert (shipment.state, shipment.order_attempts, SandboxOrder.objects.count()) == (
        ShipmentState.PENDING_ORDER, 1, 0)
    with override_settings(TONGBAN_COURIER_SANDBOX_FAULTS="timeout_order"):
        shipment = shipments.place_order(shipment.pk, force=True)
        assert (shipment.state, shipment.order_attempts, SandboxOrder.objects.count()) == (
            ShipmentState.PENDING_ORDER, 2, 1)
        shipment = shipments.place_order(shipment.pk, force=True)
    assert (shipment.state, SandboxOrder.objects.count()) == (ShipmentState.PENDING_ORDER, 1)
    assert shipments.place_due_orders() == 0  # the back-off has not elapsed
    fixed_clock.shift(datetime.timedelta(minutes=5))
    assert shipments.place_due_orders() == 1
    shipment.refresh_from_db()
    order = SandboxOrder.objects.get()
    assert (shipment.state, shipment.waybill_number, shipment.order_attempts) == (
        ShipmentState.ORDERED, order.waybill_number, 4)
    assert list(shipment.events.values_list("outcome", flat=True)) == [
        "order_failed", "order_failed", "order_failed", "order_created"]


def test_log_1_orders_failing_again_and_again_open_a_work_item_that_closes_when_the_order_succeeds():
    the = courier_scene()
    case = approved_case(the)
    handling.issue_result(the.officer, case)
    shipment = Shipment.objects.get(case_number=case.number)
    with override_settings(TONGBAN_COURIER_SANDBOX_FAULTS="fail_order"):
        for _ in range(shipments.MAX_ORDER_ATTEMPTS):
            shipments.place_order(shipment.pk, force=True)
    item = WorkItem.objects.get()
    assert (item.kind, item.is_open, item.agency_id) == ("order_failed", True, the.bureau.pk)
    shipments.place_order(shipment.pk, force=True)
    item.refresh_from_db()
    assert item.is_open is False


def test_log_1_a_returned_parcel_opens_a_work_item_and_re_shipping_delivers_the_result():
    the = courier_scene()
    with override_settings(TONGBAN_COURIER_SANDBOX_FAULTS="returned"):
        case, shipment = issued_with_shipment(the)
        run_courier()
    shipment.refresh_from_db()
    case.refresh_from_db()
    assert (shipment.state, case.state) == (ShipmentState.RETURNED, CaseState.RESULT_ISSUED)
    item = WorkItem.objects.get(is_open=True)
    assert item.kind == "returned"
    corrected = HOME.__class__(**{**HOME.__dict__, "detail": "世纪大道100号1202室"})
    new = work_items.reship(the.officer, item.pk, corrected)
    assert (new.replaces_id, new.state, new.detail) == (shipment.pk, ShipmentState.PENDING_ORDER, "世纪大道100号1202室")
    shipments.place_order(new.pk)
    run_courier(hours=4)
    new.refresh_from_db()
    case.refresh_from_db()
    assert (new.state, case.state) == (ShipmentState.DELIVERED, CaseState.DELIVERED)
    item.refresh_from_db()
    assert (item.is_open, item.resolution) == (False, "reshipped")


def test_log_1_a_failed_delivery_switched_to_pickup_cancels_the_parcel():
    the = courier_scene()
    case, shipment = issued_with_shipment(the, address=None)
    for track in SandboxTrack.objects.filter(order__waybill_number=shipment.waybill_number, sequence=4):
        track.status = "failed"
        track.save()
    run_courier()
    item = WorkItem.objects.get(is_open=True)
    assert item.kind == "delivery_failed"
    work_items.switch_to_pickup(the.officer, item.pk)
    shipment.refresh_from_db()
    assert shipment.state == ShipmentState.CANCELLED
    from tongban.logistics.models import DeliveryPreference

    assert DeliveryPreference.objects.get(case_number=case.number).method == "pickup"
    assert SandboxOrder.objects.get().is_cancelled is False  # told after commit (the test transaction never commits)
    handling.deliver(the.officer, case, method="窗口领取")


def test_log_1_staff_of_another_agency_cannot_resolve_a_work_item():
    from tests.factories import AgencyFactory, staff
    from tongban.identity.models import StaffRole

    the = courier_scene()
    with override_settings(TONGBAN_COURIER_SANDBOX_FAULTS="returned"):
        issued_with_shipment(the)
        run_courier()
    item = WorkItem.objects.get()
    outsider = staff(StaffRole.CASE_OFFICER, AgencyFactory())
    with pytest.raises(TongbanError) as refused:
        work_items.switch_to_pickup(outsider, item.pk)
    assert refused.value.code == "IDENTITY_AGENCY_OUT_OF_SCOPE"
    item.refresh_from_db()
    assert item.is_open is True
    assert list(work_items.visible_work_items(outsider)) == []
    assert list(work_items.visible_work_items(the.officer)) == [item]


@override_settings(TASKS=IMMEDIATE, TONGBAN_COURIER_STALL_SECONDS=3600)
def test_log_1_the_worker_jobs_order_push_and_query(fixed_clock):
    the = courier_scene()
    case = approved_case(the, address=None)
    handling.issue_result(the.officer, case)  # the immediate backend orders at once
    shipment = Shipment.objects.get(case_number=case.number)
    assert shipment.state == ShipmentState.ORDERED
    assert retry_shipment_orders.call() == 0
    fixed_clock.shift(datetime.timedelta(seconds=150))  # picked up (+60 s) and in transit (+120 s) fell due
    assert emit_sandbox_courier_events.call() == {"sent": 2}
    fixed_clock.shift(datetime.timedelta(hours=3))
    with override_settings(TONGBAN_COURIER_SANDBOX_FAULTS="lose"):
        assert emit_sandbox_courier_events.call() == {"lost": 2}
        assert query_stalled_shipments.call() == {"queried": 1, "applied": 2, "failed": 0}
    case.refresh_from_db()
    assert case.state == CaseState.DELIVERED


def test_log_1_many_shipments_under_every_fault_at_once_all_end_delivered(fixed_clock):
    """Duplicate, reordered and half-lost pushes over ten shipments: each ends delivered, each case delivered."""
    the = courier_scene()
    address = home_address(the)
    cases = []
    for _ in range(10):
        case = approved_case(the, address=address)
        handling.issue_result(the.officer, case)
        cases.append(case)
    shipments.place_due_orders()
    tracks = list(SandboxTrack.objects.order_by("id"))
    for track in tracks[::3]:
        track.sent_state = "lost"
        track.save()
    with override_settings(TONGBAN_COURIER_SANDBOX_FAULTS="duplicate,reorder", TONGBAN_COURIER_STALL_SECONDS=3600):
        run_courier()
        fixed_clock.shift(datetime.timedelta(hours=2))
        query_stalled()
    assert set(Shipment.objects.values_list("state", flat=True)) == {ShipmentState.DELIVERED}
    for case in cases:
        case.refresh_from_db()
        assert case.state == CaseState.DELIVERED
    assert ShipmentEvent.objects.filter(outcome=EventOutcome.APPLIED).count() >= 10


@pytest.mark.django_db(transaction=True)
def test_log_1_the_sandbox_pushes_over_http_to_the_callback_endpoint(live_server):
    """With a callback URL the sandbox POSTs its signed events to /channels/couriers/sandbox/events over HTTP."""
    the = courier_scene()
    case, shipment = issued_with_shipment(the)
    with override_settings(TONGBAN_COURIER_SANDBOX_CALLBACK_URL=f"{live_server.url}/channels/couriers/sandbox/events"):
        assert run_courier() == {"sent": 4}
        with override_settings(TONGBAN_COURIER_SANDBOX_FAULTS="corrupt_signature"):
            body_rejected = sandbox.push(b"{}", sandbox.signed(b"{}", corrupt=True))
    assert body_rejected == 401
    shipment.refresh_from_db()
    case.refresh_from_db()
    assert (shipment.state, case.state) == (ShipmentState.DELIVERED, CaseState.DELIVERED)
