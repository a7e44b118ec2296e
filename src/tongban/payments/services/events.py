"""The order event log: every notification, payment, refund and refusal leaves a row."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from tongban.payments.models import PaymentEvent, PaymentOrder


def log(kind: str, *, order: PaymentOrder | None = None, order_number: str = "", channel: str = "",
        **detail: Any) -> PaymentEvent:
    """Append one event (joins the caller's transaction)."""
    return PaymentEvent.objects.create(order=order, order_number=order.number if order else order_number,
                                       kind=kind, channel=channel, detail=detail, occurred_at=timezone.now())


def log_refusal(kind: str, *, order: PaymentOrder | None = None, order_number: str = "", channel: str = "",
                **detail: Any) -> PaymentEvent:
    """Record a refused input in a transaction of its own, so the record stays although the input changed nothing."""
    with transaction.atomic():
        return log(kind, order=order, order_number=order_number, channel=channel, **detail)
