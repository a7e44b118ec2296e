"""Telling an order's owner that it was paid, without importing the owner (payments sits below cases).

A higher module registers a handler per order *purpose* once, from its
``AppConfig.ready()`` (cases registers ``case_fee``). The payment flow calls
:func:`order_paid` inside the transaction that records the payment, so the
owner's step (the case moving on) commits with the money or not at all. This is
a plain registry called explicitly, not a Django signal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tongban.payments.models import PaymentOrder

PaidHandler = Callable[["PaymentOrder"], None]
_handlers: dict[str, PaidHandler] = {}


def register_paid_handler(purpose: str, handler: PaidHandler) -> None:
    """Call ``handler(order)`` whenever an order of ``purpose`` becomes paid (the last registration wins)."""
    _handlers[purpose] = handler


def order_paid(order: PaymentOrder) -> None:
    """Run the handler registered for the order's purpose, if any."""
    handler = _handlers.get(order.purpose)
    if handler is not None:
        handler(order)
