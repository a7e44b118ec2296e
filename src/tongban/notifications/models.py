"""In-app messages (站内消息)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """A message to one person; the SMS copy, if any, is sent by the worker after the transaction commits."""

    person = models.ForeignKey("identity.Person", on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    sms_sent = models.BooleanField(default=False)
    # An SMS copy waits for the worker (notifications.tasks.send_pending_sms); cleared once sent or given up.
    sms_pending = models.BooleanField(default=False)
    sms_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["person", "read_at"], name="notifications_unread"),
            models.Index(fields=["id"], condition=models.Q(sms_pending=True), name="notifications_sms_pending"),
        ]

    def __str__(self) -> str:
        return self.title
