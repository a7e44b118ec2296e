"""Mode 3 (PLAT-3): agency systems subscribe to case events; deliveries leave through an outbox."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Subscription(models.Model):
    """An agency system's webhook: which case events of which agency's items it receives."""

    credential = models.ForeignKey("agencies.ApiCredential", on_delete=models.PROTECT, related_name="subscriptions")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="subscriptions")
    url = models.URLField(_("接收地址"))
    secret_encrypted = models.TextField()
    event_types = models.JSONField(_("事件类型"), default=list, blank=True)
    item_codes = models.JSONField(_("限定事项"), default=list, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.url


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("待投递")
    DELIVERED = "delivered", _("已确认")
    GAVE_UP = "gave_up", _("已放弃")
    WITHHELD = "withheld", _("已中断连接，未投递")


class WebhookDelivery(models.Model):
    """One event for one subscription, retried with back-off until acknowledged (the outbox row)."""

    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="deliveries")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="deliveries")
    event_type = models.CharField(max_length=40)
    event_id = models.CharField(max_length=40, unique=True)
    payload = models.JSONField()
    state = models.CharField(max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="cases_delivery_due")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class DeliveryAttempt(models.Model):
    """Every attempt, kept: when, what came back, how long it took."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    attempted_at = models.DateTimeField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["delivery_id", "attempted_at", "id"]

    def __str__(self) -> str:
        return f"{self.delivery} {self.status_code or self.error}"
