"""The SMS gateway sandbox (ID-1): the development and test outbox, the console line, failures on request."""

from __future__ import annotations

import logging

import pytest

from tongban.core import crypto
from tongban.core.adapters import adapter
from tongban.core.models import SandboxSms
from tongban.core.sms import SandboxSmsGateway, SmsDeliveryError, gateway_is_sandbox, sandbox_outbox

pytestmark = pytest.mark.django_db

PHONE = "13800138000"


def test_sandbox_keeps_the_message_and_logs_it_with_the_phone_masked(caplog):
    """The sandbox "sends" by storing the text and writing one INFO line to the console."""
    # given the configured gateway, which is the sandbox in tests and demos
    gateway = adapter("sms")
    assert gateway_is_sandbox(gateway)

    # when it sends a code
    with caplog.at_level(logging.INFO, logger="tongban.sms"):
        receipt = gateway.send(PHONE, "您的验证码是 123456")

    # then the outbox holds the message under the phone's keyed hash, with the phone masked
    message = SandboxSms.objects.get()
    assert (message.text, message.phone_masked, message.reference) == ("您的验证码是 123456", "138****8000",
                                                                       receipt.reference)
    assert message.phone_hash == crypto.lookup_hash("phone", PHONE)
    assert list(sandbox_outbox(PHONE)) == [message]
    assert list(sandbox_outbox("13900000000")) == []
    # and the console line shows the code but never the full phone number
    assert [record.getMessage() for record in caplog.records if record.name == "tongban.sms"] == [
        "【通办沙箱短信】to 138****8000: 您的验证码是 123456"
    ]
    assert PHONE not in caplog.text


@pytest.mark.parametrize(("failure", "code"), [("timeout", "CORE_SMS_TIMEOUT"), ("rejected", "CORE_SMS_REJECTED")])
def test_sandbox_fails_on_request_and_keeps_nothing(settings, failure, code):
    """TONGBAN_SMS_SANDBOX_FAILURE rehearses a gateway outage or refusal: an error with a code, no message."""
    # given the sandbox told to fail
    settings.TONGBAN_SMS_SANDBOX_FAILURE = failure

    # when a message is sent, then it is refused with the failure's code and nothing is stored
    with pytest.raises(SmsDeliveryError) as refused:
        SandboxSmsGateway().send(PHONE, "您的验证码是 123456")
    assert refused.value.code == code
    assert SandboxSms.objects.count() == 0
