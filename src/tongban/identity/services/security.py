"""The security administrator's powers (三员分立): second-factor resets, lockouts and the login log.

Accounts are disabled and enabled through ``identity.services.staff``, which the
security administrator shares with the system administrator. Lifting a lock
and reading the login log concern the whole platform (a lock is on a username
or an IP address, not on an agency), so they need the role at a top-level
agency. Every change is one transaction with an audit event.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from axes.utils import reset as reset_attempts
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tongban.core import audit
from tongban.core.errors import TongbanError
from tongban.identity.errors import IdentityError
from tongban.identity.models import StaffRole, User
from tongban.identity.services.roles import agencies_where, require_role
from tongban.identity.services.staff import Actor, refuse_self, require_account_authority
from tongban.identity.sessions import end_sessions

LOG_ROWS = 50


def require_platform_role(actor: User | AnonymousUser | None, role: StaffRole) -> None:
    """Refuse unless ``actor`` holds ``role`` at a top-level agency (for the whole platform)."""
    require_role(actor, role)
    if not any(agency.parent_id is None for agency in agencies_where(actor, role)):
        raise TongbanError(IdentityError.PLATFORM_ROLE_REQUIRED, role=role.label)


def reset_second_factor(actor: Actor, user: User, reason: str) -> int:
    """Remove ``user``'s authenticator (lost or replaced phone) and end their sessions; SECURITY_ADMIN only.

    The staff member binds a new authenticator at their next login. Returns the
    number of devices removed; audited with the reason.
    """
    refuse_self(actor, user)
    require_account_authority(actor, user, (StaffRole.SECURITY_ADMIN,))
    cleaned = (reason or "").strip()
    if not cleaned:
        raise TongbanError(IdentityError.REASON_REQUIRED, field="reason")
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        removed, _details = TOTPDevice.objects.filter(user=user).delete()
        ended = end_sessions(user)
        audit.record("identity.second_factor.reset", actor=actor, obj=user,
                     data={"username": user.username, "reason": cleaned, "devices_removed": removed,
                           "sessions_ended": ended})
    return removed


def unlock(actor: Actor, *, username: str = "", ip_address: str = "") -> int:
    """Lift the password lock on ``username`` and/or ``ip_address`` and the code lock on that account's device.

    SECURITY_ADMIN for the whole platform; never one's own username. Returns the
    number of lockout records removed; audited.
    """
    require_platform_role(actor, StaffRole.SECURITY_ADMIN)
    username = (username or "").strip()
    ip_address = (ip_address or "").strip()
    if not username and not ip_address:
        raise TongbanError(IdentityError.UNLOCK_TARGET_REQUIRED)
    if username and actor is not None and username == actor.get_username():
        raise TongbanError(IdentityError.SELF_ADMINISTRATION)
    with transaction.atomic():
        removed = 0
        if username:
            removed += reset_attempts(username=username)
            TOTPDevice.objects.filter(user__username=username).update(
                throttling_failure_count=0, throttling_failure_timestamp=None
            )
        if ip_address:
            removed += reset_attempts(ip=ip_address)
        audit.record("identity.lockout.lifted", actor=actor,
                     data={"username": username, "ip_address": ip_address, "records_removed": removed})
    return removed


@dataclass(frozen=True)
class LoginLog:
    """What the security administrator's page shows: current locks, recent logins and failures."""

    locked_attempts: QuerySet[AccessAttempt]
    locked_devices: QuerySet[TOTPDevice]
    logins: QuerySet[AccessLog]
    failures: QuerySet[AccessFailureLog]


def login_log(actor: User | AnonymousUser | None) -> LoginLog:
    """The login and lockout log (django-axes) and the locked authenticators; SECURITY_ADMIN for the platform."""
    require_platform_role(actor, StaffRole.SECURITY_ADMIN)
    since = timezone.now() - datetime.timedelta(minutes=settings.TONGBAN_LOCKOUT_MINUTES)
    return LoginLog(
        locked_attempts=AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since,
        ).order_by("-attempt_time"),
        locked_devices=TOTPDevice.objects.filter(
            throttling_failure_count__gte=settings.TONGBAN_LOCKOUT_FAILURES, throttling_failure_timestamp__gte=since,
        ).select_related("user").order_by("-throttling_failure_timestamp"),
        logins=AccessLog.objects.order_by("-attempt_time")[:LOG_ROWS],
        failures=AccessFailureLog.objects.order_by("-attempt_time")[:LOG_ROWS],
    )
