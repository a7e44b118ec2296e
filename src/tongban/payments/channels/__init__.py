"""Payment channel adapters (wallet app, bank-card gateway): the interface, signing keys and the lookup.

A channel behaves like the real interfaces of WeChat Pay / Alipay / UnionPay:
create a prepay order (we get a URL of its hosted pay page), query an order,
refund, download the daily statement (CSV), and post signed asynchronous
notifications to ``/channels/payments/notify/<code>/``. Each configured channel
code maps to an adapter role ``payment_channel_<code>`` in ``TONGBAN_ADAPTERS``.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings

from tongban.core.adapters import adapter
from tongban.core.errors import TongbanError
from tongban.payments.errors import PaymentError

STATEMENT_HEADER = ["kind", "transaction_id", "order_number", "amount_fen", "occurred_at"]


@dataclass(frozen=True)
class ChannelOrder:
    """What a channel knows about an order when queried (None fields: not paid)."""

    order_number: str
    paid: bool
    transaction_id: str = ""
    amount_fen: int = 0
    paid_at: datetime.datetime | None = None


@dataclass(frozen=True)
class ChannelRefund:
    """The channel's answer to a refund request."""

    accepted: bool
    refund_id: str = ""
    detail: str = ""


class PaymentChannel(Protocol):
    """The interface every channel adapter implements."""

    code: str
    label: str

    def create(self, *, order_number: str, amount_fen: int, description: str, return_url: str,
               expires_at: datetime.datetime) -> str:
        """Open a prepay order at the channel; returns the URL of its hosted pay page."""
        ...

    def query(self, order_number: str) -> ChannelOrder:
        """Ask the channel whether (and how) the order was paid."""
        ...

    def refund(self, *, order_number: str, transaction_id: str, refund_number: str, amount_fen: int) -> ChannelRefund:
        """Refund part or all of one payment; idempotent by ``refund_number``."""
        ...

    def statement(self, day: datetime.date) -> Iterator[str]:
        """The day's statement as CSV lines (header first)."""
        ...


def channel_codes() -> list[str]:
    """The configured channel codes, in the order the portal offers them."""
    return list(settings.TONGBAN_PAYMENT_CHANNELS)


def channel(code: str) -> PaymentChannel:
    """The adapter of channel ``code``, refused when it is not configured."""
    if code not in channel_codes():
        raise TongbanError(PaymentError.CHANNEL_UNKNOWN, channel=code)
    found: PaymentChannel = adapter(f"payment_channel_{code}")
    return found


def channel_key(code: str) -> bytes:
    """The channel's notification key: ``TONGBAN_PAYMENT_KEY_<CODE>`` or a file under DATA_DIR made on first use."""
    from_env = os.environ.get(f"TONGBAN_PAYMENT_KEY_{code.upper()}")
    if from_env:
        return from_env.encode()
    path = Path(settings.DATA_DIR) / "payments" / f"channel-{code}.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def sign(code: str, body: bytes) -> str:
    """HMAC-SHA256 of the notification body under the channel's key, hex."""
    return hmac.new(channel_key(code), body, hashlib.sha256).hexdigest()


def signature_valid(code: str, body: bytes, signature: str) -> bool:
    """Constant-time check of a notification's signature."""
    return bool(signature) and hmac.compare_digest(sign(code, body), signature)
