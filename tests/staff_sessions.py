"""Staff sessions in tests: every staff login in the workbench needs the TOTP second factor.

``VerifiedStaffClient`` is the ``client`` fixture (tests/conftest.py): its
``force_login`` of a staff account also passes the second factor, exactly as
``django_otp.login`` does after a correct code, so view tests start from a
fully logged-in staff member. The production check is untouched; tests about
the second factor itself use a plain ``django.test.Client``.
"""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tongban.identity.models import User, UserSession
from tongban.identity.services.second_factor import confirmed_device, second_factor_required
from tongban.identity.sessions import LAST_SEEN_KEY, LOGIN_AT_KEY


def authenticator(user: User) -> TOTPDevice:
    """The staff member's confirmed TOTP device, created on first use."""
    return confirmed_device(user) or TOTPDevice.objects.create(user=user, name="workbench", confirmed=True)


def current_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the device's authenticator app shows now (or ``steps_ahead`` 30-second steps later)."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead):06d}"


def pass_second_factor(client: Client, user: User) -> None:
    """Mark the client's session as verified by ``user``'s device, as ``django_otp.login`` does."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
    session.save()


class VerifiedStaffClient(Client):
    """Django's test client whose ``force_login`` of a staff account includes the second factor."""

    def force_login(self, user: Any, backend: str | None = None) -> None:
        """Log in without a password, recorded as the login views record it; a staff session is OTP-verified too."""
        super().force_login(user, backend)
        session = self.session
        session[LOGIN_AT_KEY] = session[LAST_SEEN_KEY] = int(timezone.now().timestamp())
        session.save()
        UserSession.objects.create(user=user, session_key=session.session_key, logged_in_at=timezone.now())
        if second_factor_required(user):
            pass_second_factor(self, user)
