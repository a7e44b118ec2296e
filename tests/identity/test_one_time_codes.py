"""One-time codes (ID-1): hashed, 5 minutes, 5 tries, used once; throttled sending that costs nothing when refused."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from tongban.core.errors import TongbanError
from tongban.core.models import SandboxSms
from tongban.identity.models import OneTimeCode, OneTimeCodePurpose
from tongban.identity.services import one_time_codes
from tongban.identity.services.one_time_codes import sandbox_code, send_code, verify_code

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
SIGN_UP = OneTimeCodePurpose.SIGN_UP
START = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)


def _refusal(call, *arguments, **keywords) -> TongbanError:  # noqa: ANN001 - any service function
    with pytest.raises(TongbanError) as refused:
        call(*arguments, **keywords)
    return refused.value


@time_machine.travel(START, tick=False)
def test_a_code_is_six_digits_sent_by_sms_and_stored_only_as_a_hash():
    """ID-1: the SMS carries the code; the database keeps its keyed hash, the expiry and where it came from."""
    # when a sign-up code is sent
    row = send_code(" 139-1234-5678 ", SIGN_UP, client_address="203.0.113.7")

    # then the sandbox outbox has the message with a 6-digit code
    code = sandbox_code(PHONE)
    assert code is not None and len(code) == 6 and code.isdigit()
    assert SandboxSms.objects.get().text.startswith(f"【通办】您的验证码是 {code}，用于注册，5分钟内有效")
    # and the row holds a hash that is not the code, valid for 5 minutes
    row.refresh_from_db()
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert (row.expires_at - row.created_at, row.failed_attempts, row.consumed_at) == (
        datetime.timedelta(minutes=5), 0, None)
    assert row.requested_from == "203.0.113.7"


def test_a_code_is_used_once_and_a_replay_is_refused():
    """ID-1 bad input: replaying a used code gives IDENTITY_CODE_USED, even after a newer code was sent."""
    # given a sent code that was used
    send_code(PHONE, SIGN_UP)
    code = sandbox_code(PHONE)
    assert verify_code(PHONE, SIGN_UP, code).consumed_at is not None

    # when it is replayed, then it is refused as used
    assert _refusal(verify_code, PHONE, SIGN_UP, code).code == "IDENTITY_CODE_USED"


def test_an_expired_code_is_refused():
    """ID-1 bad input: after 5 minutes the right code is IDENTITY_CODE_EXPIRED and is not consumed."""
    # given a code sent at 09:00
    with time_machine.travel(START, tick=False):
        send_code(PHONE, SIGN_UP)
    code = sandbox_code(PHONE)

    # when it is entered 5 minutes and 1 second later
    with time_machine.travel(START + datetime.timedelta(minutes=5, seconds=1), tick=False):
        refusal = _refusal(verify_code, PHONE, SIGN_UP, code)

    # then it is refused and stays unused
    assert refusal.code == "IDENTITY_CODE_EXPIRED"
    assert OneTimeCode.objects.get().consumed_at is None


def test_five_wrong_tries_kill_the_code():
    """ID-1: each wrong guess is counted (the count survives the refusal); the fifth kills the code."""
    # given a sent code and a wrong guess
    send_code(PHONE, SIGN_UP)
    code = sandbox_code(PHONE)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    # when four wrong guesses are made, each says how many tries remain
    messages = [_refusal(verify_code, PHONE, SIGN_UP, wrong).message for _ in range(4)]
    assert messages == [f"验证码不正确，还可以再试{remaining}次" for remaining in (4, 3, 2, 1)]
    # and the fifth kills it: even the right code is refused afterwards
    assert _refusal(verify_code, PHONE, SIGN_UP, wrong).code == "IDENTITY_CODE_ATTEMPTS_EXHAUSTED"
    assert _refusal(verify_code, PHONE, SIGN_UP, code).code == "IDENTITY_CODE_ATTEMPTS_EXHAUSTED"
    row = OneTimeCode.objects.get()
    assert (row.failed_attempts, row.consumed_at) == (5, None)


def test_codes_are_bound_to_their_purpose_and_format():
    """A sign-up code does not log in; a code that is not 6 digits is refused without counting a try."""
    send_code(PHONE, SIGN_UP)
    code = sandbox_code(PHONE)
    assert _refusal(verify_code, PHONE, OneTimeCodePurpose.LOGIN, code).code == "IDENTITY_CODE_MISSING"
    assert _refusal(verify_code, PHONE, SIGN_UP, "12345").code == "IDENTITY_CODE_FORMAT"
    assert OneTimeCode.objects.get().failed_attempts == 0
    assert _refusal(send_code, "12345678901", SIGN_UP).code == "IDENTITY_PHONE_FORMAT"


def test_sending_again_within_60_seconds_is_throttled_and_sends_nothing():
    """ID-1, staff hardening: one code per phone per minute; the refusal says how long to wait."""
    # given a code sent at 09:00:00
    with time_machine.travel(START, tick=False):
        send_code(PHONE, SIGN_UP)
    # when another is asked for at 09:00:45
    with time_machine.travel(START + datetime.timedelta(seconds=45), tick=False):
        refusal = _refusal(send_code, PHONE, SIGN_UP)
    # then it is refused with 15 seconds to wait, and no SMS or code was added
    assert (refusal.code, refusal.params, refusal.field) == ("IDENTITY_CODE_THROTTLED", {"seconds": 15}, "phone")
    assert refusal.message == "获取验证码过于频繁，请15秒后再试"
    assert (SandboxSms.objects.count(), OneTimeCode.objects.count()) == (1, 1)
    # and at 09:01:00 it may be sent again
    with time_machine.travel(START + datetime.timedelta(seconds=60), tick=False):
        send_code(PHONE, SIGN_UP)
    assert SandboxSms.objects.count() == 2


def test_at_most_five_codes_per_phone_per_hour():
    """The sixth code within an hour waits until the first one is an hour old."""
    for minute in range(5):
        with time_machine.travel(START + datetime.timedelta(minutes=minute * 2), tick=False):
            send_code(PHONE, SIGN_UP)
    with time_machine.travel(START + datetime.timedelta(minutes=20), tick=False):
        refusal = _refusal(send_code, PHONE, SIGN_UP)
    assert (refusal.code, refusal.params) == ("IDENTITY_CODE_THROTTLED", {"seconds": 40 * 60})
    assert SandboxSms.objects.count() == 5
    with time_machine.travel(START + datetime.timedelta(minutes=60, seconds=1), tick=False):
        send_code(PHONE, SIGN_UP)
    assert SandboxSms.objects.count() == 6


def test_at_most_twenty_codes_per_client_address_per_hour():
    """One address cannot make the platform text many phones: the 21st code within an hour is refused."""
    with time_machine.travel(START, tick=False):
        for serial in range(one_time_codes.ADDRESS_HOURLY_LIMIT):
            send_code(f"1391000{serial:04d}", SIGN_UP, client_address="198.51.100.9")
        refusal = _refusal(send_code, "13920000000", SIGN_UP, client_address="198.51.100.9")
        # another address is not affected
        send_code("13920000001", SIGN_UP, client_address="198.51.100.10")
    assert (refusal.code, refusal.params) == ("IDENTITY_CODE_THROTTLED", {"seconds": 3600})
    assert SandboxSms.objects.count() == 21


@pytest.mark.parametrize("failure", ["timeout", "rejected"])
def test_a_failed_sms_leaves_no_code_behind(settings, failure):
    """When the gateway refuses, the code row is rolled back: nothing half-made, nothing counted."""
    settings.TONGBAN_SMS_SANDBOX_FAILURE = failure
    refusal = _refusal(send_code, PHONE, SIGN_UP)
    assert refusal.code == f"CORE_SMS_{failure.upper()}"
    assert (OneTimeCode.objects.count(), SandboxSms.objects.count()) == (0, 0)
    # and once the gateway is back the phone is not throttled
    settings.TONGBAN_SMS_SANDBOX_FAILURE = ""
    send_code(PHONE, SIGN_UP)
    assert SandboxSms.objects.count() == 1
