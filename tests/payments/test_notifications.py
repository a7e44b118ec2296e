"""PAY-1: channel notifications are verified (signature, order, amount) and idempotent; nothing is lost."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.payments.builders import an_order, deliver_all, pay_at_sandbox, post_notification, signed
from tongban.payments.models import (
    ChannelPayment,
    EventKind,
    OrderState,
    PaymentEvent,
    PaymentOrder,
    Refund,
    RefundState,
    SandboxEntry,
)
from tongban.payments.services import refunds

pytestmark = pytest.mark.django_db


def _kinds(order: PaymentOrder) -> list[str]:
    return list(order.events.values_list("kind", flat=True))


def test_pay_1_a_signed_notification_pays_the_order(client):
    """PAY-1: the sandbox's signed notification, posted to the notify endpoint, marks the order paid."""
    # given an order paid on the wallet sandbox page
    order = an_order()
    entry = pay_at_sandbox(order)
    # when the channel's notification arrives
    statuses = deliver_all(client)
    # then the order is paid with the channel's transaction, and the event log says so
    order.refresh_from_db()
    assert statuses == [200]
    assert (order.state, order.paid_fen, order.channel, order.channel_transaction_id) == (
        OrderState.PAID, 2000, "wallet", entry.transaction_id)
    assert _kinds(order) == [EventKind.CREATED, EventKind.CHANNEL_OPENED, EventKind.PAID]


def test_pay_1_a_repeated_notification_changes_nothing(client):
    """PAY-1: the same notification twice is acknowledged twice but recorded once."""
    order = an_order()
    entry = pay_at_sandbox(order)
    body, signature = signed("wallet", event="pay", order_number=order.number, transaction_id=entry.transaction_id,
                             amount_fen=2000, paid_at=entry.occurred_at.isoformat())
    first = post_notification(client, "wallet", body, signature)
    second = post_notification(client, "wallet", body, signature)
    assert (first.status_code, second.status_code) == (200, 200)
    assert (first.json()["outcome"], second.json()["outcome"]) == ("paid", "already_recorded")
    assert ChannelPayment.objects.filter(order=order).count() == 1
    assert _kinds(order)[-2:] == [EventKind.PAID, EventKind.NOTIFIED_AGAIN]


@pytest.mark.parametrize("signature", ["", "00" * 32, "not-hex"])
def test_pay_1_a_forged_or_unsigned_notification_is_refused_and_logged(client, signature):
    """PAY-1: a notification without the channel's signature is refused (400), logged, and changes nothing."""
    order = an_order()
    body, _valid = signed("wallet", event="pay", order_number=order.number, transaction_id="FORGED1",
                          amount_fen=2000, paid_at=timezone.now().isoformat())
    response = post_notification(client, "wallet", body, signature)
    order.refresh_from_db()
    assert (response.status_code, response.json()["code"]) == (400, "PAYMENTS_SIGNATURE_INVALID")
    assert order.state == OrderState.CREATED
    assert not ChannelPayment.objects.exists()
    assert PaymentEvent.objects.filter(kind=EventKind.REFUSED_SIGNATURE, order_number=order.number).count() == 1


def test_pay_1_a_signature_from_another_channel_key_is_refused(client):
    """PAY-1: each channel has its own key: the bank gateway's signature does not pass for the wallet."""
    order = an_order()
    body, bank_signature = signed("bankcard", event="pay", order_number=order.number, transaction_id="X1",
                                  amount_fen=2000, paid_at=timezone.now().isoformat())
    response = post_notification(client, "wallet", body, bank_signature)
    assert response.json()["code"] == "PAYMENTS_SIGNATURE_INVALID"
    assert not ChannelPayment.objects.exists()


def test_pay_1_a_notification_for_an_unknown_order_is_refused_and_logged(client):
    """PAY-1: an order number the platform never issued is refused with its own code and logged."""
    body, signature = signed("wallet", event="pay", order_number="PO2026060100000000", transaction_id="T1",
                             amount_fen=100, paid_at=timezone.now().isoformat())
    response = post_notification(client, "wallet", body, signature)
    assert (response.status_code, response.json()["code"]) == (400, "PAYMENTS_ORDER_NOT_FOUND")
    event = PaymentEvent.objects.get(kind=EventKind.REFUSED_UNKNOWN_ORDER)
    assert (event.order_id, event.order_number, event.detail["amount_fen"]) == (None, "PO2026060100000000", 100)


def test_pay_1_a_notification_with_the_wrong_amount_is_refused(client):
    """PAY-1: a channel reporting another amount than the order's is refused; the order stays unpaid."""
    order = an_order(amount_fen=2000)
    pay_at_sandbox(order, amount_fen=1999)
    assert deliver_all(client) == [400]
    order.refresh_from_db()
    assert order.state == OrderState.CREATED
    event = order.events.get(kind=EventKind.REFUSED_AMOUNT)
    assert (event.detail["amount_fen"], event.detail["expected_fen"]) == (1999, 2000)


def test_pay_1_a_malformed_notification_is_refused(client):
    """PAY-1: a signed body missing fields is refused as malformed."""
    body, signature = signed("wallet", event="pay", order_number="PO1")
    response = post_notification(client, "wallet", body, signature)
    assert response.json()["code"] == "PAYMENTS_NOTIFICATION_MALFORMED"


def test_pay_1_unknown_channel_is_not_found(client):
    """PAY-1: a notify URL for a channel that is not configured answers 404."""
    response = post_notification(client, "nochannel", "{}", "x")
    assert (response.status_code, response.json()["code"]) == (404, "PAYMENTS_CHANNEL_UNKNOWN")


def test_pay_1_paying_twice_refunds_the_second_payment_and_flags_the_order(client):
    """PAY-1: a duplicate payment for one order (wallet, then bank card) is refunded automatically and flagged."""
    order = an_order()
    first = pay_at_sandbox(order, "wallet")
    second = pay_at_sandbox(order, "bankcard")
    assert deliver_all(client) == [200, 200]
    refunds.submit_pending()
    order.refresh_from_db()
    assert (order.state, order.channel_transaction_id, order.needs_attention) == (
        OrderState.PAID, first.transaction_id, True)
    duplicate = ChannelPayment.objects.get(transaction_id=second.transaction_id)
    refund = Refund.objects.get(payment=duplicate)
    assert (duplicate.is_duplicate, refund.is_automatic, refund.state, refund.amount_fen) == (
        True, True, RefundState.SUCCEEDED, 2000)
    # the bank-card sandbox gave the money back: what the payer paid twice, the platform holds once
    assert SandboxEntry.objects.filter(kind="refund", original_transaction_id=second.transaction_id).count() == 1
    assert refunds.money_balance(order) == 2000
    assert EventKind.DUPLICATE_PAYMENT in _kinds(order)


def test_pay_1_a_refund_larger_than_the_payment_is_refused(client):
    """PAY-1: an operator's refund over the amount paid is refused with its code, and logged."""
    from tests.factories import AgencyFactory, staff
    from tongban.core.errors import TongbanError
    from tongban.identity.models import StaffRole

    operator = staff(StaffRole.PLATFORM_OPERATOR, AgencyFactory())
    order = an_order()
    pay_at_sandbox(order)
    deliver_all(client)
    with pytest.raises(TongbanError) as refused:
        refunds.refund(operator, order, amount_fen=2001, reason="多退")
    assert refused.value.code == "PAYMENTS_REFUND_TOO_LARGE"
    assert not Refund.objects.exists()
    # a partial refund and then the rest: the order ends refunded, never more
    refunds.refund(operator, order, amount_fen=500, reason="部分退费")
    refunds.refund(operator, order, amount_fen=1500, reason="余额退费")
    refunds.submit_pending()
    order.refresh_from_db()
    assert (order.state, order.refunded_fen) == (OrderState.REFUNDED, 2000)
    with pytest.raises(TongbanError) as again:
        refunds.refund(operator, order, amount_fen=1, reason="再退")
    assert again.value.code == "PAYMENTS_ORDER_WRONG_STATE"


def test_pay_1_only_an_operator_refunds():
    """PAY-1: a case officer may not refund; the refusal changes nothing."""
    from tests.factories import AgencyFactory, staff
    from tongban.core.errors import TongbanError
    from tongban.identity.models import StaffRole

    order = an_order()
    officer = staff(StaffRole.CASE_OFFICER, AgencyFactory())
    with pytest.raises(TongbanError) as refused:
        refunds.refund(officer, order, amount_fen=100, reason="退")
    assert refused.value.code == "IDENTITY_ROLE_REQUIRED"
    assert not Refund.objects.exists()


def test_pay_1_an_unpaid_order_closes_when_its_period_ends_and_a_late_payment_is_refunded(client):
    """PAY-1: created → closed after the payment period; money arriving later is recorded, flagged and refunded."""
    import datetime

    import time_machine

    from tongban.payments.channels import channel
    from tongban.payments.services import orders

    # given a payer who opened the wallet's page but did not confirm in time
    order = an_order()
    url = orders.open_channel(order.payer.user, order, "wallet", return_url="/payments/")
    with time_machine.travel(timezone.now() + datetime.timedelta(days=16), tick=False):
        assert orders.close_expired() == 1
    order.refresh_from_db()
    assert order.state == OrderState.CLOSED
    # when the channel takes the money anyway and notifies
    entry = channel("wallet").pay(url.rstrip("/").split("/")[-1])
    assert deliver_all(client) == [200]
    refunds.submit_pending()
    # then the payment is recorded, flagged and given back: the order stays closed, the platform holds nothing
    order.refresh_from_db()
    payment = ChannelPayment.objects.get(transaction_id=entry.transaction_id)
    assert (order.state, order.needs_attention, payment.is_duplicate) == (OrderState.CLOSED, True, True)
    assert payment.refunds.get().state == RefundState.SUCCEEDED
    assert refunds.money_balance(order) == 0
    assert EventKind.LATE_PAYMENT in _kinds(order)
