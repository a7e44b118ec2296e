"""The applicant's cases (我的办件, CASE-1, CASE-3): the list, the case page, corrections, withdrawal, messages.

Views read the request and call the case services, which check every
permission and state; a refusal comes back as a message or next to the form it
concerns, with its code. A case is found only among the logged-in person's own
cases: anyone else's number answers 404 and nothing is touched. The apply
wizard lives in :mod:`tongban.portal.case_wizard`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from tongban.cases.errors import CaseError
from tongban.cases.models import (
    WITHDRAWABLE_STATES,
    Case,
    CaseMaterial,
    CaseState,
    Commitment,
    CorrectionNotice,
    Decision,
)
from tongban.cases.services import applications, documents, handling
from tongban.core.errors import TongbanError
from tongban.identity.models import Person
from tongban.identity.services import actor_label
from tongban.identity.services.enterprise_sessions import person_of
from tongban.notifications.models import Notification
from tongban.notifications.services import mark_read
from tongban.portal.case_forms import CorrectionUploadForm, WithdrawForm
from tongban.portal.enterprise_views import applicant_login_required

CASES_PAGE_SIZE = 20
DRAFTS_SHOWN = 20
MESSAGES_PAGE_SIZE = 20
ViewFunction = Callable[..., HttpResponseBase]

# How the timeline names each step (the action codes the case services record).
ACTION_LABELS = {
    "draft_started": gettext_lazy("开始填写申请"), "submitted": gettext_lazy("提交申请"),
    "pre_reviewed": gettext_lazy("预审通过"), "accepted": gettext_lazy("受理"), "refused": gettext_lazy("不予受理"),
    "correction_requested": gettext_lazy("一次性告知补正"), "correction_answered": gettext_lazy("提交补正材料"),
    "review_started": gettext_lazy("开始审查"), "approved": gettext_lazy("准予许可"),
    "denied": gettext_lazy("不予许可"), "result_issued": gettext_lazy("出具办理结果"),
    "delivered": gettext_lazy("结果送达"), "concluded": gettext_lazy("办结"), "withdrawn": gettext_lazy("申请人撤回"),
}
DEADLINE_BADGES = {"on_time": "badge--green", "warning": "badge--red", "overdue": "badge--red", "paused": "badge--grey"}
STATE_BADGES = {
    "draft": "badge--grey", "correction_requested": "badge--red", "refused": "badge--red", "denied": "badge--red",
    "withdrawn": "badge--grey", "approved": "badge--green", "result_issued": "badge--green",
    "delivered": "badge--green", "concluded": "badge--green",
}


def _page_number(request: HttpRequest) -> int:
    """The ``page`` parameter as a positive number (anything else is page 1; past the end is the last page)."""
    try:
        return max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        return 1


def _page_window(current: int, last: int, width: int = 2) -> list[int]:
    """Page numbers around the current one, plus the first and last."""
    return sorted({1, last, *range(max(1, current - width), min(last, current + width) + 1)})


def refusal_text(error: TongbanError) -> str:
    """A refusal as the pages show it: the message in the user's language and its code."""
    return f"{error.message}（{error.code}）"


def with_person(view: ViewFunction) -> ViewFunction:
    """Pass the logged-in applicant's Person; accounts without one (staff) get a page saying so."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        person = person_of(request.user)
        if person is None:
            message = _("办件需要使用个人账号登录办理；工作人员请在工作台办理")
            return render(request, "portal/cases/refused.html", {"message": message}, status=403)
        return view(request, person, *args, **kwargs)

    wrapped.__doc__ = view.__doc__
    wrapped.__name__ = view.__name__
    return wrapped


def own_case(person: Person, number: str) -> Case | None:
    """The person's case with this number (with what every case page shows), or None."""
    return Case.objects.select_related(
        "item__basic_item", "item__agency", "version", "handling_agency", "accepting_agency", "enterprise",
        "applicant__user",
    ).filter(number=number, applicant=person).first()


def case_not_found(request: HttpRequest, number: str) -> HttpResponse:
    """The 404 page for a number that is not one of the person's cases (someone else's looks the same)."""
    error = TongbanError(CaseError.NOT_YOUR_CASE, number=number)
    return render(request, "portal/not_found.html", {"message": error.message, "code": error.code}, status=404)


def _decorate(case: Case) -> Case:
    case.deadline_badge = DEADLINE_BADGES.get(case.deadline_status, "")  # type: ignore[attr-defined]
    case.state_badge = STATE_BADGES.get(case.state, "badge--blue")  # type: ignore[attr-defined]
    return case


@require_safe
@applicant_login_required
@with_person
def my_cases(request: HttpRequest, person: Person) -> HttpResponse:
    """My drafts (to continue) and my filed cases, newest first, with state, item, due date and its status."""
    mine = Case.objects.filter(applicant=person).select_related("item__basic_item").order_by("-created_at", "-id")
    drafts = [_decorate(case) for case in mine.filter(state=CaseState.DRAFT)[:DRAFTS_SHOWN]]
    paginator = Paginator(mine.exclude(state=CaseState.DRAFT), CASES_PAGE_SIZE)
    page = paginator.get_page(_page_number(request))
    return render(request, "portal/cases/list.html", {
        "drafts": drafts, "drafts_limit": DRAFTS_SHOWN, "page_obj": page,
        "cases": [_decorate(case) for case in page.object_list],
        "page_numbers": _page_window(page.number, paginator.num_pages),
    })


def _timeline(case: Case, person: Person) -> list[Any]:
    """The case's events in order, each with its label; the applicant's own steps say "本人" instead of the account."""
    mine = actor_label(person.user)
    events = list(case.events.all())
    for event in events:
        event.label = str(ACTION_LABELS.get(event.action) or CaseState(event.to_state).label)  # type: ignore[attr-defined]
        event.state_label = CaseState(event.to_state).label  # type: ignore[attr-defined]
        event.who = _("本人") if event.actor_label == mine else event.actor_label  # type: ignore[attr-defined]
    return events


def _current_notice(case: Case, materials: list[CaseMaterial], errors: dict[str, str]) -> CorrectionNotice | None:
    """The unanswered notice, each item marked with whether the material was replaced since it was issued."""
    if case.state != CaseState.CORRECTION_REQUESTED:
        return None
    notice = case.correction_notices.prefetch_related("items__guide_material").order_by("-issued_at", "-id").first()
    if notice is None:
        return None
    by_material = {row.guide_material_id: row for row in materials}
    for item in notice.items.all():
        row = by_material.get(item.guide_material_id)
        item.provided = row  # type: ignore[attr-defined]
        item.corrected = row is not None and row.updated_at > notice.issued_at  # type: ignore[attr-defined]
        item.error = errors.get(item.guide_material.code, "")  # type: ignore[attr-defined]
    return notice


def detail_page(request: HttpRequest, case: Case, *, correction_errors: dict[str, str] | None = None,
                withdraw_form: WithdrawForm | None = None, status: int = 200) -> HttpResponse:
    """The case page: timeline, materials, the current correction notice, the decision and withdrawal."""
    materials = list(case.materials.select_related("guide_material", "document_version__document")
                     .order_by("guide_material__position", "guide_material_id"))
    notices = list(case.correction_notices.prefetch_related("items__guide_material").order_by("issued_at", "id"))
    return render(request, "portal/cases/detail.html", {
        "case": _decorate(case), "events": _timeline(case, case.applicant), "materials": materials,
        "notice": _current_notice(case, materials, correction_errors or {}),
        "past_notices": [notice for notice in notices if notice.answered_at is not None],
        "decision": Decision.objects.filter(case=case).first(),
        "commitment": Commitment.objects.filter(case=case).prefetch_related("replaced_materials").first(),
        "correction_form": CorrectionUploadForm(),
        "can_withdraw": case.state in WITHDRAWABLE_STATES, "withdraw_form": withdraw_form or WithdrawForm(),
        "is_draft": case.state == CaseState.DRAFT,
    }, status=status)


@require_safe
@applicant_login_required
@with_person
def case_page(request: HttpRequest, person: Person, number: str) -> HttpResponse:
    """One of my cases."""
    case = own_case(person, number)
    if case is None:
        return case_not_found(request, number)
    return detail_page(request, case)


def _corrected_version(person: Person, case: Case, code: str, uploaded: Any) -> Any:
    """Store the corrected file: the next version of the material's document, or a new library document."""
    row = case.materials.select_related("document_version__document", "guide_material").filter(
        guide_material__code=code).first()
    material = row.guide_material if row is not None else case.version.materials.get(code=code)
    if row is not None and row.document_version is not None:
        version = documents.add_version(person, row.document_version.document, uploaded)
    else:
        version = documents.store_upload(person, uploaded, title=material.name, material_name=material.name,
                                         enterprise=case.enterprise)
    unchanged = row is not None and row.document_version_id == version.pk
    return None if unchanged else version


@require_POST
@applicant_login_required
@with_person
def upload_correction(request: HttpRequest, person: Person, number: str, code: str) -> HttpResponse:
    """Upload the corrected file for one item of the current correction notice (CASE-3)."""
    case = own_case(person, number)
    if case is None:
        return case_not_found(request, number)
    notice = case.correction_notices.order_by("-issued_at", "-id").first()
    named = notice is not None and notice.items.filter(guide_material__code=code).exists()
    if case.state != CaseState.CORRECTION_REQUESTED or not named:
        messages.error(request, _("材料 {code} 不在当前的补正告知书中").format(code=code))
        return redirect("cases:detail", number=case.number)
    form = CorrectionUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return detail_page(request, case, correction_errors={code: _("请选择更正后的文件")}, status=400)
    try:
        version = _corrected_version(person, case, code, form.cleaned_data["file"])
        if version is None:
            return detail_page(request, case, correction_errors={
                code: _("上传的文件与原来提交的材料相同，请上传更正后的材料")}, status=400)
        applications.attach_document(request.user, case, code, version)
    except TongbanError as error:
        return detail_page(request, case, correction_errors={code: refusal_text(error)}, status=400)
    messages.success(request, _("已上传更正后的材料（第{number}版），原来的版本仍然保留").format(number=version.number))
    return redirect("cases:detail", number=case.number)


@require_POST
@applicant_login_required
@with_person
def answer_correction(request: HttpRequest, person: Person, number: str) -> HttpResponse:
    """Hand in the correction once every named material is replaced; the time limit resumes."""
    case = own_case(person, number)
    if case is None:
        return case_not_found(request, number)
    try:
        handling.answer_correction(request.user, case)
    except TongbanError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, _("补正材料已提交，办件回到受理环节"))
    return redirect("cases:detail", number=case.number)


@require_POST
@applicant_login_required
@with_person
def withdraw(request: HttpRequest, person: Person, number: str) -> HttpResponse:
    """Withdraw my application while it is still allowed (before the decision)."""
    case = own_case(person, number)
    if case is None:
        return case_not_found(request, number)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return detail_page(request, case, withdraw_form=form, status=400)
    try:
        handling.withdraw(request.user, case, reason=form.cleaned_data["reason"])
    except TongbanError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, _("申请已撤回"))
    return redirect("cases:detail", number=case.number)


@require_safe
@applicant_login_required
@with_person
def my_messages(request: HttpRequest, person: Person) -> HttpResponse:
    """My messages, newest first; the ones shown are marked read."""
    paginator = Paginator(Notification.objects.filter(person=person).order_by("-created_at", "-id"),
                          MESSAGES_PAGE_SIZE)
    page = paginator.get_page(_page_number(request))
    shown = list(page.object_list)
    for notification in shown:
        notification.was_unread = notification.read_at is None  # type: ignore[attr-defined]
        if notification.was_unread:  # type: ignore[attr-defined]
            mark_read(person, notification)
    return render(request, "portal/cases/messages.html", {
        "notifications": shown, "page_obj": page, "page_numbers": _page_window(page.number, paginator.num_pages),
    })

