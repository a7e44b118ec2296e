"""Payment orders, channel payments, refunds, the event log, statements and discrepancies (PAY-1).

Amounts are integers in fen (分). A payment order refers to what it pays for by
plain strings (``purpose`` + ``reference``, e.g. ``case_fee`` + a case number):
payments sits below cases and never holds a foreign key upward.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderState(models.TextChoices):
    """created → paid → refunded, or created → closed when the payment period ends unpaid."""

    CREATED = "created", _("待缴费")
    PAID = "paid", _("已缴费")
    REFUNDED = "refunded", _("已退款")
    CLOSED = "closed", _("已关闭")


class PaymentOrder(models.Model):
    """A payment order (缴款单) with its payment code (缴款码); the order's lines come from the item's fees."""

    number = models.CharField(_("缴款单号"), max_length=32, unique=True)
    payment_code = models.CharField(_("缴款码"), max_length=20, unique=True)
    purpose = models.CharField(_("用途"), max_length=32)
    reference = models.CharField(_("业务编号"), max_length=64)
    payer = models.ForeignKey("identity.Person", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="payment_orders")
    payer_label = models.CharField(_("缴款人"), max_length=120)
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="payment_orders", verbose_name=_("执收单位"))
    description = models.CharField(_("缴费事项"), max_length=200)
    lines = models.JSONField(_("收费明细"), default=list)
    amount_fen = models.PositiveBigIntegerField(_("应缴金额（分）"))
    paid_fen = models.PositiveBigIntegerField(_("实缴金额（分）"), default=0)
    refunded_fen = models.PositiveBigIntegerField(_("已退金额（分）"), default=0)
    state = models.CharField(_("状态"), max_length=16, choices=OrderState.choices, default=OrderState.CREATED)
    channel = models.CharField(_("支付渠道"), max_length=32, blank=True)
    channel_transaction_id = models.CharField(_("渠道交易号"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("开单时间"))
    expires_at = models.DateTimeField(_("缴款期限"))
    paid_at = models.DateTimeField(_("缴费时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    needs_attention = models.BooleanField(_("需人工关注"), default=False)
    receipt_number = models.CharField(_("电子票据号"), max_length=32, blank=True)
    receipt_pdf = models.BinaryField(_("电子票据"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("缴款单")
        verbose_name_plural = _("缴款单")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["purpose", "reference"], name="payments_order_reference"),
            models.Index(fields=["payer", "-created_at"], name="payments_order_payer"),
            models.Index(fields=["state", "expires_at"], name="payments_order_open"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(refunded_fen__lte=models.F("paid_fen")),
                                   name="payments_order_refund_within_paid"),
        ]

    def __str__(self) -> str:
        return self.number


class ChannelPayment(models.Model):
    """One payment the channel reports for an order; a second one for the same order is a duplicate payment."""

    order = models.ForeignKey(PaymentOrder, on_delete=models.PROTECT, related_name="payments")
    channel = models.CharField(max_length=32)
    transaction_id = models.CharField(max_length=64)
    amount_fen = models.PositiveBigIntegerField()
    paid_at = models.DateTimeField()
    is_duplicate = models.BooleanField(default=False)
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("渠道支付记录")
        verbose_name_plural = _("渠道支付记录")
        constraints = [
            models.UniqueConstraint(fields=["channel", "transaction_id"], name="payments_payment_once"),
        ]
        indexes = [models.Index(fields=["channel", "paid_at"], name="payments_payment_day")]

    def __str__(self) -> str:
        return f"{self.channel}:{self.transaction_id}"


class RefundState(models.TextChoices):
    """A refund is asked of the channel and succeeds or fails."""

    REQUESTED = "requested", _("退款中")
    SUCCEEDED = "succeeded", _("已退款")
    FAILED = "failed", _("退款失败")


class Refund(models.Model):
    """Money given back for one channel payment (a duplicate payment is refunded automatically)."""

    number = models.CharField(_("退款单号"), max_length=32, unique=True)
    order = models.ForeignKey(PaymentOrder, on_delete=models.PROTECT, related_name="refunds")
    payment = models.ForeignKey(ChannelPayment, on_delete=models.PROTECT, related_name="refunds")
    amount_fen = models.PositiveBigIntegerField(_("退款金额（分）"))
    reason = models.CharField(_("退款原因"), max_length=200)
    is_automatic = models.BooleanField(_("自动退款"), default=False)
    state = models.CharField(max_length=16, choices=RefundState.choices, default=RefundState.REQUESTED)
    channel_refund_id = models.CharField(max_length=64, blank=True, db_index=True)
    requested_by_label = models.CharField(max_length=120)
    requested_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("退款")
        verbose_name_plural = _("退款")
        constraints = [models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="payments_refund_positive")]

    def __str__(self) -> str:
        return self.number


class EventKind(models.TextChoices):
    """Everything that happens to an order, including refused notifications (the record that no money was lost)."""

    CREATED = "created", _("开单")
    CHANNEL_OPENED = "channel_opened", _("发起支付")
    PAID = "paid", _("缴费成功")
    NOTIFIED_AGAIN = "notified_again", _("重复通知（已忽略）")
    DUPLICATE_PAYMENT = "duplicate_payment", _("重复缴费")
    LATE_PAYMENT = "late_payment", _("关闭后缴费")
    REFUSED_SIGNATURE = "refused_signature", _("通知签名无效")
    REFUSED_UNKNOWN_ORDER = "refused_unknown_order", _("通知的缴款单不存在")
    REFUSED_AMOUNT = "refused_amount", _("通知金额不符")
    REFUSED_MALFORMED = "refused_malformed", _("通知格式错误")
    SETTLED_BY_QUERY = "settled_by_query", _("查询补单")
    REFUND_REQUESTED = "refund_requested", _("申请退款")
    REFUND_SUCCEEDED = "refund_succeeded", _("退款成功")
    REFUND_FAILED = "refund_failed", _("退款失败")
    REFUND_REFUSED = "refund_refused", _("退款被拒绝")
    CLOSED = "closed", _("超期关闭")
    RECEIPT_ISSUED = "receipt_issued", _("开具电子票据")


class PaymentEvent(models.Model):
    """The order event log: append-only, one row per thing that happened, even to unknown orders."""

    order = models.ForeignKey(PaymentOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    order_number = models.CharField(max_length=64, blank=True)
    kind = models.CharField(max_length=32, choices=EventKind.choices)
    channel = models.CharField(max_length=32, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField()

    class Meta:
        verbose_name = _("缴款单事件")
        verbose_name_plural = _("缴款单事件")
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["kind", "occurred_at"], name="payments_event_kind")]

    def __str__(self) -> str:
        return f"{self.order_number} {self.kind}"


class Statement(models.Model):
    """A channel's daily statement (对账单) as imported, with the reconciliation's counts."""

    channel = models.CharField(max_length=32)
    statement_date = models.DateField(_("对账日期"))
    sha256 = models.CharField(max_length=64)
    line_count = models.PositiveIntegerField(default=0)
    total_fen = models.BigIntegerField(default=0)
    matched_count = models.PositiveIntegerField(default=0)
    discrepancy_count = models.PositiveIntegerField(default=0)
    reconciled_at = models.DateTimeField()

    class Meta:
        verbose_name = _("对账单")
        verbose_name_plural = _("对账单")
        constraints = [
            models.UniqueConstraint(fields=["channel", "statement_date"], name="payments_statement_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.statement_date}"


class StatementLine(models.Model):
    """Staging rows of a statement being reconciled (bulk-loaded, joined set-wise, then deleted).

    No index: loading a million rows is faster without one, and the joins are hash joins
    (PostgreSQL) or use an automatic index (SQLite).
    """

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(max_length=8)  # "pay" or "refund"
    transaction_id = models.CharField(max_length=64)
    order_number = models.CharField(max_length=64)
    amount_fen = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.kind} {self.transaction_id}"


class DiscrepancyKind(models.TextChoices):
    """How the platform's books and the channel's statement disagree."""

    MISSING_ON_PLATFORM = "missing_on_platform", _("渠道有、平台无")
    MISSING_ON_CHANNEL = "missing_on_channel", _("平台有、渠道无")
    AMOUNT_MISMATCH = "amount_mismatch", _("金额不符")


class Discrepancy(models.Model):
    """A reconciliation difference: a work item for the platform operator (差错处理)."""

    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="discrepancies")
    kind = models.CharField(_("差错类型"), max_length=24, choices=DiscrepancyKind.choices)
    entry_kind = models.CharField(_("交易类型"), max_length=8)
    transaction_id = models.CharField(_("渠道交易号"), max_length=64)
    order_number = models.CharField(_("缴款单号"), max_length=64, blank=True)
    platform_fen = models.BigIntegerField(_("平台金额（分）"), null=True, blank=True)
    channel_fen = models.BigIntegerField(_("渠道金额（分）"), null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by_label = models.CharField(max_length=120, blank=True)
    resolution = models.CharField(_("处理结果"), max_length=24, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("对账差错")
        verbose_name_plural = _("对账差错")
        ordering = ["resolved_at", "id"]
        indexes = [models.Index(fields=["resolved_at", "id"], name="payments_discrepancy_open")]

    def __str__(self) -> str:
        return f"{self.kind} {self.transaction_id}"


class SandboxEntry(models.Model):
    """The sandbox channel's own books (what a real channel keeps on its side): payments and refunds."""

    channel = models.CharField(max_length=32)
    kind = models.CharField(max_length=8)  # "pay" or "refund"
    transaction_id = models.CharField(max_length=64, unique=True)
    order_number = models.CharField(max_length=64, db_index=True)
    refund_number = models.CharField(max_length=64, blank=True)
    original_transaction_id = models.CharField(max_length=64, blank=True)
    amount_fen = models.BigIntegerField()
    occurred_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["channel", "occurred_at"], name="payments_sandbox_day")]

    def __str__(self) -> str:
        return f"{self.channel} {self.kind} {self.transaction_id}"


class SandboxNotification(models.Model):
    """The sandbox's outbox of signed asynchronous notifications, delivered by a task or by tests."""

    channel = models.CharField(max_length=32)
    body = models.TextField()
    signature = models.CharField(max_length=200)
    deliver_after = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["deliver_after", "id"]

    def __str__(self) -> str:
        return f"{self.channel} {self.deliver_after:%Y-%m-%d %H:%M:%S}"


class SandboxFaults(models.Model):
    """The sandbox's fault switches (one row), set from the sandbox page or tests; the environment gives defaults."""

    faults = models.CharField(max_length=200, blank=True)
    delay_seconds = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.faults or "-"
