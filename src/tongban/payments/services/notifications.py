"""Channel notifications and queries that settle orders (PAY-1).

Every notification is verified – signature under the channel key, a known
order, the order's exact amount – and is idempotent: the channel's transaction
id is unique, so a repeated notification finds its payment already recorded and
changes nothing. A second *different* payment for one order (the payer paid
twice, or after the order closed) is recorded, flagged and refunded
automatically. Refused notifications are written to the event log in a
transaction of their own, so nothing is changed and nothing is forgotten.
"""

from __future__ import annotations

import datetime
import json
import logging
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from tongban.core import audit
from tongban.core.errors import TongbanError
from tongban.payments.channels import ChannelOrder, channel, signature_valid
from tongban.payments.errors import PaymentError
from tongban.payments.models import ChannelPayment, EventKind, OrderState, PaymentEvent, PaymentOrder
from tongban.payments.services import callbacks, events, refunds

logger = logging.getLogger(__name__)

# What a settled notification came to (the notify view answers the channel "success" for each).
PAID = "paid"
ALREADY_RECORDED = "already_recorded"
DUPLICATE_REFUNDED = "duplicate_refunded"
IGNORED = "ignored"


def receive(channel_code: str, body: bytes, signature: str) -> str:
    """Verify and apply one asynchronous notification; raises (and logs the refusal) when it must be refused."""
    channel(channel_code)  # refuses an unknown channel code
    if not signature_valid(channel_code, body, signature):
        events.log_refusal(EventKind.REFUSED_SIGNATURE, channel=channel_code, order_number=_peek_order(body),
                           body=body[:500].decode("utf-8", "replace"))
        raise TongbanError(PaymentError.SIGNATURE_INVALID)
    try:
        payload: dict[str, Any] = json.loads(body)
        event = payload["event"]
        order_number = str(payload["order_number"])
        if event != "pay":
            return IGNORED  # refunds are confirmed synchronously; their notifications only repeat it
        transaction_id = str(payload["transaction_id"])
        amount = payload["amount_fen"]
        paid_at = parse_datetime(str(payload["paid_at"]))
        if isinstance(amount, bool) or not isinstance(amount, int) or paid_at is None:
            raise ValueError("amount_fen or paid_at")
    except (ValueError, KeyError, TypeError) as problem:
        events.log_refusal(EventKind.REFUSED_MALFORMED, channel=channel_code, order_number=_peek_order(body),
                           detail=str(problem))
        raise TongbanError(PaymentError.NOTIFICATION_MALFORMED, detail=str(problem)) from None
    return settle(channel_code, order_number=order_number, transaction_id=transaction_id, amount_fen=amount,
                  paid_at=paid_at, source="notification")


def _peek_order(body: bytes) -> str:
    try:
        return str(json.loads(body).get("order_number", ""))[:64]
    except (ValueError, AttributeError):
        return ""


def settle(channel_code: str, *, order_number: str, transaction_id: str, amount_fen: int,
           paid_at: datetime.datetime, source: str) -> str:
    """Record a payment the channel reports (by notification or query); refusals are logged, then raised."""
    order = PaymentOrder.objects.filter(number=order_number).first()
    if order is None:
        events.log_refusal(EventKind.REFUSED_UNKNOWN_ORDER, channel=channel_code, order_number=order_number,
                           transaction_id=transaction_id, amount_fen=amount_fen, source=source)
        raise TongbanError(PaymentError.ORDER_NOT_FOUND, number=order_number)
    if amount_fen != order.amount_fen:
        events.log_refusal(EventKind.REFUSED_AMOUNT, order=order, channel=channel_code,
                           transaction_id=transaction_id, amount_fen=amount_fen, expected_fen=order.amount_fen,
                           source=source)
        raise TongbanError(PaymentError.AMOUNT_MISMATCH, notified=amount_fen, expected=order.amount_fen)
    return _record_payment(order, channel_code, transaction_id, amount_fen, paid_at, source)


@transaction.atomic
def _record_payment(order: PaymentOrder, channel_code: str, transaction_id: str, amount_fen: int,
                    paid_at: datetime.datetime, source: str) -> str:
    order = PaymentOrder.objects.select_for_update().get(pk=order.pk)
    if ChannelPayment.objects.filter(channel=channel_code, transaction_id=transaction_id).exists():
        events.log(EventKind.NOTIFIED_AGAIN, order=order, channel=channel_code, transaction_id=transaction_id,
                   source=source)
        return ALREADY_RECORDED
    now = timezone.now()
    first = order.state == OrderState.CREATED
    payment = ChannelPayment.objects.create(order=order, channel=channel_code, transaction_id=transaction_id,
                                            amount_fen=amount_fen, paid_at=paid_at, is_duplicate=not first,
                                            recorded_at=now)
    if not first:
        # Paid twice (or after the order closed): keep the record, flag the order and give the money back.
        kind = EventKind.LATE_PAYMENT if order.state == OrderState.CLOSED else EventKind.DUPLICATE_PAYMENT
        events.log(kind, order=order, channel=channel_code, transaction_id=transaction_id, amount_fen=amount_fen,
                   source=source)
        PaymentOrder.objects.filter(pk=order.pk).update(needs_attention=True, version=F("version") + 1)
        refunds.request_refund_of(payment, amount_fen, reason="重复缴费自动退款" if kind == EventKind.DUPLICATE_PAYMENT
                                  else "缴款单关闭后缴费自动退款", automatic=True, actor=None)
        audit.record("payments.order.duplicate_payment", agency_id=order.agency_id, obj=order,
                     data={"transaction_id": transaction_id, "amount_fen": amount_fen, "channel": channel_code})
        return DUPLICATE_REFUNDED
    order.state = OrderState.PAID
    order.paid_fen = amount_fen
    order.paid_at = paid_at
    order.channel = channel_code
    order.channel_transaction_id = transaction_id
    order.version += 1
    order.save(update_fields=["state", "paid_fen", "paid_at", "channel", "channel_transaction_id", "version"])
    events.log(EventKind.PAID if source == "notification" else EventKind.SETTLED_BY_QUERY, order=order,
               channel=channel_code, transaction_id=transaction_id, amount_fen=amount_fen)
    audit.record("payments.order.paid", agency_id=order.agency_id, obj=order,
                 data={"channel": channel_code, "transaction_id": transaction_id, "amount_fen": amount_fen,
                       "source": source})
    callbacks.order_paid(order)
    _enqueue_receipt()
    return PAID


def _enqueue_receipt() -> None:
    # The job row commits with the payment (transactional outbox): one commit per notification, not two.
    from tongban.payments.tasks import issue_due_receipts

    issue_due_receipts.enqueue()


def settle_by_query(order: PaymentOrder, channel_code: str) -> str:
    """Ask one channel about an order and settle it when paid (a lost notification); returns the outcome."""
    answer: ChannelOrder = channel(channel_code).query(order.number)
    if not answer.paid or answer.paid_at is None:
        return IGNORED
    return settle(channel_code, order_number=order.number, transaction_id=answer.transaction_id,
                  amount_fen=answer.amount_fen, paid_at=answer.paid_at, source="query")


def settle_unnotified(*, older_than: datetime.timedelta = datetime.timedelta(minutes=2)) -> int:
    """Query the channels of open orders whose pay page was opened a while ago; returns how many got paid.

    The task runs this every sweep, so a notification that never arrives (or is
    refused for a damaged signature) still settles the order within minutes.
    """
    cutoff = timezone.now() - older_than
    opened = (PaymentEvent.objects.filter(kind=EventKind.CHANNEL_OPENED, occurred_at__lte=cutoff,
                                          order__state=OrderState.CREATED)
              .values_list("order_id", "channel").distinct())
    settled = 0
    for order_id, channel_code in opened[:1000]:
        order = PaymentOrder.objects.get(pk=order_id)
        try:
            if settle_by_query(order, channel_code) == PAID:
                settled += 1
        except TongbanError as refusal:
            logger.warning("query of order %s at %s refused: %s", order.number, channel_code, refusal)
    return settled
