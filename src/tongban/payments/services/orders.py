"""Payment orders (缴款单): opened for a purpose, paid through a channel, closed when the period ends (PAY-1)."""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tongban.agencies.models import Agency
from tongban.core import audit
from tongban.core.errors import TongbanError
from tongban.identity.models import Person, StaffRole, User
from tongban.identity.services import Actor, holds_role
from tongban.payments.channels import channel
from tongban.payments.errors import PaymentError
from tongban.payments.models import EventKind, OrderState, PaymentOrder
from tongban.payments.services import events


def _new_number(prefix: str) -> str:
    return f"{prefix}{timezone.localdate():%Y%m%d}{secrets.randbelow(10**12):012d}"


def _new_payment_code() -> str:
    # 20 digits like a non-tax payment code (缴款码): a random body and a mod-10 check digit.
    body = f"{secrets.randbelow(10**19):019d}"
    return body + str(sum(int(digit) for digit in body) % 10)


@transaction.atomic
def create_order(*, purpose: str, reference: str, description: str, lines: list[dict[str, Any]],
                 payer: Person | None, payer_label: str, agency: Agency | None) -> PaymentOrder:
    """Open a payment order with a payment code for the given lines (amounts in fen); called by higher modules."""
    amount = sum(int(line["amount_fen"]) for line in lines)
    now = timezone.now()
    order = PaymentOrder.objects.create(
        number=_new_number("PO"), payment_code=_new_payment_code(), purpose=purpose, reference=reference,
        payer=payer, payer_label=payer_label, agency=agency, description=description[:200], lines=lines,
        amount_fen=amount, created_at=now,
        expires_at=now + datetime.timedelta(days=settings.TONGBAN_PAYMENT_PERIOD_DAYS),
    )
    events.log(EventKind.CREATED, order=order, amount_fen=amount, reference=reference)
    audit.record("payments.order.created", agency_id=agency.pk if agency else None, obj=order,
                 data={"purpose": purpose, "reference": reference, "amount_fen": amount})
    return order


def orders_for(purpose: str, reference: str) -> list[PaymentOrder]:
    """The orders opened for one business object, newest first (e.g. a case's fee orders)."""
    return list(PaymentOrder.objects.filter(purpose=purpose, reference=reference).order_by("-created_at", "-id"))


def may_see(actor: Actor, order: PaymentOrder) -> bool:
    """The payer, the collecting agency's staff and the platform operator may see an order and its receipt."""
    if actor is None or not actor.is_authenticated:
        return False
    person = getattr(actor, "person", None)
    if person is not None and order.payer_id == person.pk:
        return True
    if holds_role(actor, StaffRole.PLATFORM_OPERATOR):
        return True
    return order.agency is not None and any(
        holds_role(actor, role, order.agency) for role in (StaffRole.CASE_OFFICER, StaffRole.APPROVER,
                                                           StaffRole.COUNTER_STAFF))


def visible_order(actor: Actor, number: str) -> PaymentOrder:
    """The order if ``actor`` may see it; otherwise refused as if it did not exist."""
    order = PaymentOrder.objects.select_related("agency", "payer").filter(number=number).first()
    if order is None or not may_see(actor, order):
        raise TongbanError(PaymentError.NOT_YOUR_ORDER, number=number)
    return order


def my_orders(actor: Actor) -> list[PaymentOrder]:
    """The signed-in person's orders, newest first."""
    person = getattr(actor, "person", None) if actor is not None and actor.is_authenticated else None
    if person is None:
        return []
    return list(PaymentOrder.objects.filter(payer=person).order_by("-created_at", "-id")[:200])


@transaction.atomic
def open_channel(actor: Actor, order: PaymentOrder, channel_code: str, *, return_url: str) -> str:
    """The payer chooses a channel: a prepay order is opened there; returns the URL of its pay page."""
    order = PaymentOrder.objects.select_for_update().get(pk=order.pk)
    person = getattr(actor, "person", None) if actor is not None and actor.is_authenticated else None
    if person is None or order.payer_id != person.pk:
        raise TongbanError(PaymentError.NOT_YOUR_ORDER, number=order.number)
    if order.state != OrderState.CREATED:
        raise TongbanError(PaymentError.ORDER_WRONG_STATE, state=OrderState(order.state).label, action="缴费")
    if order.expires_at <= timezone.now():
        raise TongbanError(PaymentError.ORDER_EXPIRED, number=order.number)
    adapter = channel(channel_code)
    url = adapter.create(order_number=order.number, amount_fen=order.amount_fen, description=order.description,
                         return_url=return_url, expires_at=order.expires_at)
    events.log(EventKind.CHANNEL_OPENED, order=order, channel=channel_code)
    return url


@transaction.atomic
def close_expired(now: datetime.datetime | None = None) -> int:
    """Close unpaid orders whose payment period has ended (a payment arriving later is refunded); returns how many."""
    now = now or timezone.now()
    closed = 0
    for order in PaymentOrder.objects.select_for_update(skip_locked=True).filter(state=OrderState.CREATED,
                                                                                expires_at__lte=now)[:1000]:
        order.state = OrderState.CLOSED
        order.closed_at = now
        order.version = F("version") + 1
        order.save(update_fields=["state", "closed_at", "version"])
        events.log(EventKind.CLOSED, order=order)
        audit.record("payments.order.closed", agency_id=order.agency_id, obj=order, data={"number": order.number})
        closed += 1
    return closed


def actor_user(actor: Actor) -> User | None:
    """The user to name in the audit log (None for the platform or an anonymous caller)."""
    return actor if isinstance(actor, User) else None
