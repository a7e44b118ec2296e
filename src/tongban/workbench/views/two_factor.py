"""The staff second factor (TOTP): enrolment at first login, then a code at every login.

``identity.sessions.SecondFactorMiddleware`` sends every staff member who has
not passed this step here from any workbench or admin page; these views only
read the form and call ``identity.services.second_factor``. Success marks the
session verified (django-otp) and gives it a new key, then returns to ``next``.
"""

from __future__ import annotations

import io
from base64 import b64encode
from typing import cast
from urllib.parse import urlencode

import django_otp
import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from tongban.core.errors import TongbanError
from tongban.identity.errors import IdentityError
from tongban.identity.models import User
from tongban.identity.services import second_factor
from tongban.identity.sessions import is_verified, rotate_session
from tongban.workbench.forms.two_factor import CodeForm
from tongban.workbench.views.access import apply_refusal, render_page

ENROLMENT_SECRET_KEY = "tongban_enrolment_secret"


def _next_url(request: HttpRequest) -> str:
    """Where to go afterwards: a local ``next`` address, or the dashboard."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("workbench:home")


def _with_next(name: str, target: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': target})}"


def _complete(request: HttpRequest, device: TOTPDevice) -> HttpResponse:
    """Mark the session as having passed the second factor, with a new key, and go on."""
    django_otp.login(request, device)
    rotate_session(request)
    return redirect(_next_url(request))


def _qr_data_uri(uri: str) -> str:
    """The provisioning URI as an SVG QR code in a ``data:`` URI (the CSP allows ``img-src data:``)."""
    buffer = io.BytesIO()
    segno.make(uri, error="m", micro=False).save(buffer, kind="svg", scale=5, border=2, xmldecl=False)
    return "data:image/svg+xml;base64," + b64encode(buffer.getvalue()).decode("ascii")


@require_http_methods(["GET", "POST"])
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Ask for the current code; without an authenticator yet, go to enrolment first."""
    user = cast(User, request.user)  # login_required
    target = _next_url(request)
    if is_verified(user) or not second_factor.second_factor_required(user):
        return redirect(target)
    device = second_factor.confirmed_device(user)
    if device is None:
        return redirect(_with_next("workbench:two_factor_enrol", target))
    refusal = None
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            verified = second_factor.verify(user, form.cleaned_data["code"])
        except TongbanError as error:
            refusal = error
            apply_refusal(form, error)
        else:
            return _complete(request, verified)
        return render_page(request, "workbench/two_factor/verify.html", {
            "form": form, "next": target, "refusal": refusal,
        }, status=400)
    locked_minutes = second_factor.lock_minutes_left(device)
    if locked_minutes:
        # Say so before the staff member types a code that would be refused anyway.
        refusal = TongbanError(IdentityError.SECOND_FACTOR_LOCKED, minutes=locked_minutes)
    return render_page(request, "workbench/two_factor/verify.html", {
        "form": form, "next": target, "refusal": refusal,
    })


@require_http_methods(["GET", "POST"])
@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    """Show a new secret as a QR code and as text; bind it once the authenticator shows a valid code."""
    user = cast(User, request.user)  # login_required
    target = _next_url(request)
    if is_verified(user) or not second_factor.second_factor_required(user):
        return redirect(target)
    if second_factor.confirmed_device(user) is not None:
        return redirect(_with_next("workbench:two_factor", target))
    secret = request.session.get(ENROLMENT_SECRET_KEY) or second_factor.new_secret()
    request.session[ENROLMENT_SECRET_KEY] = secret
    refusal = None
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = second_factor.enrol(user, secret, form.cleaned_data["code"])
        except TongbanError as error:
            refusal = error
            apply_refusal(form, error)
        else:
            del request.session[ENROLMENT_SECRET_KEY]
            messages.success(request, _("身份验证器已绑定，以后每次登录都需输入其动态码"))
            return _complete(request, device)
    return render_page(request, "workbench/two_factor/enrol.html", {
        "form": form, "next": target, "refusal": refusal,
        "qr_code": _qr_data_uri(second_factor.provisioning_uri(user, secret)),
        "secret": second_factor.base32_secret(secret),
    }, status=200 if refusal is None else 400)
