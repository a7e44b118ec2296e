"""Telling applicants what happened: an in-app message and, when asked, an SMS copy."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from tongban.core.adapters import adapter
from tongban.identity.models import Person
from tongban.notifications.models import Notification

logger = logging.getLogger(__name__)


def notify(person: Person, title: str, body: str, *, link: str = "", sms: bool = True) -> Notification:
    """Store the message in the caller's transaction; send the SMS only once that transaction commits.

    A failed SMS never undoes the business change that caused it: the in-app
    message stays, and the failure is logged for the operator.
    """
    notification = Notification.objects.create(person=person, title=title, body=body, link=link)
    if sms and person.phone_encrypted:
        transaction.on_commit(lambda: _send_sms(notification.pk))
    return notification


def _send_sms(notification_id: int) -> None:
    notification = Notification.objects.select_related("person").get(pk=notification_id)
    try:
        adapter("sms").send(notification.person.phone, f"【通办】{notification.title}：{notification.body}")
    except Exception:  # an SMS outage must not break the request that already committed
        logger.exception("SMS for notification %s failed", notification_id)
        return
    Notification.objects.filter(pk=notification_id).update(sms_sent=True)


def mark_read(person: Person, notification: Notification) -> None:
    """The holder has seen it."""
    if notification.person_id == person.pk and notification.read_at is None:
        Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())


def unread_count(person: Person) -> int:
    return Notification.objects.filter(person=person, read_at__isnull=True).count()
