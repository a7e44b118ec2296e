"""Text messages to phones: the SMS gateway interface and its sandbox (DESIGN.md "Layout": adapters).

Services ask ``core.adapters.adapter("sms")`` for the configured gateway and call
:meth:`SmsGateway.send`. A gateway either accepts the message (and returns a
:class:`SmsReceipt`) or raises :class:`SmsDeliveryError`; callers send inside
the transaction of the change that needs the message, so a refused message
leaves nothing behind.

:class:`SandboxSmsGateway` behaves like a real gateway without sending
anything: it keeps each message in the ``SandboxSms`` table (the test and
development outbox), writes it to the console log, and fails on request
(``settings.TONGBAN_SMS_SANDBOX_FAILURE``: ``"timeout"`` or ``"rejected"``).
"""

from __future__ import annotations

import abc
import datetime
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.core import crypto
from tongban.core.errors import ErrorCode, TongbanError
from tongban.core.identifiers import mask_phone
from tongban.core.models import SandboxSms

logger = logging.getLogger("tongban.sms")

SANDBOX_FAILURE_SETTING = "TONGBAN_SMS_SANDBOX_FAILURE"
SANDBOX_LOG_PREFIX = "【通办沙箱短信】"


class SmsError(ErrorCode):
    """Why a message was not sent."""

    TIMEOUT = ("CORE_SMS_TIMEOUT", _("短信服务暂时无法连接，短信未发送，请稍后再试"))
    REJECTED = ("CORE_SMS_REJECTED", _("短信服务拒绝发送该短信，请稍后再试或联系12345"))


class SmsDeliveryError(TongbanError):
    """The gateway did not accept the message: nothing was sent."""


@dataclass(frozen=True)
class SmsReceipt:
    """The gateway's acknowledgement: its reference for the message and when it was accepted."""

    reference: str
    accepted_at: datetime.datetime


class SmsGateway(abc.ABC):
    """A text-message service provider."""

    @abc.abstractmethod
    def send(self, phone: str, text: str) -> SmsReceipt:
        """Send ``text`` to ``phone`` (11-digit mainland mobile number); raise :class:`SmsDeliveryError` if refused."""


class SandboxSmsGateway(SmsGateway):
    """Keeps messages in the ``SandboxSms`` outbox and the console log instead of sending them."""

    def send(self, phone: str, text: str) -> SmsReceipt:
        """Store and log the message, or fail as configured in ``TONGBAN_SMS_SANDBOX_FAILURE``."""
        failure = getattr(settings, SANDBOX_FAILURE_SETTING, "")
        if failure == "timeout":
            raise SmsDeliveryError(SmsError.TIMEOUT)
        if failure == "rejected":
            raise SmsDeliveryError(SmsError.REJECTED)
        sent_at = timezone.now()
        message = SandboxSms.objects.create(
            phone_hash=crypto.lookup_hash("phone", phone),
            phone_masked=mask_phone(phone),
            text=text,
            reference=f"SANDBOX-SMS-{secrets.token_hex(8).upper()}",
            sent_at=sent_at,
        )
        logger.info("%sto %s: %s", SANDBOX_LOG_PREFIX, message.phone_masked, text)
        return SmsReceipt(reference=message.reference, accepted_at=sent_at)


def sandbox_outbox(phone: str) -> QuerySet[SandboxSms]:
    """The messages the sandbox "sent" to ``phone``, newest first."""
    return SandboxSms.objects.filter(phone_hash=crypto.lookup_hash("phone", phone)).order_by("-sent_at", "-id")


def gateway_is_sandbox(gateway: object) -> bool:
    """True when ``gateway`` is the sandbox (its outbox may then be shown in development)."""
    return isinstance(gateway, SandboxSmsGateway)
