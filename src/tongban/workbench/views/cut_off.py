"""The platform operator's cut-off switch (中断连接, SEC-3) and the webhook deliveries needing attention (PLAT-3).

One page lists the agencies cut off now (each with a restore form), a form to
cut an agency off with its public announcement, and per agency the webhook
deliveries that are retrying, given up or withheld. The services
(``catalogue.services.cut_off``) check the operator role inside each use case;
the page is for platform operators only, so the views check the role before
reading anything, and a refusal changes nothing.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from tongban.agencies.models import Agency
from tongban.cases.services import delivery
from tongban.catalogue.services import cut_off
from tongban.core.errors import TongbanError
from tongban.identity.models import StaffRole
from tongban.identity.services import require_role
from tongban.workbench.forms.base import WorkbenchForm
from tongban.workbench.views.access import apply_refusal, render_page, show_error

TEMPLATE = "workbench/cut_off/page.html"


class CutOffForm(WorkbenchForm):
    """Which agency, why, and the announcement the public sees on its items."""

    agency = forms.ModelChoiceField(
        label=_("接入单位"), queryset=Agency.objects.filter(is_cut_off=False).order_by("path")
    )
    reason = forms.CharField(label=_("中断原因"), widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("记入审计日志；该单位事项暂停受理时向群众展示"))
    announcement_title = forms.CharField(label=_("公告标题"), max_length=200)
    announcement_body = forms.CharField(label=_("公告正文"), widget=forms.Textarea(attrs={"rows": 4}))


class RestoreForm(WorkbenchForm):
    """Why service resumes: published as the resumption notice."""

    note = forms.CharField(label=_("恢复说明"), max_length=2000)


def _operator_refusal(request: HttpRequest) -> HttpResponse | None:
    """None for a platform operator; otherwise the refusal page (403), before anything is read or changed."""
    try:
        require_role(request.user, StaffRole.PLATFORM_OPERATOR)
    except TongbanError as error:
        return render_page(request, "workbench/refused.html", {"refusal": error}, status=403)
    return None


def _page(request: HttpRequest, form: CutOffForm, refusal: TongbanError | None = None,
          status: int = 200) -> HttpResponse:
    return render_page(request, TEMPLATE, {
        "form": form, "refusal": refusal, "cut_off_agencies": cut_off.cut_off_agencies(),
        "restore_form": RestoreForm(), "attention": delivery.deliveries_needing_attention(),
        "given_up": delivery.given_up(),
    }, status=status)


@require_safe
@login_required
def cut_off_page(request: HttpRequest) -> HttpResponse:
    """The agencies cut off now, the cut-off form and the deliveries needing attention."""
    refused = _operator_refusal(request)
    if refused is not None:
        return refused
    return _page(request, CutOffForm())


@require_POST
@login_required
def cut_off_agency(request: HttpRequest) -> HttpResponse:
    """Cut an agency off at once, publishing its announcement."""
    refused = _operator_refusal(request)
    if refused is not None:
        return refused
    form = CutOffForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    agency = form.cleaned_data["agency"]
    try:
        cut_off.cut_off(request.user, agency, reason=form.cleaned_data["reason"],
                        announcement_title=form.cleaned_data["announcement_title"],
                        announcement_body=form.cleaned_data["announcement_body"])
    except TongbanError as error:
        apply_refusal(form, error)
        return _page(request, form, refusal=error, status=400)
    messages.success(request, _("已中断“%(agency)s”的连接，并发布公告") % {"agency": agency.name})
    return redirect("workbench:cut_off")


@require_POST
@login_required
def restore_agency(request: HttpRequest, pk: int) -> HttpResponse:
    """Reconnect a cut-off agency, publishing the resumption notice."""
    refused = _operator_refusal(request)
    if refused is not None:
        return refused
    agency = get_object_or_404(Agency, pk=pk)
    form = RestoreForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写恢复连接的说明"))
        return redirect("workbench:cut_off")
    try:
        cut_off.restore(request.user, agency, note=form.cleaned_data["note"])
    except TongbanError as error:
        show_error(request, error)
        return redirect("workbench:cut_off")
    messages.success(request, _("已恢复“%(agency)s”的连接") % {"agency": agency.name})
    return redirect("workbench:cut_off")
