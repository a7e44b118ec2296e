"""Signed courier pushes (LOG-1): signature, waybill, idempotency, monotonic state, and the endpoint."""

from __future__ import annotations

import datetime
import json

import pytest

from tests.logistics.builders import courier_scene, issued_with_shipment
from tongban.logistics.couriers import sandbox
from tongban.logistics.couriers.signing import encode
from tongban.logistics.models import EventOutcome, SandboxTrack, ShipmentEvent, ShipmentState

pytestmark = pytest.mark.django_db
URL = "/channels/couriers/sandbox/events"


def _push(client, payload, *, corrupt=False, headers=None):
    body = encode(payload)
    sent = headers if headers is not None else sandbox.signed(body, corrupt=corrupt)
    return client.post(URL, data=body, content_type="application/json",
                       headers={"X-Courier-Timestamp": sent.get("X-Courier-Timestamp", ""),
                                "X-Courier-Signature": sent.get("X-Courier-Signature", "")})


def _event(shipment, status, minutes, event_id=None):
    occurred = shipment.ordered_at + datetime.timedelta(minutes=minutes)
    return {"event_id": event_id or f"{shipment.waybill_number}-{status}", "waybill_number": shipment.waybill_number,
            "status": status, "occurred_at": occurred.isoformat(), "location": "上海"}


def test_log_1_a_signed_event_moves_the_shipment_and_is_logged(client):
    the = courier_scene()
    _case, shipment = issued_with_shipment(the)
    response = _push(client, _event(shipment, "picked_up", 5))
    assert (response.status_code, response.json()) == (200, {"ok": True, "outcome": "applied"})
    shipment.refresh_from_db()
    assert (shipment.state, shipment.version) == (ShipmentState.PICKED_UP, 2)
    assert list(shipment.events.values_list("source", "outcome")) == [("order", "order_created"), ("push", "applied")]


@pytest.mark.parametrize("headers", [{}, {"X-Courier-Timestamp": "1780275600", "X-Courier-Signature": "sha256=00"}])
def test_log_1_an_unsigned_or_forged_event_is_refused_and_recorded(client, headers):
    the = courier_scene()
    _case, shipment = issued_with_shipment(the)
    response = _push(client, _event(shipment, "delivered", 5), headers=headers)
    assert (response.status_code, response.json()["code"]) == (401, "LOGISTICS_BAD_SIGNATURE")
    shipment.refresh_from_db()
    assert (shipment.state, shipment.version) == (ShipmentState.ORDERED, 1)
    refused = ShipmentEvent.objects.get(outcome=EventOutcome.BAD_SIGNATURE)
    assert (refused.shipment_id, refused.courier) == (None, "sandbox")


def test_log_1_a_corrupted_signature_is_refused(client):
    the = courier_scene()
    _case, shipment = issued_with_shipment(the)
    response = _push(client, _event(shipment, "delivered", 5), corrupt=True)
    assert response.status_code == 401
    shipment.refresh_from_db()
    assert shipment.state == ShipmentState.ORDERED


def test_log_1_an_event_for_an_unknown_waybill_is_refused_and_recorded(client):
    the = courier_scene()
    _case, shipment = issued_with_shipment(the)
    payload = _event(shipment, "delivered", 5)
    payload["waybill_number"] = "SB000000000000"
    response = _push(client, payload)
    assert (response.status_code, response.json()["code"]) == (404, "LOGISTICS_UNKNOWN_WAYBILL")
    refused = ShipmentEvent.objects.filter(outcome=EventOutcome.UNKNOWN_WAYBILL, waybill_number="SB000000000000")
    assert refused.count() == 1


def test_log_1_an_unknown_courier_is_refused(client):
    body = encode({"event_id": "x"})
    response = client.post("/channels/couriers/nobody/events", data=body, content_type="application/json",
                           headers=sandbox.signed(body))
    assert (response.status_code, response.json()["code"]) == (404, "LOGISTICS_UNKNOWN_COURIER")


@pytest.mark.parametrize("payload", [
    {"event_id": "e1", "waybill_number": "SB1", "status": "teleported", "occurred_at": "2026-06-01T09:00:00+08:00"},
    {"event_id": "e1", "waybill_number": "SB1", "status": "delivered", "occurred_at": "yesterday"},
    {"event_id": "", "waybill_number": "SB1", "status": "delivered", "occurred_at": "2026-06-01T09:00:00+08:00"},
    ["not", "an", "object"],
])
def test_log_1_a_malformed_event_is_refused_and_recorded(client, payload):
    response = _push(client, payload)
    assert (response.status_code, response.json()["code"]) == (400, "LOGISTICS_MALFORMED_EVENT")
    assert ShipmentEvent.objects.filter(outcome=EventOutcome.MALFORMED).count() == 1


def test_log_1_a_duplicate_event_counts_once(client):
    the = courier_scene()
    _case, shipment = issued_with_shipment(the)
    event = _event(shipment, "picked_up", 5)
    assert _push(client, event).json()["outcome"] == "applied"
    assert _push(client, event).json()["outcome"] == "duplicate"
    shipment.refresh_from_db()
    assert (shipment.state, shipment.version) == (ShipmentState.PICKED_UP, 2)
    assert list(shipment.events.filter(source="push").values_list("outcome", flat=True)) == ["applied", "duplicate"]


def test_log_1_an_older_event_after_delivery_is_logged_as_stale_and_does_not_move_the_state_back(client):
    the = courier_scene()
    case, shipment = issued_with_shipment(the)
    assert _push(client, _event(shipment, "delivered", 60)).json()["outcome"] == "applied"
    response = _push(client, _event(shipment, "in_transit", 20))
    assert (response.status_code, response.json()["outcome"]) == (200, "stale")
    shipment.refresh_from_db()
    assert shipment.state == ShipmentState.DELIVERED
    stale = shipment.events.get(outcome=EventOutcome.STALE)
    assert stale.detail == "当前状态“已签收”，该事件（运输中）已过时，未回退状态"


def test_log_1_a_new_delivery_attempt_after_a_failure_moves_on():
    """A failed delivery is not terminal: a later out-for-delivery and delivered move the shipment on."""
    from tongban.logistics.couriers import Track
    from tongban.logistics.services.tracking import apply_track

    the = courier_scene()
    _case, shipment = issued_with_shipment(the)
    base = shipment.ordered_at
    for minutes, status in ((10, "failed"), (20, "out_for_delivery"), (30, "delivered")):
        apply_track("sandbox", Track(f"e{minutes}", shipment.waybill_number, status,
                                     base + datetime.timedelta(minutes=minutes)), source="push")
    shipment.refresh_from_db()
    assert shipment.state == ShipmentState.DELIVERED
    assert list(shipment.work_items.values_list("kind", "is_open", "resolution")) == [
        ("delivery_failed", False, "delivered_anyway")]


def test_log_1_the_sandbox_payload_round_trips_through_the_endpoint(client):
    the = courier_scene()
    _case, shipment = issued_with_shipment(the)
    track = SandboxTrack.objects.filter(order__waybill_number=shipment.waybill_number).first()
    body = encode(sandbox.payload(track))
    assert json.loads(body)["status"] == "picked_up"
    response = client.post(URL, data=body, content_type="application/json", headers=sandbox.signed(body))
    assert response.status_code == 200
