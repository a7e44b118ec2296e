"""One-time codes sent by SMS (ID-1): sending with throttling, and checking with replay protection.

A code is 6 random digits (``secrets``), stored only as a keyed hash
(``core.crypto.lookup_hash``), valid for 5 minutes, killed by 5 wrong tries and
usable once. Sending costs money and can be abused to flood a phone, so it is
throttled: one code per phone per 60 seconds, 5 per phone per hour and 20 per
client address per hour. The limits are counted from the ``OneTimeCode`` rows
themselves, so they hold across processes and app servers.
"""

from __future__ import annotations

import datetime
import math
import re
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from tongban.core import audit, crypto
from tongban.core.adapters import adapter
from tongban.core.errors import TongbanError
from tongban.core.identifiers import mask_phone
from tongban.core.sms import sandbox_outbox
from tongban.identity.errors import IdentityError
from tongban.identity.models import OneTimeCode, OneTimeCodePurpose

CODE_DIGITS = 6
CODE_VALIDITY = datetime.timedelta(minutes=5)
MAX_FAILED_ATTEMPTS = 5
PHONE_INTERVAL = datetime.timedelta(seconds=60)
PHONE_HOURLY_LIMIT = 5
ADDRESS_HOURLY_LIMIT = 20
HOUR = datetime.timedelta(hours=1)
PHONE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
CODE_PATTERN = re.compile(r"^\d{6}$")
SANDBOX_CODE_PATTERN = re.compile(r"验证码是 (\d{6})")


def normalise_phone(value: str) -> str:
    """An 11-digit mainland mobile number without spaces, hyphens or the +86 prefix; refuses anything else."""
    phone = crypto.normalise(value or "")
    for prefix in ("+86", "0086"):
        if phone.startswith(prefix):
            phone = phone[len(prefix):]
    if not PHONE_PATTERN.match(phone):
        raise TongbanError(IdentityError.PHONE_FORMAT, field="phone")
    return phone


def _code_hash(phone_hash: str, purpose: str, code: str) -> str:
    return crypto.lookup_hash("one_time_code", f"{phone_hash}.{purpose}.{code}")


def _seconds_until(moment: datetime.datetime, now: datetime.datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))


def seconds_to_wait(phone_hash: str, client_address: str | None, now: datetime.datetime) -> int:
    """How long before another code may be sent to this phone from this address (0: now)."""
    recent = list(
        OneTimeCode.objects.filter(phone_hash=phone_hash, created_at__gt=now - HOUR)
        .order_by("-created_at").values_list("created_at", flat=True)
    )
    waits = []
    if recent and recent[0] > now - PHONE_INTERVAL:
        waits.append(_seconds_until(recent[0] + PHONE_INTERVAL, now))
    if len(recent) >= PHONE_HOURLY_LIMIT:
        waits.append(_seconds_until(recent[PHONE_HOURLY_LIMIT - 1] + HOUR, now))
    if client_address:
        from_address = list(
            OneTimeCode.objects.filter(requested_from=client_address, created_at__gt=now - HOUR)
            .order_by("-created_at").values_list("created_at", flat=True)[:ADDRESS_HOURLY_LIMIT]
        )
        if len(from_address) >= ADDRESS_HOURLY_LIMIT:
            waits.append(_seconds_until(from_address[-1] + HOUR, now))
    return max(waits, default=0)


def message_text(code: str, purpose: str) -> str:
    """The SMS text carrying ``code``."""
    label = OneTimeCodePurpose(purpose).label
    return f"【通办】您的验证码是 {code}，用于{label}，5分钟内有效。如非本人操作，请忽略本短信。"


def send_code(phone: str, purpose: str, *, client_address: str | None = None) -> OneTimeCode:
    """Create a code for ``phone`` and send it by SMS, unless throttled (``IDENTITY_CODE_THROTTLED``).

    One transaction: when the gateway refuses (``CORE_SMS_*``) the code row is
    rolled back, so a failed send leaves nothing behind and does not count
    against the limits.
    """
    phone = normalise_phone(phone)
    purpose = OneTimeCodePurpose(purpose)
    phone_hash = crypto.lookup_hash("phone", phone)
    now = timezone.now()
    with transaction.atomic():
        wait = seconds_to_wait(phone_hash, client_address, now)
        if wait:
            raise TongbanError(IdentityError.CODE_THROTTLED, field="phone", seconds=wait)
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        row = OneTimeCode.objects.create(
            phone_hash=phone_hash, purpose=purpose, code_hash=_code_hash(phone_hash, purpose, code),
            created_at=now, expires_at=now + CODE_VALIDITY, requested_from=client_address or None,
        )
        adapter("sms").send(phone, message_text(code, purpose))
        audit.record("identity.code.sent", obj=row, data={"purpose": purpose, "phone": mask_phone(phone)})
    return row


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of :func:`check_code`: the consumed code, or the refusal to raise."""

    accepted: OneTimeCode | None
    refusal: TongbanError | None


def check_code(phone: str, purpose: str, code: str) -> CodeCheck:
    """Check ``code`` and consume it if right; a wrong guess is counted. Run inside a transaction.

    Returns the refusal instead of raising it, so the caller can let its
    transaction commit (keeping the wrong-guess count) and raise afterwards. The
    newest code for the phone and purpose is the only live one; a code that was
    already used is ``IDENTITY_CODE_USED`` (a replay), whichever code is newest.
    """
    phone = normalise_phone(phone)
    code = (code or "").strip()
    if not CODE_PATTERN.match(code):
        return CodeCheck(None, TongbanError(IdentityError.CODE_FORMAT, field="code"))
    phone_hash = crypto.lookup_hash("phone", phone)
    now = timezone.now()
    rows = list(
        OneTimeCode.objects.select_for_update()
        .filter(phone_hash=phone_hash, purpose=purpose, created_at__gt=now - HOUR).order_by("-created_at", "-id")
    )
    if not rows:
        return CodeCheck(None, TongbanError(IdentityError.CODE_MISSING, field="code"))
    candidate = _code_hash(phone_hash, purpose, code)
    if any(row.consumed_at is not None and row.code_hash == candidate for row in rows):
        return CodeCheck(None, TongbanError(IdentityError.CODE_USED, field="code"))
    latest = rows[0]
    if latest.consumed_at is not None:
        return CodeCheck(None, TongbanError(IdentityError.CODE_MISSING, field="code"))
    if latest.failed_attempts >= MAX_FAILED_ATTEMPTS:
        return CodeCheck(None, TongbanError(IdentityError.CODE_ATTEMPTS_EXHAUSTED, field="code"))
    if latest.expires_at <= now:
        return CodeCheck(None, TongbanError(IdentityError.CODE_EXPIRED, field="code"))
    if latest.code_hash != candidate:
        latest.failed_attempts += 1
        latest.save(update_fields=["failed_attempts"])
        remaining = MAX_FAILED_ATTEMPTS - latest.failed_attempts
        if remaining == 0:
            return CodeCheck(None, TongbanError(IdentityError.CODE_ATTEMPTS_EXHAUSTED, field="code"))
        return CodeCheck(None, TongbanError(IdentityError.CODE_INVALID, field="code", remaining=remaining))
    latest.consumed_at = now
    latest.save(update_fields=["consumed_at"])
    return CodeCheck(latest, None)


def verify_code(phone: str, purpose: str, code: str) -> OneTimeCode:
    """Consume ``code`` or raise its refusal (the wrong-guess count is kept either way)."""
    with transaction.atomic():
        outcome = check_code(phone, purpose, code)
    if outcome.refusal is not None:
        raise outcome.refusal
    assert outcome.accepted is not None
    return outcome.accepted


def sandbox_code(phone: str) -> str | None:
    """The newest code the SMS sandbox "sent" to ``phone`` (development notice and tests), if any."""
    message = sandbox_outbox(phone).first()
    if message is None:
        return None
    found = SANDBOX_CODE_PATTERN.search(message.text)
    return found.group(1) if found else None
