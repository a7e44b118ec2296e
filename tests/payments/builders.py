"""Builders for payments tests: orders, sandbox payments and notifications posted through the test client."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client
from django.urls import reverse

from tests.identity.factories import PersonFactory
from tongban.identity.models import Person
from tongban.payments.channels import channel, sandbox, sign
from tongban.payments.models import PaymentOrder, SandboxEntry
from tongban.payments.services import orders

LINES = [{"name": "工本费", "revenue_code": "103050", "amount_fen": 2000, "basis": "沪价费"}]


def an_order(payer: Person | None = None, *, amount_fen: int = 2000, reference: str = "CASE-1") -> PaymentOrder:
    """An open order for ``payer`` (a new person when None)."""
    payer = payer or PersonFactory(level=2, full_name="李四")
    return orders.create_order(purpose="test", reference=reference, description="测试缴费",
                               lines=[{**LINES[0], "amount_fen": amount_fen}], payer=payer, payer_label="李四",
                               agency=None)


def pay_at_sandbox(order: PaymentOrder, code: str = "wallet", *, amount_fen: int | None = None) -> SandboxEntry:
    """The payer opens the channel and confirms on the sandbox page (notifications are queued, not delivered)."""
    url = orders.open_channel(order.payer.user, order, code, return_url="/payments/")
    token = url.rstrip("/").split("/")[-1]
    adapter = channel(code)
    assert isinstance(adapter, sandbox.SandboxChannel)
    return adapter.pay(token, amount_fen=amount_fen)


def post_notification(client: Client, code: str, body: str, signature: str) -> Any:
    """The channel posts a notification to the notify endpoint."""
    return client.post(reverse("payment_channels:notify", args=[code]), data=body.encode(),
                       content_type="application/json", HTTP_X_CHANNEL_SIGNATURE=signature)


def deliver_all(client: Client) -> list[int]:
    """Post every due sandbox notification through the test client, like the channel's servers; returns statuses."""
    statuses = []
    for notification in sandbox.due_notifications():
        response = post_notification(client, notification.channel, notification.body, notification.signature)
        sandbox.mark_delivered(notification, response.status_code)
        statuses.append(response.status_code)
    return statuses


def signed(code: str, **payload: Any) -> tuple[str, str]:
    """A notification body and its valid signature."""
    body = json.dumps(payload, ensure_ascii=False)
    return body, sign(code, body.encode())
