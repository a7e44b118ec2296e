"""The fee step of a case (ITEM-3, PAY-1): a payment order after approval, and the case moving on when it is paid.

Cases calls payments (a lower layer); payments tells cases about the payment
through its paid-handler registry, which :func:`register` fills from
``CasesConfig.ready()``.
"""

from __future__ import annotations

from tongban.cases.models import Case
from tongban.payments.models import PaymentOrder
from tongban.payments.services import callbacks
from tongban.payments.services import fees as fee_rules
from tongban.payments.services import orders as payment_orders

CASE_FEE = "case_fee"


def start_fee_step(case: Case) -> PaymentOrder | None:
    """Open the payment order for the case's fees, or None when the item charges nothing for this form.

    Joins the decision's transaction, so the order exists exactly when the case awaits payment.
    """
    lines = fee_rules.compute_lines(list(case.version.fees or []), dict(case.form_data or {}))
    if not lines:
        return None
    return payment_orders.create_order(
        purpose=CASE_FEE, reference=case.number, description=f"{case.item.name}（{case.number}）", lines=lines,
        payer=case.applicant, payer_label=str(case.applicant), agency=case.handling_agency,
    )


def case_orders(case: Case) -> list[PaymentOrder]:
    """The case's fee orders, newest first (the workbench and portal case pages link their receipts)."""
    return payment_orders.orders_for(CASE_FEE, case.number)


def _on_paid(order: PaymentOrder) -> None:
    from tongban.cases.services.handling import fee_paid

    fee_paid(order.reference, order.number)


def register() -> None:
    """Subscribe the case's fee step to paid orders (called once from ``CasesConfig.ready``)."""
    callbacks.register_paid_handler(CASE_FEE, _on_paid)
