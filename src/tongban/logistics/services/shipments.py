"""Delivery choices, shipments and courier orders (LOG-1).

A shipment is created in one transaction with a fresh idempotency key and a
queued order job (the task table is the outbox); the job calls the courier
outside any transaction and records the answer. A courier that fails or times
out is asked again later with the same key, so a parcel is never ordered twice
(the courier returns the waybill of the order it already took). After
``MAX_ORDER_ATTEMPTS`` failures the agency gets a work item, and retries go on.

The cases layer calls these functions for a case it has already checked the
applicant's or officer's right to; logistics only knows the case by number.
"""

from __future__ import annotations

import contextlib
import datetime
import uuid

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from tongban.agencies.models import Agency
from tongban.core import audit, crypto
from tongban.core.adapters import adapter
from tongban.core.errors import TongbanError
from tongban.identity.models import Person
from tongban.identity.services import Actor
from tongban.logistics.couriers import CourierUnavailable, OrderRequest
from tongban.logistics.errors import LogisticsError
from tongban.logistics.models import (
    Address,
    DeliveryPreference,
    Direction,
    EventOutcome,
    ResultDeliveryMethod,
    Shipment,
    ShipmentEvent,
    ShipmentState,
    WorkItem,
    WorkItemKind,
)
from tongban.logistics.models.choices import TERMINAL_STATES
from tongban.logistics.models.shipments import SHIPMENT_PHONE_CONTEXT
from tongban.logistics.services.addresses import AddressInput, clean

MAX_ORDER_ATTEMPTS = 5
FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 30 * 60
# While one worker talks to the courier, no other worker orders the same shipment.
CLAIM_SECONDS = 60


def preference_for(case_number: str) -> DeliveryPreference | None:
    """The applicant's delivery choice for a case, if one was made."""
    return DeliveryPreference.objects.select_related("address").filter(case_number=case_number).first()


@transaction.atomic
def set_preference(actor: Actor, person: Person, case_number: str, method: str,
                   address: Address | None) -> DeliveryPreference:
    """Store how ``person`` wants the result of ``case_number`` (the caller checked the case and the offer)."""
    if method == ResultDeliveryMethod.COURIER and address is None:
        raise TongbanError(LogisticsError.ADDRESS_REQUIRED, field="address")
    if address is not None and address.person_id != person.pk:
        raise TongbanError(LogisticsError.ADDRESS_NOT_FOUND, field="address")
    preference, _created = DeliveryPreference.objects.update_or_create(
        case_number=case_number,
        defaults={"person": person, "method": method,
                  "address": address if method == ResultDeliveryMethod.COURIER else None},
    )
    audit.record("logistics.preference.set", actor=actor, obj=preference,
                 data={"case": case_number, "method": method, "address": address.pk if address else None})
    return preference


def shipments_of_case(case_number: str) -> QuerySet[Shipment]:
    """Every shipment of a case with its event log, newest first (the caller checked who may see the case)."""
    return Shipment.objects.filter(case_number=case_number).prefetch_related("events").order_by("-created_at", "-id")


def _log(shipment: Shipment, outcome: str, *, source: str, detail: str = "", status: str = "") -> ShipmentEvent:
    return ShipmentEvent.objects.create(
        shipment=shipment, courier=shipment.courier, waybill_number=shipment.waybill_number or "", status=status,
        received_at=timezone.now(), source=source, outcome=outcome, detail=detail,
    )


def _enqueue_order(shipment: Shipment) -> None:
    from tongban.logistics.tasks import place_shipment_order

    # Enqueued in the same transaction (the task table is the outbox): the job exists iff the shipment does.
    place_shipment_order.enqueue(shipment.pk)


@transaction.atomic
def create_shipment(actor: Actor, *, case_number: str, direction: str, person: Person, agency: Agency,
                    destination: AddressInput, replaces: Shipment | None = None, validate: bool = True) -> Shipment:
    """A parcel for a case, its order queued to the configured courier.

    ``destination`` is the applicant's address for results (validated) or the
    agency's receiving desk for materials. A case has at most one result
    shipment on its way: a second one is refused unless it replaces the first.
    """
    if validate:
        destination = clean(destination)
    if direction == Direction.RESULT_OUT:
        running = Shipment.objects.select_for_update().filter(
            case_number=case_number, direction=Direction.RESULT_OUT
        ).exclude(state__in=TERMINAL_STATES)
        if replaces is not None:
            running = running.exclude(pk=replaces.pk)
        existing = running.first()
        if existing is not None:
            raise TongbanError(LogisticsError.SHIPMENT_EXISTS, number=case_number,
                               waybill=existing.waybill_number or "—")
    courier = adapter("courier")
    shipment = Shipment.objects.create(
        case_number=case_number, direction=direction, person=person, agency=agency, courier=courier.code,
        idempotency_key=uuid.uuid4().hex, recipient=destination.recipient,
        phone_encrypted=crypto.encrypt(destination.phone, context=SHIPMENT_PHONE_CONTEXT) if destination.phone else "",
        province=destination.province, city=destination.city, district=destination.district,
        detail=destination.detail, replaces=replaces,
    )
    audit.record("logistics.shipment.created", actor=actor, agency_id=agency.pk, obj=shipment,
                 data={"case": case_number, "direction": direction, "replaces": replaces.pk if replaces else None})
    _enqueue_order(shipment)
    return shipment


def backoff_seconds(failures: int) -> int:
    """Pause before the next order attempt after ``failures`` failed ones: 30 s doubling, capped at 30 min."""
    return int(min(FIRST_RETRY_SECONDS * 2 ** max(failures - 1, 0), MAX_RETRY_SECONDS))


def _claim(shipment_id: int) -> Shipment | None:
    with transaction.atomic():
        shipment = Shipment.objects.select_for_update().filter(pk=shipment_id).first()
        if shipment is None or shipment.state != ShipmentState.PENDING_ORDER:
            return None
        now = timezone.now()
        if shipment.next_order_at is not None and shipment.next_order_at > now:
            return None  # another worker holds it, or the back-off has not elapsed
        Shipment.objects.filter(pk=shipment.pk).update(next_order_at=now + datetime.timedelta(seconds=CLAIM_SECONDS))
    return shipment


def place_order(shipment_id: int, *, force: bool = False) -> Shipment:
    """Order the parcel from the courier (outside any transaction) and record the answer; idempotent.

    ``force`` ignores the back-off (a retry asked for by staff or a test).
    """
    if force:
        Shipment.objects.filter(pk=shipment_id, state=ShipmentState.PENDING_ORDER).update(next_order_at=None)
    shipment = _claim(shipment_id)
    if shipment is None:
        return Shipment.objects.get(pk=shipment_id)
    courier = adapter("courier")
    request = OrderRequest(idempotency_key=shipment.idempotency_key, recipient=shipment.recipient,
                           phone=shipment.phone, address=shipment.one_line, reference=shipment.case_number)
    try:
        waybill = courier.create_order(request)
    except CourierUnavailable as error:
        return _order_failed(shipment.pk, str(error))
    return _order_placed(shipment.pk, waybill)


@transaction.atomic
def _order_placed(shipment_id: int, waybill: str) -> Shipment:
    shipment = Shipment.objects.select_for_update().get(pk=shipment_id)
    if shipment.state != ShipmentState.PENDING_ORDER:
        return shipment  # cancelled meanwhile: the courier's cancel runs from the cancellation
    shipment.waybill_number = waybill
    shipment.state = ShipmentState.ORDERED
    shipment.ordered_at = timezone.now()
    shipment.next_order_at = None
    shipment.order_attempts += 1
    shipment.version += 1
    shipment.save()
    _log(shipment, EventOutcome.ORDER_CREATED, source="order", status=ShipmentState.ORDERED,
         detail=f"第{shipment.order_attempts}次下单成功，运单号 {waybill}")
    WorkItem.objects.filter(shipment=shipment, is_open=True, kind=WorkItemKind.ORDER_FAILED).update(
        is_open=False, resolved_at=timezone.now(), resolved_by_label="平台（重试下单成功）")
    return shipment


@transaction.atomic
def _order_failed(shipment_id: int, reason: str) -> Shipment:
    shipment = Shipment.objects.select_for_update().get(pk=shipment_id)
    if shipment.state != ShipmentState.PENDING_ORDER:
        return shipment
    shipment.order_attempts += 1
    shipment.next_order_at = timezone.now() + datetime.timedelta(seconds=backoff_seconds(shipment.order_attempts))
    shipment.save(update_fields=["order_attempts", "next_order_at"])
    _log(shipment, EventOutcome.ORDER_FAILED, source="order", detail=f"第{shipment.order_attempts}次下单失败：{reason}")
    if shipment.order_attempts >= MAX_ORDER_ATTEMPTS:
        open_work_item(shipment, WorkItemKind.ORDER_FAILED, f"已连续{shipment.order_attempts}次下单失败：{reason}")
    return shipment


def place_due_orders(limit: int = 100) -> int:
    """Order every shipment waiting for its order whose back-off has elapsed; returns how many were ordered."""
    now = timezone.now()
    due = Shipment.objects.filter(state=ShipmentState.PENDING_ORDER).filter(
        Q(next_order_at__isnull=True) | Q(next_order_at__lte=now)
    ).order_by("id").values_list("pk", flat=True)[:limit]
    return sum(place_order(pk).state == ShipmentState.ORDERED for pk in list(due))


def open_work_item(shipment: Shipment, kind: str, note: str) -> WorkItem:
    """The shipment's open work item (one at most), created or updated to the latest trouble."""
    item = WorkItem.objects.select_for_update().filter(shipment=shipment, is_open=True).first()
    if item is None:
        item = WorkItem.objects.create(shipment=shipment, agency_id=shipment.agency_id, kind=kind, note=note)
        audit.record("logistics.work_item.opened", actor="logistics", agency_id=shipment.agency_id, obj=item,
                     data={"shipment": shipment.pk, "kind": kind})
    elif item.kind != kind or item.note != note:
        item.kind, item.note = kind, note
        item.save(update_fields=["kind", "note"])
    return item


def cancel(shipment: Shipment, *, source: str, reason: str) -> None:
    """Stop a shipment not yet delivered (the caller holds its lock); the courier is told after commit."""
    if shipment.state in TERMINAL_STATES:
        return
    shipment.state = ShipmentState.CANCELLED
    shipment.version += 1
    shipment.save(update_fields=["state", "version"])
    _log(shipment, EventOutcome.NOTE, source=source, status=ShipmentState.CANCELLED, detail=reason)
    if shipment.waybill_number:
        waybill = shipment.waybill_number
        transaction.on_commit(lambda: _tell_courier_cancel(waybill))


def _tell_courier_cancel(waybill: str) -> None:
    # The parcel is cancelled on our side whatever the courier answers; a late event for it is logged as stale.
    with contextlib.suppress(CourierUnavailable):
        adapter("courier").cancel(waybill)
