"""What a visitor sees when django-axes locks a login: the login page again, saying for how long, in Chinese.

``AXES_LOCKOUT_CALLABLE`` points here. django-axes counts wrong passwords per
username and per IP address (``AXES_LOCKOUT_PARAMETERS``); at
``AXES_FAILURE_LIMIT`` it refuses every further password for that username or
address, right or wrong, until ``AXES_COOLOFF_TIME`` after the last failure.
The response sends the browser back to the page it posted to (any login page:
the workbench's, the portal's, the admin's) with a message naming the minutes left.
"""

from __future__ import annotations

import math
from typing import Any

from axes.helpers import get_client_ip_address, get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.db.models import Max, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from tongban.identity.errors import IdentityError


def minutes_left(username: str | None, ip_address: str | None) -> int:
    """Whole minutes (rounded up, at least 1) until the lock on ``username`` or ``ip_address`` ends."""
    condition = Q()
    if username:
        condition |= Q(username=username)
    if ip_address:
        condition |= Q(ip_address=ip_address)
    if not condition:
        return 1
    attempts = AccessAttempt.objects.filter(condition, failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    latest = attempts.aggregate(latest=Max("attempt_time"))["latest"]
    cool_off = get_cool_off()
    if latest is None or cool_off is None:
        return math.ceil(settings.TONGBAN_LOCKOUT_MINUTES)
    left = (latest + cool_off - timezone.now()).total_seconds()
    return max(1, math.ceil(left / 60))


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict[str, Any] | None = None) -> HttpResponse:
    """Back to the login form (a GET of the same address, ``next`` kept) with the lock message."""
    username = get_client_username(request, credentials)
    ip_address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    messages.error(request, IdentityError.LOGIN_LOCKED.format(minutes=minutes_left(username, ip_address)))
    return redirect(request.get_full_path())
