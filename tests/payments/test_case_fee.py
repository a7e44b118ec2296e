"""ITEM-3, PAY-1: an item with fees is wired to payment: approval opens an order, the case waits, paying moves it on."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.cases.builders import FORM, SCHEMA, scene, submitted
from tests.payments.builders import deliver_all, pay_at_sandbox
from tongban.cases.models import CaseState
from tongban.cases.services import handling
from tongban.cases.services.fees import case_orders
from tongban.core.errors import TongbanError
from tongban.payments.models import OrderState
from tongban.payments.services import receipts

pytestmark = pytest.mark.django_db

COPIES_SCHEMA = {**SCHEMA, "properties": {**SCHEMA["properties"],
                                          "copies": {"type": "integer", "title": "份数", "minimum": 1}}}
FEES = [
    {"name": "工本费", "revenue_code": "103050", "amount_fen": 2000, "rule": "首次申领免收工本费", "basis": "沪价费"},
    {"name": "副本费", "revenue_code": "103051", "amount_fen": None,
     "rule": {"field": "copies", "per_unit_fen": 500, "free_units": 1, "description": "第二份起每份 5 元"},
     "basis": "沪价费"},
]


def _approved(the, **form):
    case = submitted(the)
    if form:
        case.form_data = {**FORM, **form}
        case.save(update_fields=["form_data"])
    handling.accept(the.officer, case)
    handling.decide(the.approver, case, approve=True, reasons="符合条件")
    case.refresh_from_db()
    return case


def test_item_3_approval_of_a_fee_item_opens_a_payment_order_and_waits():
    """ITEM-3, PAY-1: the fixed fee and the rule over the form (3 copies, 1 free → 2 × 5 元) make one order."""
    the = scene(fees=FEES, form_schema=COPIES_SCHEMA)
    case = _approved(the, copies=3)
    [order] = case_orders(case)
    assert case.state == CaseState.AWAITING_PAYMENT
    assert (order.amount_fen, order.state, order.reference, order.payer_id) == (
        3000, OrderState.CREATED, case.number, the.applicant.pk)
    assert [(line["name"], line["amount_fen"]) for line in order.lines] == [("工本费", 2000), ("副本费", 1000)]
    assert len(order.payment_code) == 20
    assert list(case.events.values_list("action", flat=True))[-2:] == ["approved", "fee_requested"]
    # the result cannot be issued before the fee is paid
    with pytest.raises(TongbanError) as refused:
        handling.issue_result(the.officer, case)
    assert refused.value.code == "CASE_WRONG_STATE"


def test_item_3_an_item_without_fees_goes_straight_to_the_result():
    """ITEM-3: no fees, no order: the approved case is ready for its result as before."""
    the = scene()
    case = _approved(the)
    assert (case.state, case_orders(case)) == (CaseState.APPROVED, [])


def test_pay_1_applicant_pays_on_the_hosted_sandbox_page_and_the_case_proceeds(client):
    """PAY-1 portal flow: my payments → choose the wallet → the sandbox's page → notification → case moves on."""
    the = scene(fees=FEES[:1])
    case = _approved(the)
    [order] = case_orders(case)
    client.force_login(the.applicant.user)
    # my payments lists the order
    listing = client.get(reverse("payments:mine"))
    assert order.number in listing.content.decode()
    # the applicant chooses the wallet and is sent to the channel's hosted page
    opened = client.post(reverse("payments:pay", args=[order.number]), {"channel": "wallet"})
    assert opened.status_code == 302 and opened["Location"].startswith("/channels/payments/sandbox/wallet/pay/")
    page = client.get(opened["Location"])
    assert "20.00" in page.content.decode()
    confirmed = client.post(opened["Location"])
    assert confirmed["Location"] == reverse("payments:detail", args=[order.number])
    # the channel's asynchronous notification arrives
    assert deliver_all(client) == [200]
    case.refresh_from_db()
    order.refresh_from_db()
    assert (order.state, case.state) == (OrderState.PAID, CaseState.FEE_PAID)
    # the officer issues the result; the applicant downloads the signed receipt
    handling.issue_result(the.officer, case)
    receipt = client.get(reverse("payments:receipt", args=[order.number]))
    assert (receipt.status_code, receipt["Content-Type"]) == (200, "application/pdf")
    assert receipt.content.startswith(b"%PDF") and b"/ByteRange" in receipt.content


def test_pay_1_another_person_cannot_see_or_pay_the_order(client):
    """PAY-1: someone else's order is a 404 and cannot be opened at a channel."""
    from tests.identity.factories import PersonFactory

    the = scene(fees=FEES[:1])
    case = _approved(the)
    [order] = case_orders(case)
    client.force_login(PersonFactory(level=2).user)
    assert client.get(reverse("payments:detail", args=[order.number])).status_code == 404
    assert client.get(reverse("payments:receipt", args=[order.number])).status_code == 404
    client.post(reverse("payments:pay", args=[order.number]), {"channel": "wallet"})
    assert not order.events.filter(kind="channel_opened").exists()


def test_pay_1_the_workbench_case_page_lists_the_fee_order_and_links_the_receipt(client):
    """PAY-1: the officer sees the case's order on the case page and, once paid, its receipt link."""
    the = scene(fees=FEES[:1])
    case = _approved(the)
    [order] = case_orders(case)
    client.force_login(the.officer)
    page = client.get(reverse("workbench:case", args=[case.number])).content.decode()
    assert order.number in page and "payment-orders" in page
    assert reverse("workbench:payment_receipt", args=[order.number]) not in page
    pay_at_sandbox(order)
    deliver_all(client)
    receipts.issue_due()
    page = client.get(reverse("workbench:case", args=[case.number])).content.decode()
    assert reverse("workbench:payment_receipt", args=[order.number]) in page
    assert "出具结果" in page  # the issue-result action is offered once the fee is paid
