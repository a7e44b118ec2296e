"""Refunds (PAY-1): asked in the business transaction, sent to the channel from the outbox, never over the payment.

A refund row is written ``requested`` with its number (the channel's idempotency
key) in the caller's transaction; :func:`submit_pending` (a task, enqueued on
commit and swept periodically) sends it. Sending twice is harmless: the channel
answers the same refund for the same number.
"""

from __future__ import annotations

import secrets

from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from tongban.core import audit
from tongban.core.errors import TongbanError
from tongban.identity.models import StaffRole
from tongban.identity.services import Actor, actor_label, require_role
from tongban.payments.channels import channel
from tongban.payments.errors import PaymentError
from tongban.payments.models import ChannelPayment, EventKind, OrderState, PaymentOrder, Refund, RefundState
from tongban.payments.services import events
from tongban.payments.services.orders import actor_user


def refundable_fen(payment: ChannelPayment) -> int:
    """What is left to refund of one payment (refunds that failed give their amount back)."""
    taken = payment.refunds.exclude(state=RefundState.FAILED).aggregate(total=Sum("amount_fen"))["total"] or 0
    return int(payment.amount_fen - taken)


def request_refund_of(payment: ChannelPayment, amount_fen: int, *, reason: str, automatic: bool,
                      actor: Actor) -> Refund:
    """Write a refund of ``payment`` (joins the caller's transaction, which holds the order's row lock)."""
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen <= 0:
        raise TongbanError(PaymentError.REFUND_AMOUNT_INVALID)
    left = refundable_fen(payment)
    if amount_fen > left:
        events.log_refusal(EventKind.REFUND_REFUSED, order=payment.order, channel=payment.channel,
                           amount_fen=amount_fen, refundable_fen=left)
        raise TongbanError(PaymentError.REFUND_TOO_LARGE, amount=amount_fen, refundable=left)
    refund = Refund.objects.create(
        number=f"RF{timezone.localdate():%Y%m%d}{secrets.randbelow(10**12):012d}", order=payment.order,
        payment=payment, amount_fen=amount_fen, reason=reason[:200], is_automatic=automatic,
        requested_by_label=actor_label(actor), requested_at=timezone.now(),
    )
    events.log(EventKind.REFUND_REQUESTED, order=payment.order, channel=payment.channel, refund=refund.number,
               amount_fen=amount_fen, automatic=automatic, reason=reason)
    audit.record("payments.refund.requested", actor=actor_user(actor), agency_id=payment.order.agency_id,
                 obj=refund, data={"order": payment.order.number, "amount_fen": amount_fen, "automatic": automatic})
    _enqueue_submission()
    return refund


@transaction.atomic
def refund(actor: Actor, order: PaymentOrder, *, amount_fen: int, reason: str) -> Refund:
    """A platform operator refunds part or all of an order's payment (never more than was paid)."""
    require_role(actor, StaffRole.PLATFORM_OPERATOR)
    if not reason.strip():
        raise TongbanError(PaymentError.REASON_REQUIRED, field="reason")
    order = PaymentOrder.objects.select_for_update().get(pk=order.pk)
    if order.state != OrderState.PAID:
        raise TongbanError(PaymentError.ORDER_WRONG_STATE, state=OrderState(order.state).label, action="退款")
    payment = order.payments.get(is_duplicate=False)
    return request_refund_of(payment, amount_fen, reason=reason.strip(), automatic=False, actor=actor)


def _enqueue_submission() -> None:
    # The job row commits with the refund (transactional outbox); the periodic sweep also sends it.
    from tongban.payments.tasks import submit_refunds

    submit_refunds.enqueue()


def submit_pending() -> int:
    """Send every requested refund to its channel; returns how many the channel accepted."""
    accepted = 0
    for refund_id in Refund.objects.filter(state=RefundState.REQUESTED).values_list("pk", flat=True)[:1000]:
        if _submit(refund_id):
            accepted += 1
    return accepted


@transaction.atomic
def _submit(refund_id: int) -> bool:
    refund = Refund.objects.select_for_update(skip_locked=True, of=("self",)).select_related("payment", "order").filter(
        pk=refund_id, state=RefundState.REQUESTED).first()
    if refund is None:
        return False
    payment = refund.payment
    answer = channel(payment.channel).refund(order_number=refund.order.number, transaction_id=payment.transaction_id,
                                             refund_number=refund.number, amount_fen=refund.amount_fen)
    refund.completed_at = timezone.now()
    order = PaymentOrder.objects.select_for_update().get(pk=refund.order_id)
    if not answer.accepted:
        refund.state = RefundState.FAILED
        refund.save(update_fields=["state", "completed_at"])
        events.log(EventKind.REFUND_FAILED, order=order, channel=payment.channel, refund=refund.number,
                   detail=answer.detail)
        PaymentOrder.objects.filter(pk=order.pk).update(needs_attention=True, version=F("version") + 1)
        return False
    refund.state = RefundState.SUCCEEDED
    refund.channel_refund_id = answer.refund_id
    refund.save(update_fields=["state", "completed_at", "channel_refund_id"])
    events.log(EventKind.REFUND_SUCCEEDED, order=order, channel=payment.channel, refund=refund.number,
               channel_refund_id=answer.refund_id, amount_fen=refund.amount_fen)
    if not payment.is_duplicate:
        order.refunded_fen = F("refunded_fen") + refund.amount_fen
        order.version = F("version") + 1
        order.save(update_fields=["refunded_fen", "version"])
        order.refresh_from_db()
        if order.refunded_fen == order.paid_fen:
            PaymentOrder.objects.filter(pk=order.pk).update(state=OrderState.REFUNDED, version=F("version") + 1)
    audit.record("payments.refund.succeeded", agency_id=order.agency_id, obj=refund,
                 data={"order": order.number, "amount_fen": refund.amount_fen})
    return True


def open_refunds(order: PaymentOrder) -> list[Refund]:
    """An order's refunds, oldest first."""
    return list(order.refunds.order_by("requested_at", "id"))


def money_balance(order: PaymentOrder) -> int:
    """Money the platform holds for the order: every payment minus every refund that went through."""
    paid = order.payments.aggregate(total=Sum("amount_fen"))["total"] or 0
    back = order.refunds.filter(Q(state=RefundState.SUCCEEDED)).aggregate(total=Sum("amount_fen"))["total"] or 0
    return int(paid - back)
