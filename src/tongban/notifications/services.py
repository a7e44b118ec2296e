"""Telling applicants what happened: an in-app message and, when asked, an SMS copy."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from tongban.core.adapters import adapter
from tongban.identity.models import Person
from tongban.notifications.models import Notification

logger = logging.getLogger(__name__)
# After this many failed tries an SMS copy is given up (the in-app message stays).
SMS_MAX_ATTEMPTS = 5


def notify(person: Person, title: str, body: str, *, link: str = "", sms: bool = True) -> Notification:
    """Store the message in the caller's transaction; its SMS copy leaves from the worker afterwards.

    The request that changed something only writes the message (one INSERT, the
    SMS marked pending); the worker's sweep (:func:`send_pending_sms`) sends it
    within seconds. A failed SMS never undoes the business change that caused
    it: the in-app message stays, the SMS is tried again, and after
    ``SMS_MAX_ATTEMPTS`` failures it is given up and logged for the operator.
    """
    pending = bool(sms and person.phone_encrypted)
    return Notification.objects.create(person=person, title=title, body=body, link=link, sms_pending=pending)


def send_pending_sms(limit: int = 500) -> dict[str, int]:
    """Send the SMS copies waiting for the worker; returns how many were sent, failed and given up.

    Each row is claimed with ``SELECT … FOR UPDATE SKIP LOCKED`` in its own
    transaction, so several workers never send one message twice; a worker that
    dies after the gateway accepted but before the row was updated leaves it to
    be sent again (at least once, like every SMS gateway's own retries).
    """
    counts = {"sent": 0, "failed": 0, "given_up": 0}
    last_id = 0  # each row at most once per sweep: a failed one waits for the next sweep
    for _ in range(limit):
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update(skip_locked=True, of=("self",)).select_related("person")
                .filter(sms_pending=True, id__gt=last_id).order_by("id").first()
            )
            if notification is None:
                break
            last_id = notification.pk
            try:
                adapter("sms").send(notification.person.phone, f"【通办】{notification.title}：{notification.body}")
            except Exception:  # an outage must not stop the sweep: the row is tried again on the next one
                logger.exception("SMS for notification %s failed", notification.pk)
                notification.sms_attempts += 1
                notification.sms_pending = notification.sms_attempts < SMS_MAX_ATTEMPTS
                counts["failed" if notification.sms_pending else "given_up"] += 1
                notification.save(update_fields=["sms_attempts", "sms_pending"])
                if counts["failed"] + counts["given_up"] >= 3:  # the gateway is down: wait for the next sweep
                    break
                continue
            notification.sms_sent, notification.sms_pending = True, False
            notification.save(update_fields=["sms_sent", "sms_pending"])
            counts["sent"] += 1
    return counts


def mark_read(person: Person, notification: Notification) -> None:
    """The holder has seen it."""
    if notification.person_id == person.pk and notification.read_at is None:
        Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())


def unread_count(person: Person) -> int:
    return Notification.objects.filter(person=person, read_at__isnull=True).count()
