"""Session lifetime for every account, and the gate that holds staff until their second factor.

Rules (staff and applicants alike):

* a new session key at every login (``django.contrib.auth.login`` cycles it) and
  again when a staff member passes the second factor (:func:`rotate_session`);
* logged out after ``TONGBAN_SESSION_IDLE_SECONDS`` without a request (30 minutes)
  and ``TONGBAN_SESSION_ABSOLUTE_SECONDS`` after login (12 hours), however busy;
* every session is indexed by account (:class:`~tongban.identity.models.UserSession`)
  so that disabling an account ends all its sessions at once (:func:`end_sessions`).

Every login view calls :func:`record_login` right after ``login()``. A session
that reaches an authenticated request without it (the Django admin's own login,
the test client's ``force_login``) is recorded by :class:`SessionLifetimeMiddleware`
on that first request, so no session escapes the limits or the index.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from importlib import import_module
from typing import Any, cast

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.identity.models import User, UserSession
from tongban.identity.services.second_factor import second_factor_required

LOGIN_AT_KEY = "tongban_login_at"
LAST_SEEN_KEY = "tongban_last_seen"
# The last-seen stamp is rewritten at most once a minute, so a busy session is not saved on every request.
LAST_SEEN_RESOLUTION_SECONDS = 60

IDLE_MESSAGE = _("您已超过30分钟未操作，为保护账号安全已自动退出，请重新登录")
ABSOLUTE_MESSAGE = _("本次登录已超过12小时，为保护账号安全已自动退出，请重新登录")


def _now() -> int:
    return int(timezone.now().timestamp())


def record_login(request: HttpRequest) -> UserSession:
    """Start the lifetime of the session ``request.user`` has just logged in with, and index it.

    Call it in every login view right after ``django.contrib.auth.login(request, user)``:
    the workbench staff login, the portal's applicant logins (password, one-time
    code, cross-province) and any later one. It stamps the login time (the
    12-hour limit counts from here) and the last-seen time, and records the
    session key, IP address and browser against the account so that
    ``disable_account`` can end the session. Rows of the account's sessions that
    are older than the absolute limit are pruned, because those sessions are over.
    """
    session = request.session
    if session.session_key is None:
        session.save()
    moment = timezone.now()
    session[LOGIN_AT_KEY] = session[LAST_SEEN_KEY] = int(moment.timestamp())
    user = cast(User, request.user)
    expired_before = moment - datetime.timedelta(seconds=settings.TONGBAN_SESSION_ABSOLUTE_SECONDS)
    UserSession.objects.filter(user=user, logged_in_at__lt=expired_before).delete()
    record, _created = UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": user, "logged_in_at": moment, "ip_address": get_client_ip_address(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200],
        },
    )
    return record


def is_verified(user: User | AnonymousUser) -> bool:
    """True when the session passed the TOTP second factor (django-otp's ``OTPMiddleware`` tells)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if check is not None else False


def rotate_session(request: HttpRequest) -> None:
    """Give the session a new key, keeping its data and its index row (after the second factor succeeds)."""
    previous = request.session.session_key
    request.session.cycle_key()
    if previous:
        UserSession.objects.filter(session_key=previous).update(session_key=request.session.session_key)


def forget_session(request: HttpRequest) -> None:
    """Drop the current session's index row; logout views call it before ``logout()``."""
    if request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()


def end_sessions(user: User) -> int:
    """Delete every session ``user`` holds from the session engine and the index; returns how many.

    The next request of each of those browsers arrives without a session, so it is
    anonymous and every login-protected page sends it to the login page.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(user=user).delete()
    return len(keys)


class SessionLifetimeMiddleware:
    """Log out a session idle for 30 minutes or 12 hours after its login, with a message saying why."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.check(request)
        return self.get_response(request)

    @staticmethod
    def check(request: HttpRequest) -> None:
        """Apply the limits to this request's session before any view sees it."""
        if not request.user.is_authenticated:
            return
        session = request.session
        login_at = session.get(LOGIN_AT_KEY)
        if login_at is None:
            record_login(request)
            return
        now = _now()
        last_seen = session.get(LAST_SEEN_KEY, login_at)
        if now - login_at > settings.TONGBAN_SESSION_ABSOLUTE_SECONDS:
            message = ABSOLUTE_MESSAGE
        elif now - last_seen > settings.TONGBAN_SESSION_IDLE_SECONDS:
            message = IDLE_MESSAGE
        else:
            if now - last_seen >= LAST_SEEN_RESOLUTION_SECONDS:
                session[LAST_SEEN_KEY] = now
            return
        forget_session(request)
        logout(request)
        messages.info(request, message)


class SecondFactorMiddleware:
    """Under ``TONGBAN_SECOND_FACTOR_PATHS`` a staff account must have passed its TOTP second factor.

    This is the one place the rule is enforced, for every workbench page and the
    Django admin, whatever decorators a view carries. Anonymous visitors pass
    through to the views' own login checks; applicants are never held. The views
    named in ``TONGBAN_SECOND_FACTOR_OPEN_VIEWS`` (login, logout, the second-factor
    pages themselves) stay open.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any,
                     view_kwargs: Any) -> HttpResponse | None:
        """Send an unverified staff member to the second-factor page, coming back afterwards."""
        if not request.path.startswith(tuple(settings.TONGBAN_SECOND_FACTOR_PATHS)):
            return None
        user = request.user
        if not user.is_authenticated or is_verified(user):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in settings.TONGBAN_SECOND_FACTOR_OPEN_VIEWS:
            return None
        if not second_factor_required(user):
            return None
        return redirect_to_login(request.get_full_path(), resolve_url(settings.TONGBAN_SECOND_FACTOR_URL))
