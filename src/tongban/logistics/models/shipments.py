"""Shipments, their event log and the work items failed deliveries create (LOG-1)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.core import crypto
from tongban.core.identifiers import mask_phone
from tongban.logistics.models.choices import (
    COUNTED_OUTCOMES,
    Direction,
    EventOutcome,
    ShipmentState,
    WorkItemKind,
    WorkItemResolution,
)

SHIPMENT_PHONE_CONTEXT = "logistics.shipment.phone"


class Shipment(models.Model):
    """One parcel carried by a courier for one case, in or out.

    The recipient's address is copied in when the shipment is created, so a
    later edit of the address book does not change where a parcel went.
    ``version`` changes with every state change (optimistic concurrency for
    staff pages, and a cheap "changed?" check); transitions also lock the row.
    ``idempotency_key`` is sent with the order, so a retried order after a
    courier timeout does not create a second parcel.
    """

    case_number = models.CharField(_("办件编号"), max_length=32, db_index=True)
    direction = models.CharField(_("方向"), max_length=16, choices=Direction.choices)
    person = models.ForeignKey("identity.Person", on_delete=models.PROTECT, related_name="shipments")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="shipments",
                               verbose_name=_("承办单位"))
    courier = models.CharField(_("快递公司"), max_length=32)
    idempotency_key = models.CharField(max_length=64, unique=True)
    waybill_number = models.CharField(_("运单号"), max_length=40, null=True, blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=ShipmentState.choices,
                             default=ShipmentState.PENDING_ORDER)
    recipient = models.CharField(_("收件人"), max_length=120)
    phone_encrypted = models.TextField(blank=True)
    province = models.CharField(_("省"), max_length=20, blank=True)
    city = models.CharField(_("市"), max_length=20, blank=True)
    district = models.CharField(_("区县"), max_length=20, blank=True)
    detail = models.CharField(_("详细地址"), max_length=160)
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("替代的快件"))
    order_attempts = models.PositiveIntegerField(default=0)
    next_order_at = models.DateTimeField(null=True, blank=True)
    last_event_at = models.DateTimeField(_("最近轨迹时间"), null=True, blank=True)
    last_checked_at = models.DateTimeField(_("最近查询时间"), null=True, blank=True)
    case_notified_at = models.DateTimeField(_("办件送达登记时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ordered_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("快件")
        verbose_name_plural = _("快件")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["courier", "waybill_number"], name="logistics_waybill_once",
                                    condition=models.Q(waybill_number__isnull=False)),
        ]
        indexes = [
            # The lost-event query: active shipments whose last news is oldest.
            models.Index(fields=["state", "last_event_at"], name="logistics_shipment_stalled"),
        ]

    def __str__(self) -> str:
        return self.waybill_number or f"{self.case_number}#{self.pk}"

    @property
    def masked_phone(self) -> str:
        """The recipient's phone as staff see it."""
        if not self.phone_encrypted:
            return ""
        return mask_phone(crypto.decrypt(self.phone_encrypted, context=SHIPMENT_PHONE_CONTEXT))

    @property
    def phone(self) -> str:
        """The recipient's phone in clear (for the courier order and the holder)."""
        if not self.phone_encrypted:
            return ""
        return crypto.decrypt(self.phone_encrypted, context=SHIPMENT_PHONE_CONTEXT)

    @property
    def one_line(self) -> str:
        """Where the parcel goes, on one line."""
        return f"{self.province}{self.city}{self.district}{self.detail}"


class ShipmentEvent(models.Model):
    """Everything that happened to a shipment or was refused about one: the shipment event log.

    Tracking events (pushed or pulled), refused pushes (bad signature, unknown
    waybill — ``shipment`` is then empty), duplicates, stale out-of-order
    events, order attempts. An event id counts once per courier: the partial
    unique constraint keeps a second copy from being applied even by two
    processes at once.
    """

    shipment = models.ForeignKey(Shipment, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    courier = models.CharField(max_length=32)
    waybill_number = models.CharField(max_length=40, blank=True)
    event_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=20, blank=True)
    occurred_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField()
    source = models.CharField(max_length=16, default="push")  # push, query, order, staff
    outcome = models.CharField(max_length=20, choices=EventOutcome.choices)
    location = models.CharField(max_length=120, blank=True)
    detail = models.TextField(blank=True)

    class Meta:
        verbose_name = _("快件事件")
        verbose_name_plural = _("快件事件")
        ordering = ["shipment_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["courier", "event_id"], name="logistics_event_counted_once",
                                    condition=models.Q(outcome__in=list(COUNTED_OUTCOMES))),
        ]

    def __str__(self) -> str:
        return f"{self.waybill_number} {self.status} {self.outcome}"

    @property
    def status_label(self) -> str:
        """The tracking status in words (已揽收 …), or the raw value a malformed push carried."""
        return str(ShipmentState(self.status).label) if self.status in ShipmentState.values else self.status


class WorkItem(models.Model):
    """A failed or returned delivery (or an order that keeps failing) the agency or the operator must resolve."""

    shipment = models.ForeignKey(Shipment, on_delete=models.PROTECT, related_name="work_items")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="shipment_work_items")
    kind = models.CharField(_("类型"), max_length=20, choices=WorkItemKind.choices)
    is_open = models.BooleanField(_("待处理"), default=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by_label = models.CharField(max_length=120, blank=True)
    resolution = models.CharField(_("处理方式"), max_length=24, choices=WorkItemResolution.choices, blank=True)

    class Meta:
        verbose_name = _("寄递待办")
        verbose_name_plural = _("寄递待办")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["shipment"], condition=models.Q(is_open=True),
                                    name="logistics_one_open_work_item"),
        ]

    def __str__(self) -> str:
        return f"{self.shipment} {self.kind}"
