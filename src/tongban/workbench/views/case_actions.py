"""The handling actions on a case, by state and role (CASE-2, CASE-3, CASE-4, CASE-7).

Each action names the states it applies in, the roles (over the case's
handling agency or accepting window) whose holders see its form, its form and
the service call. The page shows a form only to those who may use it; the
service checks again when the form is posted, so a posted form of someone
without the role is refused and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tongban.agencies.models import Agency
from tongban.cases.models import Case, CaseState
from tongban.cases.services import handling
from tongban.identity.models import StaffRole
from tongban.workbench.forms.cases import (
    CaseLockForm,
    CorrectionNoticeForm,
    DecideForm,
    DeliverForm,
    PreReviewForm,
    RefuseForm,
)
from tongban.workbench.views.access import holds

Holders = Callable[[Case], list[tuple[StaffRole, Agency | None]]]
Perform = Callable[[Any, Case, Any], object]


def _officers(case: Case) -> list[tuple[StaffRole, Agency | None]]:
    """The handling agency's officers, or the counter staff of the window that took the case (ITEM-13)."""
    return [(StaffRole.CASE_OFFICER, case.handling_agency), (StaffRole.COUNTER_STAFF, case.accepting_agency)]


def _reviewers(case: Case) -> list[tuple[StaffRole, Agency | None]]:
    return [(StaffRole.CASE_OFFICER, case.handling_agency), (StaffRole.APPROVER, case.handling_agency)]


def _approvers(case: Case) -> list[tuple[StaffRole, Agency | None]]:
    return [(StaffRole.APPROVER, case.handling_agency)]


def _handling_officers(case: Case) -> list[tuple[StaffRole, Agency | None]]:
    return [(StaffRole.CASE_OFFICER, case.handling_agency)]


def _always(case: Case) -> bool:
    return True


def _in_pre_review(case: Case) -> bool:
    """The pre-review form is for cases whose running limit is the pre-review opinion (CASE-2)."""
    return case.due_step == "pre_review"


@dataclass(frozen=True)
class CaseAction:
    """One action: when it applies, who sees it, its form, the service it calls and what it tells on success."""

    slug: str
    title: str | Promise
    states: tuple[CaseState, ...]
    holders: Holders
    form_class: type[CaseLockForm]
    perform: Perform
    done: str | Promise
    applies: Callable[[Case], bool] = field(default=_always)

    def form(self, case: Case, data: Any = None) -> CaseLockForm:
        """The action's form for ``case`` (bound to ``data`` when posted), ids unique on the page."""
        extra: dict[str, Any] = {}
        if self.form_class is CorrectionNoticeForm:
            extra["materials"] = case.version.materials.all()
        return self.form_class(data, case=case, auto_id=f"id_{self.slug}_%s", **extra)


_ACCEPTABLE = (CaseState.SUBMITTED, CaseState.PRE_REVIEWED)
ACTIONS: dict[str, CaseAction] = {
    action.slug: action
    for action in (
        CaseAction(
            "pre-review", _("网上预审"), (CaseState.SUBMITTED,), _officers, PreReviewForm,
            lambda user, case, form: handling.pre_review(
                user, case, passed=form.passed, opinion=form.cleaned_data["opinion"], expected_lock=form.expected_lock),
            _("预审意见已提交"), _in_pre_review,
        ),
        CaseAction(
            "accept", _("受理"), _ACCEPTABLE, _officers, CaseLockForm,
            lambda user, case, form: handling.accept(user, case, expected_lock=form.expected_lock),
            _("已受理，决定时限开始计算"),
        ),
        CaseAction(
            "correction", _("一次性告知补正"), _ACCEPTABLE, _officers, CorrectionNoticeForm,
            lambda user, case, form: handling.request_correction(
                user, case, items=form.items(), note=form.cleaned_data["note"], expected_lock=form.expected_lock),
            _("一次性告知书已发出，补正期间暂停计时"),
        ),
        CaseAction(
            "refuse", _("不予受理"), _ACCEPTABLE, _officers, RefuseForm,
            lambda user, case, form: handling.refuse(
                user, case, reasons=form.cleaned_data["reasons"], expected_lock=form.expected_lock),
            _("已作出不予受理决定"),
        ),
        CaseAction(
            "start-review", _("开始审查"), (CaseState.ACCEPTED,), _reviewers, CaseLockForm,
            lambda user, case, form: handling.start_review(user, case, expected_lock=form.expected_lock),
            _("已进入审查"),
        ),
        CaseAction(
            "decide", _("作出决定"), (CaseState.ACCEPTED, CaseState.UNDER_REVIEW), _approvers, DecideForm,
            lambda user, case, form: handling.decide(
                user, case, approve=form.approve, reasons=form.cleaned_data["reasons"],
                effective_on=form.cleaned_data["effective_on"], expires_on=form.cleaned_data["expires_on"],
                retention_class=form.cleaned_data["retention_class"], expected_lock=form.expected_lock),
            _("决定已作出"),
        ),
        CaseAction(
            "issue-result", _("出具结果"),
            (CaseState.APPROVED, CaseState.DENIED, CaseState.FEE_PAID), _handling_officers, CaseLockForm,
            lambda user, case, form: handling.issue_result(user, case, expected_lock=form.expected_lock),
            _("办理结果已出具"),
        ),
        CaseAction(
            "deliver", _("送达"), (CaseState.RESULT_ISSUED,), _officers, DeliverForm,
            lambda user, case, form: handling.deliver(
                user, case, method=form.method_label, expected_lock=form.expected_lock),
            _("已登记送达"),
        ),
        CaseAction(
            "conclude", _("办结"), (CaseState.DELIVERED,), _officers, CaseLockForm,
            lambda user, case, form: handling.conclude(user, case, expected_lock=form.expected_lock),
            _("办件已办结"),
        ),
    )
}


def available(request: HttpRequest, case: Case) -> list[CaseAction]:
    """The actions whose form this user sees on the case now (the service still decides when posted)."""
    return [
        action for action in ACTIONS.values()
        if case.state in action.states and action.applies(case) and any(
            agency is not None and holds(request, role, agency) for role, agency in action.holders(case)
        )
    ]


def action_forms(request: HttpRequest, case: Case, bound: tuple[str, CaseLockForm] | None = None
                 ) -> list[tuple[CaseAction, CaseLockForm]]:
    """Each available action with its form: the posted one where ``bound`` names it, else a fresh one."""
    return [
        (action, bound[1] if bound is not None and bound[0] == action.slug else action.form(case))
        for action in available(request, case)
    ]
