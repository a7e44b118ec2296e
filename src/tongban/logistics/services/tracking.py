"""Tracking events (LOG-1): signed pushes from couriers, queried tracks, and what they do to a shipment.

Every push is logged in the shipment event log whatever becomes of it:

* bad or missing signature, unknown courier, malformed body, unknown waybill —
  refused (the log row commits even though the request is refused);
* an event id already counted — a duplicate, acknowledged and ignored;
* an event older than the shipment's latest news, or any event for a delivered,
  returned or cancelled shipment — *stale*: recorded, the state does not move back;
* anything else moves the shipment on (``version`` + 1).

A delivered result shipment runs the handlers the cases layer registered
(:mod:`tongban.logistics.hooks`) in the same transaction; a failed or returned
delivery opens a work item for the agency. Shipments whose events stopped
(lost pushes) are caught up by :func:`query_stalled`, which asks the courier for
the tracks and feeds them through the same rules.
"""

from __future__ import annotations

import datetime
import json
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from tongban.core import audit
from tongban.core.adapters import adapter
from tongban.core.errors import TongbanError
from tongban.logistics import hooks
from tongban.logistics.couriers import CourierUnavailable, Track
from tongban.logistics.couriers.signing import courier_secret, verify
from tongban.logistics.errors import LogisticsError
from tongban.logistics.models import (
    ACTIVE_STATES,
    TERMINAL_STATES,
    Direction,
    EventOutcome,
    Shipment,
    ShipmentEvent,
    ShipmentState,
    WorkItem,
    WorkItemKind,
    WorkItemResolution,
)
from tongban.logistics.models.choices import COUNTED_OUTCOMES, STATE_RANK, TRACK_STATUSES
from tongban.logistics.services.shipments import open_work_item

logger = logging.getLogger(__name__)
MAX_LOGGED_BODY = 500


def _refusal(courier: str, outcome: str, error: TongbanError, *, waybill: str = "", event_id: str = "",
             status: str = "", detail: str = "") -> TongbanError:
    # Its own transaction: the record stays although the push is refused.
    with transaction.atomic():
        ShipmentEvent.objects.create(
            courier=courier[:32], waybill_number=waybill[:40], event_id=event_id[:64], status=status[:20],
            received_at=timezone.now(), outcome=outcome, detail=(detail or error.message)[:MAX_LOGGED_BODY],
        )
    return error


def _parse(courier: str, body: bytes) -> Track:
    try:
        payload: Any = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _refusal(courier, EventOutcome.MALFORMED,
                       TongbanError(LogisticsError.MALFORMED_EVENT, reason="不是 JSON"),
                       detail=body[:MAX_LOGGED_BODY].decode("utf-8", "replace")) from None
    problems = []
    if not isinstance(payload, dict):
        payload, problems = {}, ["不是 JSON 对象"]
    fields = {name: payload.get(name) for name in ("event_id", "waybill_number", "status", "occurred_at", "location")}
    for name in ("event_id", "waybill_number", "status", "occurred_at"):
        if not isinstance(fields[name], str) or not fields[name] or len(fields[name]) > 64:
            problems.append(f"{name} 缺失或不正确")
    occurred_at = parse_datetime(fields["occurred_at"]) if isinstance(fields["occurred_at"], str) else None
    if occurred_at is None or timezone.is_naive(occurred_at):
        problems.append("occurred_at 应为带时区的 ISO 8601 时间")
    if fields["status"] not in TRACK_STATUSES:
        problems.append(f"未知状态 {fields['status']!r}")
    if problems:
        raise _refusal(courier, EventOutcome.MALFORMED,
                       TongbanError(LogisticsError.MALFORMED_EVENT, reason="；".join(problems)),
                       waybill=str(fields["waybill_number"] or ""), event_id=str(fields["event_id"] or ""))
    assert occurred_at is not None
    return Track(event_id=fields["event_id"], waybill_number=fields["waybill_number"], status=fields["status"],
                 occurred_at=occurred_at, location=str(fields["location"] or "")[:120])


def receive_push(courier: str, body: bytes, timestamp: str, signature: str) -> ShipmentEvent | None:
    """Check and apply one pushed event; returns its log row (None for an acknowledged duplicate never logged)."""
    secret = courier_secret(courier)
    if secret is None:
        raise _refusal(courier, EventOutcome.BAD_SIGNATURE, TongbanError(LogisticsError.UNKNOWN_COURIER,
                                                                         courier=courier[:32]))
    if not timestamp or not signature or not verify(secret, timestamp, body, signature):
        raise _refusal(courier, EventOutcome.BAD_SIGNATURE, TongbanError(LogisticsError.BAD_SIGNATURE),
                       detail=body[:MAX_LOGGED_BODY].decode("utf-8", "replace"))
    return apply_track(courier, _parse(courier, body), source="push")


def _is_stale(shipment: Shipment, track: Track) -> bool:
    if shipment.state in TERMINAL_STATES:
        return True
    if shipment.last_event_at is None:
        return False
    if track.occurred_at != shipment.last_event_at:
        return track.occurred_at < shipment.last_event_at
    return STATE_RANK[ShipmentState(track.status)] <= STATE_RANK[ShipmentState(shipment.state)]


def apply_track(courier: str, track: Track, *, source: str) -> ShipmentEvent | None:
    """Apply one tracking event to its shipment under the rules above; returns the log row written."""
    with transaction.atomic():
        # At most one row (unique waybill per courier): no ORDER BY for first() to sort by.
        shipment = Shipment.objects.select_for_update().filter(
            courier=courier, waybill_number=track.waybill_number).order_by().first()
        if shipment is not None:
            return _apply_locked(shipment, courier, track, source)
    raise _refusal(courier, EventOutcome.UNKNOWN_WAYBILL,
                   TongbanError(LogisticsError.UNKNOWN_WAYBILL, waybill=track.waybill_number[:40]),
                   waybill=track.waybill_number, event_id=track.event_id, status=track.status)


def _apply_locked(shipment: Shipment, courier: str, track: Track, source: str) -> ShipmentEvent | None:
    def log(outcome: str, detail: str = "") -> ShipmentEvent:
        return ShipmentEvent.objects.create(
            shipment=shipment, courier=courier, waybill_number=track.waybill_number, event_id=track.event_id,
            status=track.status, occurred_at=track.occurred_at, received_at=timezone.now(), source=source,
            outcome=outcome, location=track.location, detail=detail,
        )

    if ShipmentEvent.objects.filter(courier=courier, event_id=track.event_id, outcome__in=COUNTED_OUTCOMES).exists():
        # A courier retries until acknowledged; a query returns every track again: neither counts twice.
        return log(EventOutcome.DUPLICATE) if source == "push" else None
    if _is_stale(shipment, track):
        return log(EventOutcome.STALE, f"当前状态“{ShipmentState(shipment.state).label}”，"
                                       f"该事件（{ShipmentState(track.status).label}）已过时，未回退状态")
    from_state = shipment.state
    shipment.state = track.status
    shipment.last_event_at = track.occurred_at
    shipment.version += 1
    shipment.save(update_fields=["state", "last_event_at", "version"])
    event = log(EventOutcome.APPLIED)
    if track.status in (ShipmentState.DELIVERED, ShipmentState.FAILED, ShipmentState.RETURNED):
        audit.record(f"logistics.shipment.{track.status}", actor=f"courier:{courier}", agency_id=shipment.agency_id,
                     obj=shipment, data={"from": from_state, "waybill": shipment.waybill_number,
                                         "event_id": track.event_id, "source": source})
    if track.status == ShipmentState.FAILED:
        open_work_item(shipment, WorkItemKind.DELIVERY_FAILED, f"{track.location} 派送失败")
    elif track.status == ShipmentState.RETURNED:
        open_work_item(shipment, WorkItemKind.RETURNED, "快件已退回寄件方")
    elif track.status == ShipmentState.DELIVERED:
        _delivered(shipment, event)
    return event


def _delivered(shipment: Shipment, event: ShipmentEvent) -> None:
    WorkItem.objects.filter(shipment=shipment, is_open=True).update(
        is_open=False, resolved_at=timezone.now(), resolved_by_label="快递再次派送",
        resolution=WorkItemResolution.DELIVERED_ANYWAY)
    if shipment.direction != Direction.RESULT_OUT:
        return
    for callback in hooks.result_delivered_callbacks():
        try:
            with transaction.atomic():  # a savepoint: a refused case step leaves the delivery recorded
                callback(shipment)
        except TongbanError as error:
            event.detail = f"办件未自动登记送达：{error.message}"
            event.save(update_fields=["detail"])
            return
    shipment.case_notified_at = timezone.now()
    shipment.save(update_fields=["case_notified_at"])


def stall_seconds() -> int:
    """After how long without news an active shipment's tracks are queried."""
    return int(getattr(settings, "TONGBAN_COURIER_STALL_SECONDS", 6 * 3600))


def query_stalled(now: datetime.datetime | None = None, limit: int = 200) -> dict[str, int]:
    """Ask the courier for the tracks of active shipments without news for ``stall_seconds`` (lost pushes)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=stall_seconds())
    courier = adapter("courier")
    active = Shipment.objects.filter(state__in=ACTIVE_STATES, courier=courier.code, waybill_number__isnull=False)
    stalled = active.filter(
        Q(last_event_at__lt=cutoff) | Q(last_event_at__isnull=True, ordered_at__lt=cutoff)
    ).filter(Q(last_checked_at__isnull=True) | Q(last_checked_at__lt=cutoff)).order_by("last_event_at", "id")
    counts = {"queried": 0, "applied": 0, "failed": 0}
    for shipment in list(stalled[:limit]):
        assert shipment.waybill_number is not None
        try:
            tracks = courier.query_tracks(shipment.waybill_number)
        except CourierUnavailable as error:
            logger.info("track query for %s failed: %s", shipment.waybill_number, error)
            counts["failed"] += 1
            continue
        counts["queried"] += 1
        for track in sorted(tracks, key=lambda item: item.occurred_at):
            event = apply_track(courier.code, track, source="query")
            if event is not None and event.outcome == EventOutcome.APPLIED:
                counts["applied"] += 1
        Shipment.objects.filter(pk=shipment.pk).update(last_checked_at=now)
    return counts
