"""The staff second factor: a TOTP authenticator (django-otp) for every staff account.

Who needs it: every account holding a workbench role, plus ``is_staff`` and
superuser accounts (the Django admin). Applicants do not.

Enrolment: the page shows a fresh secret (QR code and base32 text), kept in the
session until :func:`enrol` sees a valid code from it; only then is a confirmed
``TOTPDevice`` stored, so an abandoned enrolment leaves nothing behind.

Verification: :func:`verify` checks a code against the account's device.
django-otp's own throttling is on (``OTP_TOTP_THROTTLE_FACTOR``: after each
wrong code the next try waits 1, 2, 4, 8 … seconds) and a code is accepted only
once (``last_t``). On top of that, ``TONGBAN_LOCKOUT_FAILURES`` wrong codes in
a row lock the device for ``TONGBAN_LOCKOUT_MINUTES`` from the last failure,
like a locked password; a security administrator can lift either lock.
"""

from __future__ import annotations

import datetime
import math
import time
from base64 import b32encode
from binascii import unhexlify

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from tongban.core import audit
from tongban.core.errors import TongbanError
from tongban.identity.errors import IdentityError
from tongban.identity.models import RoleAssignment, User

DEVICE_NAME = "workbench"
CODE_DIGITS = 6


def second_factor_required(user: User | AnonymousUser | None) -> bool:
    """True for a logged-in staff account: any role assignment, ``is_staff`` or superuser."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return RoleAssignment.objects.filter(user_id=user.pk).exists()


def confirmed_device(user: User) -> TOTPDevice | None:
    """The account's authenticator, or None before enrolment."""
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("id").first()


def new_secret() -> str:
    """A fresh random TOTP secret (20 bytes, hex) for an enrolment page."""
    return str(random_hex(20))


def base32_secret(key_hex: str) -> str:
    """The secret as authenticator apps take it for manual entry, in groups of four."""
    text = b32encode(unhexlify(key_hex)).decode("ascii").rstrip("=")
    return " ".join(text[start:start + 4] for start in range(0, len(text), 4))


def provisioning_uri(user: User, key_hex: str) -> str:
    """The ``otpauth://`` URI the QR code carries (issuer ``OTP_TOTP_ISSUER``, label the username)."""
    return str(TOTPDevice(user=user, key=key_hex).config_url)


def _token(code: str) -> int:
    """The code as a number; anything but six digits is refused before any device is touched."""
    cleaned = "".join((code or "").split())
    if len(cleaned) != CODE_DIGITS or not cleaned.isdigit():
        raise TongbanError(IdentityError.SECOND_FACTOR_CODE_INVALID, field="code")
    return int(cleaned)


def lock_minutes_left(device: TOTPDevice, now: datetime.datetime | None = None) -> int:
    """Whole minutes (rounded up) until a device locked by too many wrong codes opens again; 0 if not locked."""
    failed_at = device.throttling_failure_timestamp
    if device.throttling_failure_count < settings.TONGBAN_LOCKOUT_FAILURES or failed_at is None:
        return 0
    opens_at = failed_at + datetime.timedelta(minutes=settings.TONGBAN_LOCKOUT_MINUTES)
    left = (opens_at - (now or timezone.now())).total_seconds()
    return math.ceil(left / 60) if left > 0 else 0


def enrol(user: User, key_hex: str, code: str) -> TOTPDevice:
    """Bind the authenticator holding ``key_hex`` to ``user`` once it shows a valid ``code``; audited.

    Refused when the code is malformed or wrong (nothing is stored) and when the
    account already has an authenticator (only a security administrator's reset
    removes it, so a stolen password cannot replace the owner's device).
    """
    token = _token(code)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # two tabs cannot both enrol
        if TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists():
            raise TongbanError(IdentityError.SECOND_FACTOR_ENROLLED)
        totp = TOTP(unhexlify(key_hex), digits=CODE_DIGITS)
        totp.time = time.time()
        if not totp.verify(token, tolerance=1):
            raise TongbanError(IdentityError.SECOND_FACTOR_ENROLMENT_WRONG, field="code")
        device = TOTPDevice.objects.create(
            user=user, name=DEVICE_NAME, key=key_hex, confirmed=True, digits=CODE_DIGITS,
            last_t=totp.t(), drift=totp.drift,
        )
        audit.record("identity.second_factor.enrolled", actor=user, obj=user, data={"device": device.pk})
    return device


def verify(user: User, code: str) -> TOTPDevice:
    """The account's device if ``code`` is its current, unused code; otherwise a refusal saying why.

    A wrong code counts towards the lock (the count is kept even though the call
    refuses); the code that reaches the limit locks the device and is audited.
    """
    token = _token(code)
    refusal: TongbanError | None = None
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update().filter(user_id=user.pk, confirmed=True).order_by("id").first()
        )
        if device is None:
            raise TongbanError(IdentityError.SECOND_FACTOR_NOT_ENROLLED)
        refusal = _check(user, device, token)
    if refusal is not None:
        raise refusal
    return device


def _check(user: User, device: TOTPDevice, token: int) -> TongbanError | None:
    """Verify inside the caller's transaction; return the refusal instead of raising, so counts are kept."""
    minutes = lock_minutes_left(device)
    if minutes:
        return TongbanError(IdentityError.SECOND_FACTOR_LOCKED, field="code", minutes=minutes)
    allowed, details = device.verify_is_allowed()
    if not allowed:
        seconds = math.ceil(((details or {})["locked_until"] - timezone.now()).total_seconds())
        return TongbanError(IdentityError.SECOND_FACTOR_THROTTLED, field="code", seconds=max(seconds, 1))
    if device.verify_token(token):
        return None
    failures = device.throttling_failure_count
    limit = settings.TONGBAN_LOCKOUT_FAILURES
    if failures >= limit:
        audit.record("identity.second_factor.locked", actor=user, obj=user,
                     data={"device": device.pk, "failures": failures})
        return TongbanError(IdentityError.SECOND_FACTOR_LOCKED, field="code", minutes=settings.TONGBAN_LOCKOUT_MINUTES)
    return TongbanError(IdentityError.SECOND_FACTOR_CODE_WRONG, field="code", remaining=limit - failures)
