"""Applicant account pages (ID-1, ID-3, SEC-4): sign-up, login, logout and "my account".

Sign-up and code login are two steps: the phone page sends the code and keeps
the phone in the session, the code page checks it and logs in. In development
(``DEBUG`` with the SMS sandbox configured) the code page shows the code the
sandbox "sent", read from its outbox. Every decision is the identity services';
the views validate the form, call one service and show its refusal on the form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tongban.core.adapters import adapter
from tongban.core.errors import TongbanError
from tongban.core.identifiers import mask_phone
from tongban.core.sms import gateway_is_sandbox
from tongban.identity import sessions
from tongban.identity.models import OneTimeCodePurpose
from tongban.identity.services import one_time_codes, personal_data, persons, real_name
from tongban.portal.account_forms import (
    BankCardForm,
    CodeForm,
    FaceForm,
    ForeignerLevelForm,
    PasswordForm,
    PasswordLoginForm,
    PhoneForm,
    ResidentLevelForm,
)

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

PENDING_KEY = "account_pending_code"
LEVEL_HOW = {
    1: _("注册时通过短信验证码验证手机号码即达到。"),
    2: _("居民：填写姓名和居民身份证号码，由人口库核验。"
         "外国人：填写护照或外国人永久居留身份证，由出入境证件信息库核验。"),
    3: _("达到二级后，使用本人银行卡（卡号与银行预留手机号）或人脸识别再次核验。"),
    4: _("达到二级后，携带证件原件到任一政务服务窗口，由工作人员当面核验。"),
}


def _next_url(request: HttpRequest, candidate: str | None) -> str:
    """``candidate`` if it is a safe local address (an OpenID authorization request …), else "my account"."""
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return reverse("account:home")


def _login_required(request: HttpRequest) -> HttpResponse | None:
    if request.user.is_authenticated:
        return None
    return redirect(f"{reverse('account:login')}?{urlencode({'next': request.get_full_path()})}")


def _client_address(request: HttpRequest) -> str | None:
    return get_client_ip_address(request) or None


def _send_code(request: HttpRequest, form: PhoneForm, purpose: str) -> bool:
    """Ask the service for a code; on success keep the phone in the session for the code page."""
    send = persons.request_sign_up_code if purpose == OneTimeCodePurpose.SIGN_UP else persons.request_login_code
    try:
        send(form.cleaned_data["phone"], client_address=_client_address(request))
    except TongbanError as error:
        form.show_refusal(error)
        return False
    phone = one_time_codes.normalise_phone(form.cleaned_data["phone"])
    request.session[PENDING_KEY] = {"phone": phone, "purpose": str(purpose), "next": request.POST.get("next", "")}
    return True


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Step 1 of sign-up: the phone number, to which a code is sent."""
    if request.user.is_authenticated:
        return redirect("account:home")
    form = PhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _send_code(request, form, OneTimeCodePurpose.SIGN_UP):
        return redirect("account:signup_code")
    next_url = request.POST.get("next") or request.GET.get("next", "")
    return render(request, "portal/account/signup.html", {"form": form, "next": next_url})


def _code_step(request: HttpRequest, purpose: str) -> HttpResponse:
    """Step 2 of sign-up and code login: check the code (or send another) and log in."""
    pending = request.session.get(PENDING_KEY)
    start = "account:signup" if purpose == OneTimeCodePurpose.SIGN_UP else "account:login"
    if not pending or pending.get("purpose") != purpose:
        return redirect(start)
    phone = pending["phone"]
    form, resend_errors = CodeForm(), list[str]()
    if request.method == "POST" and request.POST.get("action") == "resend":
        resend = PhoneForm({"phone": phone})
        if resend.is_valid() and _send_code(request, resend, purpose):
            request.session[PENDING_KEY]["next"] = pending.get("next", "")
            messages.success(request, _("验证码已重新发送"))
            return redirect(request.path)
        resend_errors = [str(error) for error in resend.errors.get("phone", ())]
    elif request.method == "POST":
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                if purpose == OneTimeCodePurpose.SIGN_UP:
                    person = persons.sign_up(phone, form.cleaned_data["code"])
                else:
                    person = persons.log_in_with_code(phone, form.cleaned_data["code"])
            except TongbanError as error:
                form.show_refusal(error)
            else:
                del request.session[PENDING_KEY]
                persons.open_session(request, person, method="sms_code")
                if purpose == OneTimeCodePurpose.SIGN_UP:
                    messages.success(request, _("注册成功，您已达到一级实名认证（手机号码已验证）"))
                return redirect(_next_url(request, pending.get("next")))
    return render(request, "portal/account/code.html", {
        "form": form, "purpose": purpose, "masked_phone": mask_phone(phone),
        "sandbox_code": _sandbox_notice(phone), "start": start, "resend_errors": resend_errors,
    })


def _sandbox_notice(phone: str) -> str | None:
    """The code the SMS sandbox "sent", shown only in development (DEBUG with the sandbox gateway)."""
    if not settings.DEBUG or not gateway_is_sandbox(adapter("sms")):
        return None
    return one_time_codes.sandbox_code(phone)


@require_http_methods(["GET", "HEAD", "POST"])
def signup_code(request: HttpRequest) -> HttpResponse:
    """Step 2 of sign-up: the code creates the account at level 1 and logs in."""
    return _code_step(request, OneTimeCodePurpose.SIGN_UP)


@require_http_methods(["GET", "HEAD", "POST"])
def login_page(request: HttpRequest) -> HttpResponse:
    """Login by SMS code (``?method=code``, the default) or by phone and password (``?method=password``)."""
    next_url = request.POST.get("next") or request.GET.get("next", "")
    if request.user.is_authenticated:
        return redirect(_next_url(request, next_url))
    method = request.POST.get("method") or request.GET.get("method") or "code"
    method = method if method in ("code", "password") else "code"
    code_form, password_form = PhoneForm(), PasswordLoginForm()
    if request.method == "POST" and method == "code":
        code_form = PhoneForm(request.POST)
        if code_form.is_valid() and _send_code(request, code_form, OneTimeCodePurpose.LOGIN):
            return redirect("account:login_code")
    elif request.method == "POST":
        password_form = PasswordLoginForm(request.POST)
        if password_form.is_valid():
            data = password_form.cleaned_data
            try:
                persons.log_in_with_password(request, data["phone"], data["password"])
            except TongbanError as error:
                password_form.show_refusal(error)
            else:
                return redirect(_next_url(request, next_url))
    return render(request, "portal/account/login.html", {
        "method": method, "code_form": code_form, "password_form": password_form, "next": next_url,
    })


@require_http_methods(["GET", "HEAD", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """Step 2 of code login."""
    return _code_step(request, OneTimeCodePurpose.LOGIN)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """End the session (POST only) and go back to the portal home page."""
    sessions.forget_session(request)
    logout(request)
    messages.info(request, _("您已安全退出"))
    return redirect("portal:home")


def _home(request: HttpRequest, *, status: int = 200, **forms: Any) -> HttpResponse:
    """"My account" with the holder's own data unmasked, the levels, and the forms that fit the level reached."""
    try:
        person = persons.person_of(request.user)
    except TongbanError as error:
        return render(request, "portal/account/not_person.html", {"refusal": error}, status=403)
    level = person.real_name_level
    levels = [{"number": number, "label": real_name.LEVEL_LABELS[number], "how": LEVEL_HOW[number],
               "reached": level >= number} for number in range(1, 5)]
    context = {
        "person": person, "data": personal_data.holder_view(person), "level": level,
        "level_label": real_name.LEVEL_LABELS[level], "levels": levels,
        "has_password": person.user.has_usable_password(),
        "checks": person.real_name_checks.order_by("-checked_at", "-id")[:10],
        "resident_form": forms.get("resident_form") or ResidentLevelForm(),
        "foreigner_form": forms.get("foreigner_form") or ForeignerLevelForm(),
        "bank_card_form": forms.get("bank_card_form") or BankCardForm(initial={"phone": person.phone}),
        "face_form": forms.get("face_form") or FaceForm(),
        "password_form": forms.get("password_form") or PasswordForm(),
        "face_sample": level == 2 and real_name.sandbox_face_sample(request.user) is not None,
    }
    return render(request, "portal/account/home.html", context, status=status)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """"My account"."""
    return _login_required(request) or _home(request)


def _level_action(request: HttpRequest, form_class: type, form_name: str, call: Any,
                  success: str | StrPromise) -> HttpResponseBase:
    refused = _login_required(request)
    if refused is not None:
        return refused
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except TongbanError as error:
            form.show_refusal(error)
        else:
            messages.success(request, success)
            return redirect("account:home")
    return _home(request, status=400, **{form_name: form})


@require_POST
def raise_resident(request: HttpRequest) -> HttpResponseBase:
    """L2 for residents: name and resident ID number against the population registry."""
    return _level_action(request, ResidentLevelForm, "resident_form", lambda data: real_name.raise_to_resident_level(
        request.user, data["full_name"], data["id_number"]), _("已达到二级实名认证（姓名与身份证号码已核验）"))


@require_POST
def raise_foreigner(request: HttpRequest) -> HttpResponseBase:
    """L2 for foreigners (ID-3): passport or permanent residence ID card against the exit-entry registry."""
    return _level_action(request, ForeignerLevelForm, "foreigner_form", lambda data: real_name.raise_to_foreigner_level(
        request.user, data["full_name"], data["document_type"], data["document_number"], data["nationality"],
    ), _("已达到二级实名认证（证件已核验）"))


@require_POST
def raise_bank_card(request: HttpRequest) -> HttpResponseBase:
    """L3 by bank-card four elements."""
    return _level_action(request, BankCardForm, "bank_card_form", lambda data: real_name.raise_by_bank_card(
        request.user, data["card_number"], data["phone"]), _("已达到三级实名认证（银行卡核验）"))


@require_POST
def raise_face(request: HttpRequest) -> HttpResponseBase:
    """L3 by face comparison (an uploaded photo)."""
    return _level_action(request, FaceForm, "face_form", lambda data: real_name.raise_by_face(
        request.user, data["image"].read(real_name.MAX_FACE_BYTES + 1)), _("已达到三级实名认证（人脸识别）"))


@require_safe
def face_sample(request: HttpRequest) -> HttpResponseBase:
    """The sandbox's sample photo of the holder's own document (only while the face check is the sandbox)."""
    refused = _login_required(request)
    if refused is not None:
        return refused
    try:
        sample = real_name.sandbox_face_sample(request.user)
    except TongbanError as error:
        return render(request, "portal/account/not_person.html", {"refusal": error}, status=403)
    if sample is None:
        return render(request, "portal/not_found.html", {"message": _("沙箱人脸样例不可用")}, status=404)
    response = HttpResponse(sample, content_type="image/png")
    response["Content-Disposition"] = 'attachment; filename="sandbox-face.png"'
    return response


@require_POST
def set_password(request: HttpRequest) -> HttpResponseBase:
    """Set or change the account's password; the current session stays logged in, others end."""
    refused = _login_required(request)
    if refused is not None:
        return refused
    form = PasswordForm(request.POST)
    if form.is_valid():
        try:
            data = form.cleaned_data
            person = persons.set_password(request.user, data["password"], data["confirmation"])
        except TongbanError as error:
            form.show_refusal(error)
        else:
            update_session_auth_hash(request, person.user)
            messages.success(request, _("密码已设置，今后也可以用手机号码和密码登录"))
            return redirect("account:home")
    return _home(request, status=400, password_form=form)
