"""The security administrator's page (三员分立): locks, the login log, unlocking and authenticator resets.

``identity.services.security`` checks the role (for the whole platform) and
records every change; these views only read forms and show the outcome.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from tongban.core.errors import TongbanError
from tongban.identity.services import security
from tongban.workbench.forms.staff_admin import ReasonForm, UnlockForm
from tongban.workbench.views.access import render_page, show_error
from tongban.workbench.views.staff_admin import admin_refusal, staff_member


def _policy() -> list[tuple[str, str]]:
    """The security settings in force, as the page lists them (set by the operator through TONGBAN_* variables)."""
    return [
        (str(_("密码连续错误锁定")), str(_("%(failures)s次，按用户名和IP地址分别计数，锁定%(minutes)s分钟"))
         % {"failures": settings.AXES_FAILURE_LIMIT, "minutes": settings.TONGBAN_LOCKOUT_MINUTES}),
        (str(_("动态码连续错误锁定")), str(_("%(failures)s次，锁定%(minutes)s分钟"))
         % {"failures": settings.TONGBAN_LOCKOUT_FAILURES, "minutes": settings.TONGBAN_LOCKOUT_MINUTES}),
        (str(_("空闲超时")), str(_("%(minutes)s分钟")) % {"minutes": settings.TONGBAN_SESSION_IDLE_SECONDS // 60}),
        (str(_("登录有效期")), str(_("%(hours)s小时")) % {"hours": settings.TONGBAN_SESSION_ABSOLUTE_SECONDS // 3600}),
        (str(_("第二重验证")), str(_("所有工作人员账号须使用 TOTP 动态码"))),
    ]


@require_safe
@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Current locks, recent logins and failures, the policy in force, and the unlock form."""
    try:
        log = security.login_log(request.user)
    except TongbanError as error:
        return render_page(request, "workbench/refused.html", {"refusal": error}, status=403)
    return render_page(request, "workbench/security/overview.html", {
        "log": log, "policy": _policy(), "unlock_form": UnlockForm(),
    })


@require_POST
@login_required
def unlock(request: HttpRequest) -> HttpResponse:
    """Lift a lock on a username and/or an IP address."""
    form = UnlockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请检查填写的内容：%(errors)s") % {"errors": form.errors.as_text()})
        return redirect("workbench:security")
    try:
        security.unlock(request.user, **form.cleaned_data)
    except TongbanError as error:
        show_error(request, error)
    else:
        messages.success(request, _("已解除锁定"))
    return redirect("workbench:security")


@require_POST
@login_required
def reset_second_factor(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a staff member's authenticator (lost phone); they bind a new one at their next login."""
    refused = admin_refusal(request)
    if refused is not None:
        return refused
    member = staff_member(request, pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        security.reset_second_factor(request.user, member, form.cleaned_data.get("reason", ""))
    except TongbanError as error:
        show_error(request, error)
    else:
        messages.success(request, _("已重置身份验证器，其登录会话已结束；下次登录时需重新绑定"))
    return redirect("workbench:staff_detail", pk=member.pk)
