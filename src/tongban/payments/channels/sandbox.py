"""The sandbox payment channels: a wallet app and a bank-card gateway that behave like the real ones.

They keep their own books (``SandboxEntry``), serve a hosted pay page, sign
their asynchronous notifications with the channel key and put them in their
own outbox (``SandboxNotification``), delivered by the
``deliver_sandbox_notifications`` task or, in tests, posted through the test
client. Fault switches rehearse what real channels do on a bad day:

* ``lose`` – the notification is never sent (the query task must settle the order);
* ``duplicate`` – every notification is sent twice;
* ``reorder`` – a newer notification is delivered before older ones;
* ``delay`` – notifications are due ``delay_seconds`` later;
* ``corrupt`` – the signature is damaged (the platform must refuse it).

Defaults come from ``TONGBAN_PAYMENT_SANDBOX_FAULTS`` (comma-separated) and
``TONGBAN_PAYMENT_SANDBOX_DELAY``; :func:`set_faults` (the sandbox page, tests) overrides them.
"""

from __future__ import annotations

import datetime
import json
import secrets
from collections.abc import Iterator

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from tongban.payments.channels import STATEMENT_HEADER, ChannelOrder, ChannelRefund, sign
from tongban.payments.models import SandboxEntry, SandboxFaults, SandboxNotification

FAULTS = ("lose", "duplicate", "reorder", "delay", "corrupt")
TOKEN_SALT = "tongban.payments.sandbox.prepay"


def current_faults() -> tuple[set[str], int]:
    """The active fault switches and the delay in seconds."""
    row = SandboxFaults.objects.filter(pk=1).first()
    if row is not None:
        return {fault for fault in row.faults.split(",") if fault}, row.delay_seconds
    configured = {fault.strip() for fault in settings.TONGBAN_PAYMENT_SANDBOX_FAULTS.split(",") if fault.strip()}
    return configured & set(FAULTS), settings.TONGBAN_PAYMENT_SANDBOX_DELAY


def set_faults(faults: set[str] | list[str], delay_seconds: int = 0) -> None:
    """Switch faults on or off for every sandbox channel (unknown names are ignored)."""
    chosen = ",".join(sorted(set(faults) & set(FAULTS)))
    SandboxFaults.objects.update_or_create(pk=1, defaults={"faults": chosen, "delay_seconds": max(0, delay_seconds)})


class SandboxChannel:
    """A sandbox channel; subclasses name the code and label."""

    code = "sandbox"
    label = "沙箱支付"
    prefix = "SB"

    # --- the merchant-facing interface -------------------------------------------------

    def create(self, *, order_number: str, amount_fen: int, description: str, return_url: str,
               expires_at: datetime.datetime) -> str:
        """A prepay order: its terms travel signed in the pay page's URL, as a real channel's prepay id would."""
        token = signing.dumps({"order": order_number, "amount": amount_fen, "description": description,
                               "return": return_url, "expires": expires_at.isoformat()},
                              salt=f"{TOKEN_SALT}.{self.code}")
        return reverse("payment_channels:sandbox_pay", kwargs={"code": self.code, "token": token})

    def query(self, order_number: str) -> ChannelOrder:
        """The first payment the sandbox holds for the order, if any."""
        entry = (SandboxEntry.objects.filter(channel=self.code, kind="pay", order_number=order_number)
                 .order_by("occurred_at", "id").first())
        if entry is None:
            return ChannelOrder(order_number=order_number, paid=False)
        return ChannelOrder(order_number=order_number, paid=True, transaction_id=entry.transaction_id,
                            amount_fen=entry.amount_fen, paid_at=entry.occurred_at)

    def refund(self, *, order_number: str, transaction_id: str, refund_number: str, amount_fen: int) -> ChannelRefund:
        """Refund from one payment, idempotent by refund number; never more than was paid."""
        with transaction.atomic():
            existing = SandboxEntry.objects.filter(channel=self.code, kind="refund",
                                                   refund_number=refund_number).first()
            if existing is not None:
                return ChannelRefund(accepted=True, refund_id=existing.transaction_id)
            payment = SandboxEntry.objects.select_for_update().filter(
                channel=self.code, kind="pay", transaction_id=transaction_id).first()
            if payment is None:
                return ChannelRefund(accepted=False, detail="原交易不存在")
            refunded = SandboxEntry.objects.filter(
                channel=self.code, kind="refund", original_transaction_id=transaction_id,
            ).aggregate(total=Sum("amount_fen"))["total"] or 0
            if amount_fen <= 0 or refunded + amount_fen > payment.amount_fen:
                return ChannelRefund(accepted=False, detail="退款金额超过原交易可退金额")
            entry = SandboxEntry.objects.create(
                channel=self.code, kind="refund", transaction_id=self._new_id("R"), order_number=order_number,
                refund_number=refund_number, original_transaction_id=transaction_id, amount_fen=amount_fen,
                occurred_at=timezone.now())
        return ChannelRefund(accepted=True, refund_id=entry.transaction_id)

    def statement(self, day: datetime.date) -> Iterator[str]:
        """The day's entries as CSV lines (China Standard Time day), header first."""
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        yield ",".join(STATEMENT_HEADER)
        entries = (SandboxEntry.objects.filter(channel=self.code, occurred_at__gte=start,
                                               occurred_at__lt=start + datetime.timedelta(days=1))
                   .order_by("id").values_list("kind", "transaction_id", "order_number", "refund_number",
                                               "amount_fen", "occurred_at"))
        for kind, transaction_id, order_number, refund_number, amount_fen, occurred_at in entries.iterator(2000):
            reference = refund_number if kind == "refund" else order_number
            yield f"{kind},{transaction_id},{reference},{amount_fen},{occurred_at.isoformat()}"

    # --- the channel's own side: the hosted page and its notifications -------------------

    def prepay(self, token: str) -> dict:
        """The terms of a prepay order from its signed token (raises ``signing.BadSignature``)."""
        terms: dict = signing.loads(token, salt=f"{TOKEN_SALT}.{self.code}")
        return terms

    def already_paid(self, order_number: str) -> bool:
        """The sandbox's own view: this channel already took money for the order."""
        return SandboxEntry.objects.filter(channel=self.code, kind="pay", order_number=order_number).exists()

    @transaction.atomic
    def pay(self, token: str, *, amount_fen: int | None = None) -> SandboxEntry:
        """The payer confirms on the hosted page: the money is taken and a notification queued.

        ``amount_fen`` lets a test rehearse a channel reporting a wrong amount.
        """
        terms = self.prepay(token)
        entry = SandboxEntry.objects.create(
            channel=self.code, kind="pay", transaction_id=self._new_id("P"), order_number=terms["order"],
            amount_fen=terms["amount"] if amount_fen is None else amount_fen, occurred_at=timezone.now())
        self.queue_notification({"event": "pay", "order_number": entry.order_number,
                                 "transaction_id": entry.transaction_id, "amount_fen": entry.amount_fen,
                                 "paid_at": entry.occurred_at.isoformat()})
        return entry

    def queue_notification(self, payload: dict) -> list[SandboxNotification]:
        """Sign and queue one notification, applying the fault switches."""
        faults, delay = current_faults()
        if "lose" in faults:
            return []
        payload = {**payload, "nonce": secrets.token_hex(8)}
        body = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        signature = sign(self.code, body.encode())
        if "corrupt" in faults:
            signature = ("0" if signature[0] != "0" else "1") + signature[1:]
        now = timezone.now()
        deliver_after = now + datetime.timedelta(seconds=delay if "delay" in faults else 0)
        if "reorder" in faults:
            # Due before everything still waiting, so it overtakes earlier notifications.
            earliest = SandboxNotification.objects.filter(delivered_at__isnull=True).order_by("deliver_after").first()
            if earliest is not None:
                deliver_after = min(deliver_after, earliest.deliver_after - datetime.timedelta(seconds=1))
        copies = 2 if "duplicate" in faults else 1
        return [SandboxNotification.objects.create(channel=self.code, body=body, signature=signature,
                                                   deliver_after=deliver_after) for _ in range(copies)]

    def _new_id(self, kind: str) -> str:
        return f"{self.prefix}{kind}{timezone.localdate():%Y%m%d}{secrets.token_hex(8).upper()}"


class SandboxWalletChannel(SandboxChannel):
    """The sandbox of a wallet app (WeChat Pay / Alipay style)."""

    code = "wallet"
    label = "移动支付（沙箱）"
    prefix = "WL"


class SandboxBankCardChannel(SandboxChannel):
    """The sandbox of a bank-card gateway (UnionPay style)."""

    code = "bankcard"
    label = "银行卡支付（沙箱）"
    prefix = "BC"


def due_notifications(now: datetime.datetime | None = None) -> list[SandboxNotification]:
    """Undelivered notifications that are due, in delivery order."""
    return list(SandboxNotification.objects.filter(delivered_at__isnull=True,
                                                   deliver_after__lte=now or timezone.now()).order_by("deliver_after",
                                                                                                      "id"))


def mark_delivered(notification: SandboxNotification, status: int) -> None:
    """Remember the platform's answer; a refusal (4xx) is final for the sandbox, as for most real channels."""
    SandboxNotification.objects.filter(pk=notification.pk).update(delivered_at=timezone.now(), response_status=status)
