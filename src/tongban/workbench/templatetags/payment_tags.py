"""Template tags for payment information on workbench pages (the case page's fee orders)."""

from __future__ import annotations

from django import template

from tongban.cases.models import Case
from tongban.cases.services import fees
from tongban.payments.models import PaymentOrder

register = template.Library()


@register.simple_tag
def case_payment_orders(case: Case) -> list[PaymentOrder]:
    """The case's fee orders, newest first (empty for an item without fees)."""
    return fees.case_orders(case)
