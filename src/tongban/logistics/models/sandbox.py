"""The sandbox courier's own books: what a real courier keeps on its side (orders and their tracks)."""

from __future__ import annotations

from django.db import models


class SandboxOrder(models.Model):
    """An order the sandbox courier accepted; one per idempotency key, however often the order is retried."""

    idempotency_key = models.CharField(max_length=64, unique=True)
    waybill_number = models.CharField(max_length=40, unique=True)
    recipient = models.CharField(max_length=120)
    outcome = models.CharField(max_length=16, default="delivered")  # delivered or returned
    is_cancelled = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.waybill_number


class SandboxTrack(models.Model):
    """One tracking event the sandbox courier will push (or lose) when it falls due."""

    order = models.ForeignKey(SandboxOrder, on_delete=models.CASCADE, related_name="tracks")
    sequence = models.PositiveSmallIntegerField()
    event_id = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=20)
    location = models.CharField(max_length=120, blank=True)
    occurred_at = models.DateTimeField()
    send_at = models.DateTimeField(db_index=True)
    sent_state = models.CharField(max_length=16, default="pending")  # pending, sent, lost, rejected
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["order_id", "sequence"]

    def __str__(self) -> str:
        return self.event_id
