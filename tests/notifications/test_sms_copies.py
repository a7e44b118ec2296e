"""SMS copies of in-app messages leave from the worker, never from the request (CASE-1 notices, PLAT-1)."""

from __future__ import annotations

import pytest

from tests.identity.factories import PersonFactory
from tongban.core.models import SandboxSms
from tongban.core.sms import sandbox_outbox
from tongban.notifications.models import Notification
from tongban.notifications.services import SMS_MAX_ATTEMPTS, notify, send_pending_sms
from tongban.notifications.tasks import send_pending_sms as send_pending_sms_task

pytestmark = pytest.mark.django_db


def test_notify_writes_the_message_and_leaves_the_sms_to_the_worker():
    """CASE-1: the request stores the notice with its SMS pending; the sweep sends it once."""
    # given a person with a phone
    person = PersonFactory(level=2)

    # when a notice is written
    notification = notify(person, "申请已提交", "您的办件已提交。")

    # then nothing was sent yet, and the SMS waits for the worker
    assert (notification.sms_pending, notification.sms_sent) == (True, False)
    assert SandboxSms.objects.count() == 0
    # when the worker's task runs (twice: the second run finds nothing)
    assert send_pending_sms_task.call() == {"sent": 1, "failed": 0, "given_up": 0}
    assert send_pending_sms() == {"sent": 0, "failed": 0, "given_up": 0}
    # then exactly one SMS went out, to the person's phone, and the row says so
    assert [m.text for m in sandbox_outbox(person.phone)] == ["【通办】申请已提交：您的办件已提交。"]
    notification.refresh_from_db()
    assert (notification.sms_pending, notification.sms_sent, notification.sms_attempts) == (False, True, 0)


def test_no_sms_is_pending_when_not_asked_for():
    """A notice with ``sms=False`` is in-app only."""
    person = PersonFactory(level=2)
    notification = notify(person, "仅站内", "内容", sms=False)
    assert notification.sms_pending is False
    assert send_pending_sms() == {"sent": 0, "failed": 0, "given_up": 0}


def test_a_gateway_outage_keeps_the_sms_pending_then_gives_up(settings):
    """An outage never loses the in-app message; the SMS is retried and given up after the limit."""
    # given a pending SMS and a gateway that times out
    person = PersonFactory(level=2)
    notification = notify(person, "补正通知", "请补正材料。")
    settings.TONGBAN_SMS_SANDBOX_FAILURE = "timeout"

    # when the sweep runs while the gateway is down
    assert send_pending_sms() == {"sent": 0, "failed": 1, "given_up": 0}

    # then the SMS is still pending with one attempt counted, and nothing was stored by the gateway
    notification.refresh_from_db()
    assert (notification.sms_pending, notification.sms_attempts) == (True, 1)
    # when it keeps failing up to the limit
    for _ in range(SMS_MAX_ATTEMPTS - 2):
        send_pending_sms()
    assert send_pending_sms() == {"sent": 0, "failed": 0, "given_up": 1}
    # then it is given up, and the in-app message stays
    notification.refresh_from_db()
    assert (notification.sms_pending, notification.sms_sent) == (False, False)
    assert notification.sms_attempts == SMS_MAX_ATTEMPTS
    assert Notification.objects.filter(pk=notification.pk).exists()
    # and a recovered gateway sends nothing more for it
    settings.TONGBAN_SMS_SANDBOX_FAILURE = ""
    assert send_pending_sms() == {"sent": 0, "failed": 0, "given_up": 0}
    assert SandboxSms.objects.count() == 0
