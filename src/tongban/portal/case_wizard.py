"""The apply wizard (在线申请, CASE-1, CASE-5, CASE-8, PLAT-1): start a draft, then four steps.

``/cases/apply/<implementation_code>/`` starts a draft on the channel the
request came through (PLAT-1): the self-service terminal's session (``?kiosk=1``
marks it), a mobile browser, or the PC portal; while the session acts for an
enterprise the draft is filed through that grant (ID-4). The steps on
``/cases/<number>/edit/?step=…`` are: situation questions, the application form
(generated from the version's JSON Schema), the materials (upload, reuse from the
material library, fetched by the platform, or a commitment), and review and
submit. Every step saves the draft, so the applicant can leave and continue from
"我的办件". Everything works without JavaScript.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from tongban.cases.models import Case, CaseState, Channel
from tongban.cases.services import applications
from tongban.catalogue.services import queries
from tongban.catalogue.services.lifecycle import accepting_refusal_reason
from tongban.core.errors import TongbanError, ValidationProblems
from tongban.identity.models import Person
from tongban.identity.services.enterprises import current_grant
from tongban.portal import case_materials
from tongban.portal.case_forms import SituationForm
from tongban.portal.case_views import case_not_found, own_case, refusal_text, with_person
from tongban.portal.enterprise_views import applicant_login_required
from tongban.portal.schema_forms import attach_problems, bound_from_stored, form_class_for

# A browser on a phone or tablet (PLAT-1); a simple match is enough to record the channel.
MOBILE_AGENT = re.compile(r"Mobile|Android|iPhone|iPad|iPod|HarmonyOS|Windows Phone|MicroMessenger", re.IGNORECASE)
# The self-service terminal opens the portal with ?kiosk=1 and keeps the flag in its session.
KIOSK_SESSION_KEY = "portal_kiosk"
PROBLEMS_SESSION_KEY = "case_form_problems:{number}"
STEP_LABELS = {
    "situations": gettext_lazy("办理情形"), "form": gettext_lazy("填写申请表"),
    "materials": gettext_lazy("提交材料"), "review": gettext_lazy("确认提交"),
}


def remember_kiosk(request: HttpRequest) -> None:
    """``?kiosk=1`` marks the session as the self-service terminal's, ``?kiosk=0`` clears the mark."""
    flag = request.GET.get("kiosk")
    if flag == "1":
        request.session[KIOSK_SESSION_KEY] = True
    elif flag == "0":
        request.session.pop(KIOSK_SESSION_KEY, None)


def channel_of(request: HttpRequest) -> Channel:
    """The channel this request came through: kiosk session, mobile browser, else the PC portal."""
    if request.session.get(KIOSK_SESSION_KEY):
        return Channel.KIOSK
    if MOBILE_AGENT.search(request.META.get("HTTP_USER_AGENT", "")):
        return Channel.MOBILE
    return Channel.PC


@require_http_methods(["GET", "POST"])
@applicant_login_required
@with_person
def apply(request: HttpRequest, person: Person, implementation_code: str) -> HttpResponse:
    """Start an application for the item (POST), after showing what will be recorded (GET)."""
    remember_kiosk(request)
    try:
        item = queries.published_item(implementation_code)
    except TongbanError as error:
        return render(request, "portal/not_found.html", {"message": error.message, "code": error.code}, status=404)
    grant = current_grant(request)
    channel = channel_of(request)
    error_text = ""
    if request.method == "POST":
        try:
            case = applications.start_draft(request.user, item, channel=channel, enterprise_grant=grant)
        except TongbanError as error:
            error_text = refusal_text(error)
        else:
            messages.success(request, _("已创建申请草稿 {number}，填写内容会自动保存").format(number=case.number))
            return redirect("cases:edit", number=case.number)
    drafts = Case.objects.filter(applicant=person, item=item, state=CaseState.DRAFT).order_by("-created_at")[:10]
    return render(request, "portal/cases/apply.html", {
        "item": item, "version": item.published_version, "channel": channel, "grant": grant,
        "drafts": list(drafts), "refusal": accepting_refusal_reason(item), "error_text": error_text,
    }, status=400 if error_text else 200)


def _steps(case: Case) -> list[tuple[str, str]]:
    codes = ["form", "materials", "review"]
    if case.version.situation_questions.exists():
        codes.insert(0, "situations")
    return [(code, str(STEP_LABELS[code])) for code in codes]


def _step_url(case: Case, step: str) -> str:
    return f"{reverse('cases:edit', kwargs={'number': case.number})}?step={step}"


def _wizard(request: HttpRequest, case: Case, steps: list[tuple[str, str]], step: str, template: str,
            context: dict[str, Any], status: int = 200) -> HttpResponse:
    codes = [code for code, _label in steps]
    position = codes.index(step)
    return render(request, f"portal/cases/{template}", {
        "case": case, "item": case.item, "steps": steps, "step": step, "step_number": position + 1,
        "previous_url": _step_url(case, codes[position - 1]) if position > 0 else "", **context,
    }, status=status)


def _situations(request: HttpRequest, person: Person, case: Case, steps: list[tuple[str, str]]) -> HttpResponse:
    questions = list(case.version.situation_questions.prefetch_related("options"))
    if request.method == "POST":
        form = SituationForm(request.POST, questions=questions)
        if form.is_valid():
            applications.save_draft(request.user, case, situation_answers=form.answers())
            return redirect(_step_url(case, "form"))
    else:
        form = SituationForm(initial=SituationForm.initial_from(case.situation_answers), questions=questions)
    return _wizard(request, case, steps, "situations", "edit_situations.html", {"form": form},
                   status=400 if form.is_bound else 200)


def _form(request: HttpRequest, person: Person, case: Case, steps: list[tuple[str, str]]) -> HttpResponse:
    form_class = form_class_for(case.version.form_schema, enforce_required=False)
    problems_key = PROBLEMS_SESSION_KEY.format(number=case.number)
    unplaced: list[str] = []
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            applications.save_draft(request.user, case, form_data=form.form_data())
            request.session.pop(problems_key, None)
            reused = case_materials.reuse_from_library(request, person, case)
            messages.success(request, _("申请表已保存"))
            if reused:
                messages.info(request, _("以下材料已从您的材料库中直接选用，无需再次上传：{names}").format(
                    names="、".join(reused)))
            return redirect(_step_url(case, "materials"))
    elif request.session.get(problems_key):
        form = bound_from_stored(form_class, case.form_data)
        unplaced = attach_problems(form, request.session[problems_key])
    else:
        form = form_class(initial=case.form_data)
    return _wizard(request, case, steps, "form", "edit_form.html", {"form": form, "unplaced": unplaced},
                   status=400 if request.method == "POST" else 200)


def _materials(request: HttpRequest, person: Person, case: Case, steps: list[tuple[str, str]]) -> HttpResponse:
    errors: dict[str, str] = {}
    if request.method == "POST":
        code, error = case_materials.act(request, person, case)
        if error is None:
            return redirect(f"{_step_url(case, 'materials')}#material-{code}")
        errors[code] = error
    rows = case_materials.rows(person, case, errors)
    return _wizard(request, case, steps, "materials", "edit_materials.html", {
        "rows": rows, "fetch_note": case_materials.FETCH_NOTE,
    }, status=400 if errors else 200)


def _review(request: HttpRequest, person: Person, case: Case, steps: list[tuple[str, str]]) -> HttpResponse:
    problems_key = PROBLEMS_SESSION_KEY.format(number=case.number)
    error_text = ""
    if request.method == "POST":
        try:
            applications.submit(request.user, case)
        except ValidationProblems as problems:
            request.session[problems_key] = problems.problems
            error_text = refusal_text(problems)
        except TongbanError as error:
            error_text = refusal_text(error)
        else:
            request.session.pop(problems_key, None)
            messages.success(request, _("申请已提交，办件编号 {number}").format(number=case.number))
            return redirect("cases:detail", number=case.number)
    case.refresh_from_db()
    summary = case_materials.review_summary(case, request.session.get(problems_key) or [])
    return _wizard(request, case, steps, "review", "edit_review.html", {
        "error_text": error_text, "form_url": _step_url(case, "form"),
        "materials_url": _step_url(case, "materials"), **summary,
    }, status=400 if error_text else 200)


STEP_VIEWS = {"situations": _situations, "form": _form, "materials": _materials, "review": _review}


@require_http_methods(["GET", "POST"])
@applicant_login_required
@with_person
def edit(request: HttpRequest, person: Person, number: str) -> HttpResponse:
    """One step of the wizard for one of my drafts (``?step=``; the first step by default)."""
    case = own_case(person, number)
    if case is None:
        return case_not_found(request, number)
    if case.state != CaseState.DRAFT:
        messages.info(request, _("办件已提交，不能再修改申请内容"))
        return redirect("cases:detail", number=case.number)
    steps = _steps(case)
    codes = [code for code, _label in steps]
    step = request.GET.get("step", "")
    step = step if step in codes else codes[0]
    try:
        return STEP_VIEWS[step](request, person, case, steps)
    except TongbanError as error:  # the draft changed state meanwhile, or the service refused the step
        messages.error(request, refusal_text(error))
        return redirect("cases:detail", number=case.number)
