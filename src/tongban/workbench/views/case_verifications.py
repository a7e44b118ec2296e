"""Post-verification of commitments (告知承诺 事后核查, CASE-8): the agency's worklist and the finding form.

Officers and approvers see the open tasks of the agencies their roles cover,
the earliest deadline first with overdue ones marked, and record each finding
(true / untrue, with the reasons). ``cases.services.verification`` checks the
role over the task's agency again, so a posted form of someone outside that
agency is refused and changes nothing.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from tongban.cases.models import PostVerificationTask
from tongban.cases.services import verification
from tongban.core.errors import TongbanError
from tongban.workbench.forms.base import WorkbenchForm
from tongban.workbench.views.access import apply_refusal, coverage_q, render_page

TEMPLATE = "workbench/cases/verifications.html"
FINISHED_SHOWN = 20


class FindingForm(WorkbenchForm):
    """The finding: true or untrue, and what was checked."""

    outcome = forms.ChoiceField(label=_("核查结论"), widget=forms.RadioSelect,
                                choices=[("confirmed", _("核查属实")), ("breached", _("承诺不实"))])
    finding = forms.CharField(label=_("核查情况"), max_length=verification.FINDING_MAX_LENGTH,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("写明核查方式、核查的材料或数据来源和结论依据"))


def _page(request: HttpRequest, *, bound: tuple[int, FindingForm] | None = None,
          refusal: TongbanError | None = None, status: int = 200) -> HttpResponse:
    scope = coverage_q(request, verification.VERIFYING_ROLES)
    today = timezone.localdate()
    tasks = list(verification.open_tasks(scope))
    rows = [
        {"task": task, "overdue": verification.is_overdue(task, today),
         "form": bound[1] if bound and bound[0] == task.pk else FindingForm(prefix=f"task-{task.pk}")}
        for task in tasks
    ]
    return render_page(request, TEMPLATE, {
        "rows": rows, "finished": list(verification.finished_tasks(scope)[:FINISHED_SHOWN]),
        "refusal": refusal, "current": "verifications",
    }, status=status)


@require_safe
@login_required
def verification_list(request: HttpRequest) -> HttpResponse:
    """The open verification tasks in the user's scope, and the latest findings."""
    return _page(request)


@require_POST
@login_required
def record_finding(request: HttpRequest, pk: int) -> HttpResponse:
    """Record one task's finding; a refusal shows why and changes nothing."""
    task = PostVerificationTask.objects.filter(pk=pk).first()
    if task is None:
        raise Http404
    form = FindingForm(request.POST, prefix=f"task-{pk}")
    if not form.is_valid():
        return _page(request, bound=(pk, form), status=400)
    try:
        verification.record_finding(request.user, task, confirmed=form.cleaned_data["outcome"] == "confirmed",
                                    finding=form.cleaned_data["finding"])
    except TongbanError as error:
        apply_refusal(form, error)
        return _page(request, bound=(pk, form), refusal=error, status=403 if error.code.startswith("IDENTITY") else 400)
    messages.success(request, _("已记录核查结论"))
    return redirect("workbench:verifications")
