"""PAY-1: fault injection through the sandbox (lost, duplicated, reordered, corrupted notifications) and daily
reconciliation; every run ends with each order in the right state and a clean reconciliation."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.factories import AgencyFactory, staff
from tests.payments.builders import an_order, deliver_all, pay_at_sandbox
from tongban.core.errors import TongbanError
from tongban.identity.models import StaffRole
from tongban.payments.channels import sandbox
from tongban.payments.models import (
    ChannelPayment,
    Discrepancy,
    DiscrepancyKind,
    EventKind,
    OrderState,
    PaymentEvent,
    PaymentOrder,
    SandboxEntry,
    Statement,
)
from tongban.payments.services import notifications, reconciliation, refunds

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 1)


def _sweep() -> None:
    """What the worker's payment sweep does, minus the in-process delivery (tests post through the client)."""
    later = timezone.now() + datetime.timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        notifications.settle_unnotified()
    refunds.submit_pending()


def _reconcile_clean(code: str) -> Statement:
    statement = reconciliation.reconcile(code, TODAY)
    assert list(statement.discrepancies.values_list("kind", "transaction_id")) == []
    return statement


def test_pay_1_lost_notifications_are_settled_by_query_and_reconcile_clean(client):
    """PAY-1: with notifications lost, the query task settles every paid order; reconciliation is clean."""
    sandbox.set_faults({"lose"})
    paid = [an_order() for _ in range(3)]
    unpaid = an_order()
    for order in paid:
        pay_at_sandbox(order)
    assert deliver_all(client) == []
    _sweep()
    assert {order.number: PaymentOrder.objects.get(pk=order.pk).state for order in paid + [unpaid]} == {
        **{order.number: OrderState.PAID for order in paid}, unpaid.number: OrderState.CREATED}
    assert all(order.events.filter(kind=EventKind.SETTLED_BY_QUERY).count() == 1 for order in paid)
    assert _reconcile_clean("wallet").matched_count == 3


def test_pay_1_duplicated_and_reordered_notifications_record_each_payment_once(client):
    """PAY-1: every notification twice, newest first: each order is paid once; reconciliation is clean."""
    sandbox.set_faults({"duplicate", "reorder"})
    orders = [an_order() for _ in range(3)]
    for order in orders:
        pay_at_sandbox(order)
    statuses = deliver_all(client)
    assert statuses == [200] * 6
    assert ChannelPayment.objects.count() == 3
    assert all(PaymentOrder.objects.get(pk=order.pk).state == OrderState.PAID for order in orders)
    assert _count(EventKind.NOTIFIED_AGAIN) == 3
    _reconcile_clean("wallet")


def _count(kind: str) -> int:
    return PaymentEvent.objects.filter(kind=kind).count()


def test_pay_1_corrupted_signatures_are_refused_then_the_query_settles(client):
    """PAY-1: damaged signatures are refused (nothing changes), the query task settles the orders anyway."""
    sandbox.set_faults({"corrupt"})
    order = an_order()
    pay_at_sandbox(order)
    assert deliver_all(client) == [400]
    order.refresh_from_db()
    assert order.state == OrderState.CREATED
    _sweep()
    order.refresh_from_db()
    assert order.state == OrderState.PAID
    assert _count(EventKind.REFUSED_SIGNATURE) == 1
    _reconcile_clean("wallet")


def test_pay_1_delayed_notifications_wait_until_due(client):
    """PAY-1: a delayed notification is not delivered before its time, then pays the order."""
    sandbox.set_faults({"delay"}, delay_seconds=60)
    order = an_order()
    pay_at_sandbox(order)
    assert deliver_all(client) == []
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61), tick=False):
        assert deliver_all(client) == [200]
    order.refresh_from_db()
    assert order.state == OrderState.PAID


def test_pay_1_duplicate_payment_refund_reconciles_clean(client):
    """PAY-1: a double payment and its automatic refund appear on both sides: reconciliation is clean."""
    order = an_order()
    pay_at_sandbox(order, "wallet")
    pay_at_sandbox(order, "bankcard")
    deliver_all(client)
    refunds.submit_pending()
    _reconcile_clean("wallet")
    statement = _reconcile_clean("bankcard")
    assert statement.line_count == 2  # the payment and its refund


def test_pay_1_reconciliation_finds_every_kind_of_discrepancy(client):
    """PAY-1: missing on the platform, missing on the channel, amount mismatch: each becomes a work item."""
    order_lost = an_order()
    order_ours_only = an_order()
    order_mismatch = an_order()
    lost = pay_at_sandbox(order_lost)
    sandbox.set_faults({"lose"})
    pay_at_sandbox(order_mismatch)
    sandbox.set_faults(set())
    deliver_all(client)
    # the platform recorded a payment the channel's books do not have, and one with another amount
    notifications.settle("wallet", order_number=order_ours_only.number, transaction_id="WLGHOST",
                         amount_fen=2000, paid_at=timezone.now(), source="notification")
    mismatch_entry = SandboxEntry.objects.get(order_number=order_mismatch.number)
    notifications.settle("wallet", order_number=order_mismatch.number, transaction_id=mismatch_entry.transaction_id,
                         amount_fen=2000, paid_at=timezone.now(), source="notification")
    SandboxEntry.objects.filter(pk=mismatch_entry.pk).update(amount_fen=1800)
    # the lost one never reached us (forget it on our side to simulate)
    ChannelPayment.objects.filter(transaction_id=lost.transaction_id).delete()
    PaymentOrder.objects.filter(pk=order_lost.pk).update(state=OrderState.CREATED, paid_fen=0, paid_at=None)
    statement = reconciliation.reconcile("wallet", TODAY)
    found = sorted(statement.discrepancies.values_list("kind", "transaction_id", "platform_fen", "channel_fen"))
    assert found == sorted([
        (DiscrepancyKind.MISSING_ON_PLATFORM, lost.transaction_id, None, 2000),
        (DiscrepancyKind.MISSING_ON_CHANNEL, "WLGHOST", 2000, None),
        (DiscrepancyKind.AMOUNT_MISMATCH, mismatch_entry.transaction_id, 2000, 1800),
    ])
    assert (statement.line_count, statement.matched_count, statement.discrepancy_count) == (2, 0, 3)
    # the operator settles the lost payment by querying the channel, and explains the others
    operator = staff(StaffRole.PLATFORM_OPERATOR, AgencyFactory())
    missing = Discrepancy.objects.get(kind=DiscrepancyKind.MISSING_ON_PLATFORM)
    reconciliation.resolve(operator, missing, resolution="settle", note="")
    order_lost.refresh_from_db()
    assert order_lost.state == OrderState.PAID
    client.force_login(operator)
    page = client.get(reverse("workbench:payment_discrepancies"))
    assert page.status_code == 200 and "WLGHOST" in page.content.decode()
    ghost = Discrepancy.objects.get(kind=DiscrepancyKind.MISSING_ON_CHANNEL)
    response = client.post(reverse("workbench:payment_discrepancy_resolve", args=[ghost.pk]),
                           {"resolution": "explain", "note": "渠道次日补记"})
    assert response.status_code == 302
    ghost.refresh_from_db()
    assert (ghost.resolution, ghost.note, ghost.resolved_by_label != "") == ("explain", "渠道次日补记", True)


def test_pay_1_a_statement_is_reconciled_once_and_a_malformed_one_writes_nothing():
    """PAY-1: the same day twice is refused; a malformed line refuses the whole statement."""
    bad = ["kind,transaction_id,order_number,amount_fen,occurred_at", "pay,T1,PO1,12x,2026-06-01"]
    with pytest.raises(TongbanError) as malformed:
        reconciliation.reconcile("wallet", TODAY, bad)
    assert (malformed.value.code, malformed.value.params["line"]) == ("PAYMENTS_STATEMENT_MALFORMED", 2)
    assert not Statement.objects.exists()
    reconciliation.reconcile("wallet", TODAY)
    with pytest.raises(TongbanError) as twice:
        reconciliation.reconcile("wallet", TODAY)
    assert twice.value.code == "PAYMENTS_STATEMENT_DUPLICATE"


@pytest.mark.parametrize("role", [StaffRole.CASE_OFFICER, StaffRole.APPROVER, StaffRole.SUPERVISOR])
def test_pay_1_only_operators_handle_discrepancies(client, role):
    """PAY-1: other roles get a refusal on the discrepancy page and their resolve changes nothing."""
    statement = Statement.objects.create(channel="wallet", statement_date=TODAY, sha256="",
                                         reconciled_at=timezone.now())
    item = Discrepancy.objects.create(statement=statement, kind=DiscrepancyKind.MISSING_ON_CHANNEL, entry_kind="pay",
                                      transaction_id="T1")
    user = staff(role, AgencyFactory())
    client.force_login(user)
    assert client.get(reverse("workbench:payment_discrepancies")).status_code == 403
    response = client.post(reverse("workbench:payment_discrepancy_resolve", args=[item.pk]),
                           {"resolution": "explain", "note": "x"})
    item.refresh_from_db()
    assert (response.status_code, item.resolved_at) == (403, None)
