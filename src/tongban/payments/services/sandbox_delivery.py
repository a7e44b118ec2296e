"""Delivering the sandbox channels' queued notifications to the platform, as a real channel's servers would.

The worker delivers in-process through the same :func:`notifications.receive`
the notify endpoint calls; tests post the same bodies through the test client.
"""

from __future__ import annotations

from tongban.core.errors import TongbanError
from tongban.payments.channels import sandbox
from tongban.payments.services import notifications


def deliver_due() -> int:
    """Deliver every due sandbox notification once; returns how many the platform accepted."""
    accepted = 0
    for notification in sandbox.due_notifications():
        try:
            notifications.receive(notification.channel, notification.body.encode(), notification.signature)
        except TongbanError:
            sandbox.mark_delivered(notification, 400)
            continue
        sandbox.mark_delivered(notification, 200)
        accepted += 1
    return accepted
