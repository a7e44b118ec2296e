"""The sandbox courier: accepts orders, returns waybill numbers and pushes signed tracking events.

It keeps its own books (:class:`SandboxOrder`, :class:`SandboxTrack`) like a
real courier. An order schedules its tracks ``TONGBAN_COURIER_SANDBOX_STEP_SECONDS``
apart: 已揽收, 运输中, 派送中, then 已签收 — or 派送失败 and 已退回 when the
order was placed with the ``returned`` fault or the address contains "拒收".
:func:`emit_due` (run by the worker's ``emit_sandbox_courier_events`` job)
pushes the tracks that fell due to ``/channels/couriers/sandbox/events``: over
HTTP when ``TONGBAN_COURIER_SANDBOX_CALLBACK_URL`` is set, else in process
through the same function the endpoint calls.

Faults (``TONGBAN_COURIER_SANDBOX_FAULTS``, comma-separated, read on every call
so tests switch them with ``override_settings``): ``delay`` (push
``TONGBAN_COURIER_SANDBOX_DELAY_SECONDS`` late), ``duplicate`` (push twice),
``reorder`` (push a batch newest first), ``corrupt_signature``, ``lose`` (never
push; the track is still there for a query), ``fail_order`` (refuse orders),
``timeout_order`` (take the order, then fail to answer), ``returned``.
"""

from __future__ import annotations

import datetime
import secrets
from collections import defaultdict

import requests
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from tongban.core.errors import TongbanError
from tongban.logistics.couriers import CourierUnavailable, OrderRequest, Track
from tongban.logistics.couriers.signing import courier_secret, encode, sign
from tongban.logistics.models import SandboxOrder, SandboxTrack, ShipmentState

CODE = "sandbox"
DELIVERED_PATH = (
    (ShipmentState.PICKED_UP, "上海浦东营业部"), (ShipmentState.IN_TRANSIT, "上海转运中心"),
    (ShipmentState.OUT_FOR_DELIVERY, "派送网点"), (ShipmentState.DELIVERED, "收件人本人签收"),
)
RETURNED_PATH = DELIVERED_PATH[:3] + ((ShipmentState.FAILED, "收件人拒收"), (ShipmentState.RETURNED, "退回寄件方"))
# Push statuses the endpoint answers with for refusals (mirrors tongban.logistics.views.ERROR_STATUS).
REFUSAL_STATUS = {"LOGISTICS_BAD_SIGNATURE": 401, "LOGISTICS_UNKNOWN_COURIER": 404, "LOGISTICS_UNKNOWN_WAYBILL": 404}


def faults() -> set[str]:
    """The fault switches in force now."""
    configured = getattr(settings, "TONGBAN_COURIER_SANDBOX_FAULTS", "") or ""
    return {part.strip() for part in configured.split(",") if part.strip()}


def _seconds(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


class SandboxCourier:
    """The courier adapter of the sandbox (role ``courier``)."""

    code = CODE

    def create_order(self, request: OrderRequest) -> str:
        """Take the order once per idempotency key; the faults may refuse it or lose the answer."""
        switches = faults()
        if "fail_order" in switches:
            raise CourierUnavailable("sandbox: 503 Service Unavailable")
        order = SandboxOrder.objects.filter(idempotency_key=request.idempotency_key).first()
        if order is None:
            order = self._take(request, switches)
        if "timeout_order" in switches:
            raise CourierUnavailable("sandbox: read timed out (the order was taken)")
        return order.waybill_number

    def _take(self, request: OrderRequest, switches: set[str]) -> SandboxOrder:
        now = timezone.now()
        returned = "returned" in switches or "拒收" in request.address
        try:
            with transaction.atomic():
                order = SandboxOrder.objects.create(
                    idempotency_key=request.idempotency_key, waybill_number=f"SB{secrets.randbelow(10**12):012d}",
                    recipient=request.recipient, outcome="returned" if returned else "delivered", created_at=now)
                step = _seconds("TONGBAN_COURIER_SANDBOX_STEP_SECONDS", 60)
                delay = _seconds("TONGBAN_COURIER_SANDBOX_DELAY_SECONDS", 600) if "delay" in switches else 0
                tracks = []
                for sequence, (status, location) in enumerate(RETURNED_PATH if returned else DELIVERED_PATH, 1):
                    occurred_at = now + datetime.timedelta(seconds=step * sequence)
                    tracks.append(SandboxTrack(
                        order=order, sequence=sequence, event_id=f"{order.waybill_number}-{sequence}", status=status,
                        location=location, occurred_at=occurred_at,
                        send_at=occurred_at + datetime.timedelta(seconds=delay)))
                SandboxTrack.objects.bulk_create(tracks)
        except IntegrityError:
            # The same key raced in from another worker: the order it took is the order.
            return SandboxOrder.objects.get(idempotency_key=request.idempotency_key)
        return order

    def cancel(self, waybill_number: str) -> None:
        """Cancel the parcel: no further tracks."""
        SandboxOrder.objects.filter(waybill_number=waybill_number).update(is_cancelled=True)

    def query_tracks(self, waybill_number: str) -> list[Track]:
        """Every track that has happened so far (pushed, lost or refused alike), oldest first."""
        if "fail_query" in faults():
            raise CourierUnavailable("sandbox: 503 Service Unavailable")
        rows = SandboxTrack.objects.filter(order__waybill_number=waybill_number, order__is_cancelled=False,
                                           occurred_at__lte=timezone.now())
        return [Track(row.event_id, waybill_number, row.status, row.occurred_at, row.location) for row in rows]


def payload(track: SandboxTrack) -> dict[str, str]:
    """The JSON body the sandbox pushes for one track."""
    return {"event_id": track.event_id, "waybill_number": track.order.waybill_number, "status": track.status,
            "occurred_at": track.occurred_at.isoformat(), "location": track.location}


def signed(body: bytes, *, corrupt: bool = False, now: datetime.datetime | None = None) -> dict[str, str]:
    """The headers of a push of ``body`` (a wrong signature when ``corrupt``)."""
    timestamp = str(int((now or timezone.now()).timestamp()))
    signature = sign(courier_secret(CODE) or "", timestamp, body)
    if corrupt:
        signature = signature[:-8] + ("0" * 8 if not signature.endswith("0" * 8) else "1" * 8)
    return {"X-Courier-Timestamp": timestamp, "X-Courier-Signature": signature}


def push(body: bytes, headers: dict[str, str]) -> int:
    """Deliver one push to our endpoint; returns the HTTP status it got."""
    url = getattr(settings, "TONGBAN_COURIER_SANDBOX_CALLBACK_URL", "")
    if url:
        try:
            response = requests.post(url, data=body, timeout=10,
                                     headers={**headers, "Content-Type": "application/json; charset=utf-8"})
        except requests.RequestException:
            return 599
        return response.status_code
    from tongban.logistics.services.tracking import receive_push

    try:
        receive_push(CODE, body, headers["X-Courier-Timestamp"], headers["X-Courier-Signature"])
    except TongbanError as error:
        return REFUSAL_STATUS.get(error.code, 400)
    return 200


def emit_due(now: datetime.datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Push every track that fell due by ``now`` (default: the clock), with the faults in force; counts by fate."""
    now = now or timezone.now()
    switches = faults()
    due = list(SandboxTrack.objects.filter(sent_state="pending", send_at__lte=now, order__is_cancelled=False)
               .select_related("order").order_by("order_id", "sequence")[:limit])
    by_order: dict[int, list[SandboxTrack]] = defaultdict(list)
    for track in due:
        by_order[track.order_id].append(track)
    counts: dict[str, int] = defaultdict(int)
    for tracks in by_order.values():
        for track in reversed(tracks) if "reorder" in switches else tracks:
            if "lose" in switches:
                track.sent_state = "lost"
            else:
                body = encode(payload(track))
                status = push(body, signed(body, corrupt="corrupt_signature" in switches))
                if "duplicate" in switches:
                    push(body, signed(body, corrupt="corrupt_signature" in switches))
                track.response_status = status
                track.sent_state = "sent" if 200 <= status < 300 else "rejected"
            track.save(update_fields=["sent_state", "response_status"])
            counts[track.sent_state] += 1
    return dict(counts)
