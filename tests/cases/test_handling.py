"""A case's whole life: apply, accept, correct, decide, deliver, conclude (CASE-1 … CASE-8, PLAT-1, ITEM-13)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import override_settings

from tests.cases.builders import FORM, ready_draft, scene, submitted, upload
from tests.factories import AgencyFactory, staff
from tests.identity.factories import PersonFactory
from tongban.cases.models import (
    Case,
    CaseEvent,
    CaseState,
    Channel,
    CorrectionNotice,
    DeadlineStatus,
    DecisionOutcome,
    MaterialProvision,
    PostVerificationTask,
)
from tongban.cases.services import applications, deadlines, handling
from tongban.cases.tasks import refresh_case_deadlines
from tongban.core.errors import TongbanError, ValidationProblems
from tongban.identity.models import StaffRole
from tongban.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_case_1_plat_1_the_whole_life_online():
    """CASE-1, PLAT-1: apply online, accept, review, decide, issue, deliver, conclude; each step on the timeline."""
    the = scene()
    case = submitted(the)
    assert (case.state, case.channel, case.due_step) == (CaseState.SUBMITTED, Channel.PC, "acceptance")
    handling.accept(the.officer, case)
    handling.start_review(the.officer, case)
    decision = handling.decide(the.approver, case, approve=True, reasons="符合条件")
    handling.issue_result(the.officer, case)
    handling.deliver(the.officer, case, method="electronic")
    handling.conclude(the.officer, case)
    case.refresh_from_db()
    assert case.state == CaseState.CONCLUDED
    assert (decision.outcome, decision.remedy_notice) == (DecisionOutcome.APPROVED, "")
    assert list(case.events.values_list("action", flat=True)) == [
        "draft_started", "submitted", "accepted", "review_started", "approved", "result_issued", "delivered",
        "concluded",
    ]
    assert Notification.objects.filter(person=the.applicant).count() == 5


def test_case_4_decision_limit_counts_working_days_after_acceptance():
    """CASE-4: the decision is due by the promised limit (5 working days), counted from the day after acceptance."""
    the = scene()
    # Friday 2026-06-05, before the Dragon Boat holiday (2026-06-19 is a holiday)
    with time_machine.travel(datetime.datetime(2026, 6, 12, 10, 0, tzinfo=datetime.UTC), tick=False):
        case = submitted(the)
        handling.accept(the.officer, case)
    case.refresh_from_db()
    assert case.due_on == datetime.date(2026, 6, 22)  # 15, 16, 17, 18, (19 holiday), 22
    assert case.warning_on == datetime.date(2026, 6, 18)


def test_case_2_pre_review_opinion_due_in_two_working_days():
    """CASE-2: a pre-review item gets its opinion within 2 working days, and the opinion tells the next steps."""
    the = scene(online_depth="online_prereview", in_person_trips=1)
    with time_machine.travel(datetime.datetime(2026, 6, 5, 10, 0, tzinfo=datetime.UTC), tick=False):
        case = submitted(the)
    assert (case.due_step, case.due_on) == ("pre_review", datetime.date(2026, 6, 9))
    handling.pre_review(the.officer, case, passed=True, opinion="材料齐全，请携带原件到窗口受理")
    case.refresh_from_db()
    assert (case.state, case.due_step) == (CaseState.PRE_REVIEWED, "acceptance")


def test_case_3_one_notice_lists_every_defect_and_time_pauses():
    """CASE-3: one notice lists every defective material at once; the applicant's correction time does not count."""
    the = scene()
    with time_machine.travel(datetime.datetime(2026, 6, 1, 10, 0, tzinfo=datetime.UTC), tick=False):
        case = submitted(the, answers={"Q1": ["B"]})
        due = case.due_on
        notice = handling.request_correction(the.officer, case, items=[
            ("M02", "身份证照片不清晰"), ("M03", "授权委托书缺少签字")])
    assert [item.guide_material.code for item in notice.items.all()] == ["M02", "M03"]
    case.refresh_from_db()
    assert (case.state, case.deadline_status) == (CaseState.CORRECTION_REQUESTED, DeadlineStatus.PAUSED)
    # when the applicant answers three working days later, having replaced both
    with time_machine.travel(datetime.datetime(2026, 6, 4, 10, 0, tzinfo=datetime.UTC), tick=False):
        for code in ("M02", "M03"):
            replacement = upload(the.applicant, f"{code} 补正", b"%PDF new")
            applications.attach_document(the.applicant.user, case, code, replacement)
        handling.answer_correction(the.applicant.user, case)
    case.refresh_from_db()
    # then the limit moved on by the three working days the applicant used
    assert (case.state, case.paused_working_days) == (CaseState.SUBMITTED, 3)
    assert case.due_on == deadlines.add_workdays(due, 3)


def test_case_3_answer_must_replace_every_named_material():
    the = scene()
    case = submitted(the, answers={"Q1": ["B"]})
    handling.request_correction(the.officer, case, items=[("M02", "不清晰"), ("M03", "缺签字")])
    applications.attach_document(the.applicant.user, case, "M02", upload(the.applicant, "新身份证", b"%PDF x"))
    with pytest.raises(TongbanError) as refusal:
        handling.answer_correction(the.applicant.user, case)
    assert refusal.value.code == "CASE_CORRECTION_UNANSWERED"
    assert "授权委托书" in refusal.value.message


def test_case_4_nothing_outside_the_guide_can_be_demanded_or_asked_twice():
    """CASE-4: a notice may only name guide materials; a later notice only materials changed in the correction."""
    the = scene()
    case = submitted(the, answers={"Q1": ["B"]})
    with pytest.raises(TongbanError) as refusal:
        handling.request_correction(the.officer, case, items=[("M02", "不清晰"), ("X99", "户口本")])
    assert refusal.value.code == "CASE_MATERIAL_NOT_IN_GUIDE"
    assert CorrectionNotice.objects.count() == 0
    handling.request_correction(the.officer, case, items=[("M02", "不清晰")])
    applications.attach_document(the.applicant.user, case, "M02", upload(the.applicant, "新身份证", b"%PDF y"))
    handling.answer_correction(the.applicant.user, case)
    with pytest.raises(TongbanError) as refusal:
        handling.request_correction(the.officer, case, items=[("M03", "缺签字")])
    assert refusal.value.code == "CASE_CORRECTION_NOT_CHANGED"
    assert CorrectionNotice.objects.count() == 1


def test_denial_carries_the_legal_remedy_deadlines():
    """CASE-1: a denial is its own record with reasons and the reconsideration (60 days) and litigation (6 months)
    deadlines."""
    the = scene()
    case = submitted(the)
    handling.accept(the.officer, case)
    with time_machine.travel(datetime.datetime(2026, 8, 31, 10, 0, tzinfo=datetime.UTC), tick=False):
        decision = handling.decide(the.approver, case, approve=False, reasons="不符合居住登记满半年的条件")
    assert (decision.reconsideration_deadline, decision.litigation_deadline) == (
        datetime.date(2026, 10, 30), datetime.date(2027, 2, 28))
    assert "六十日内" in decision.remedy_notice and the.bureau.name in decision.remedy_notice


def test_case_8_commitment_replaces_proofs_and_creates_post_verification():
    """CASE-8: a signed commitment replaces the named proof; the agency gets a verification task with a deadline."""
    the = scene(materials=[
        {"code": "M01", "name": "申请表", "source": "agency_form", "medium": "electronic"},
        {"code": "M02", "name": "无犯罪记录证明", "source": "government", "medium": "original",
         "commitment_allowed": True},
    ])
    case = applications.start_draft(the.applicant.user, the.item, channel=Channel.MOBILE)
    applications.save_draft(the.applicant.user, case, form_data=FORM)
    applications.attach_document(the.applicant.user, case, "M01", upload(the.applicant, "申请表"))
    with pytest.raises(TongbanError) as refusal:
        applications.sign_commitment(the.applicant.user, case, ["M01"], "本人承诺")
    assert refusal.value.code == "CASE_COMMITMENT_NOT_ALLOWED"
    applications.sign_commitment(the.applicant.user, case, ["M02"], "本人承诺无犯罪记录，如有不实愿承担法律责任")
    applications.submit(the.applicant.user, case)
    task = PostVerificationTask.objects.get()
    assert (task.agency, task.commitment.case) == (the.bureau, case)
    assert case.materials.get(guide_material__code="M02").provision == MaterialProvision.COMMITMENT


def test_submission_checks_the_form_and_the_materials_at_once():
    """The form is checked against the version's JSON Schema; missing materials are all named."""
    the = scene()
    case = applications.start_draft(the.applicant.user, the.item, channel=Channel.PC)
    applications.save_draft(the.applicant.user, case, form_data={"applicant_name": "张三", "reason": "旅游"})
    with pytest.raises(ValidationProblems) as refusal:
        applications.submit(the.applicant.user, case)
    assert [problem["path"] for problem in refusal.value.problems] == ["$.reason"]
    applications.save_draft(the.applicant.user, case, form_data=FORM)
    with pytest.raises(TongbanError) as refusal:
        applications.submit(the.applicant.user, case)
    assert refusal.value.code == "CASE_MATERIALS_MISSING"
    assert "申请表" in refusal.value.message and "居民身份证" in refusal.value.message
    case.refresh_from_db()
    assert case.state == CaseState.DRAFT


def test_material_outside_the_answers_is_refused():
    the = scene()
    case = applications.start_draft(the.applicant.user, the.item, channel=Channel.PC)
    with pytest.raises(TongbanError) as refusal:
        applications.attach_document(the.applicant.user, case, "M03", upload(the.applicant, "委托书"))
    assert refusal.value.code == "CASE_MATERIAL_NOT_APPLICABLE"
    with pytest.raises(TongbanError) as refusal:
        applications.attach_document(the.applicant.user, case, "M99", upload(the.applicant, "其他"))
    assert refusal.value.code == "CASE_MATERIAL_NOT_IN_GUIDE"
    assert case.materials.count() == 0


def test_real_name_level_is_enforced():
    the = scene(required_real_name_level=3)
    with pytest.raises(TongbanError) as refusal:
        applications.start_draft(the.applicant.user, the.item, channel=Channel.PC)
    assert refusal.value.code == "CASE_LEVEL_TOO_LOW"
    assert Case.objects.count() == 0


def test_sec_3_cut_off_agency_refuses_new_applications():
    """SEC-3: a cut-off agency's items refuse new applications."""
    the = scene()
    the.bureau.is_cut_off, the.bureau.cut_off_reason = True, "接口存在安全风险"
    the.bureau.save()
    with pytest.raises(TongbanError) as refusal:
        applications.start_draft(the.applicant.user, the.item, channel=Channel.PC)
    assert refusal.value.code == "CASE_AGENCY_CUT_OFF"
    assert "接口存在安全风险" in refusal.value.message


def test_item_13_citywide_item_is_filed_at_any_street_window_and_routed():
    """ITEM-13, CASE-6, CASE-7: a citywide item is taken at a street window without booking and routed."""
    the = scene(is_citywide=True)
    case = applications.start_draft(the.counter, the.item, channel=Channel.COUNTER, applicant=the.applicant,
                                    window=the.street)
    assert (case.accepting_agency, case.handling_agency, case.channel) == (the.street, the.bureau, Channel.COUNTER)
    applications.save_draft(the.counter, case, form_data=FORM)
    for material in case.version.materials_for({}):
        applications.attach_document(the.counter, case, material.code, upload(the.applicant, material.name))
    applications.submit(the.counter, case)
    handling.accept(the.counter, case)  # the window accepts …
    handling.start_review(the.officer, case)  # … the bureau decides
    case.refresh_from_db()
    assert case.state == CaseState.UNDER_REVIEW


def test_item_13_non_citywide_item_is_refused_at_another_window():
    """ITEM-13: only citywide items are taken at a window that does not cover the implementing agency."""
    the = scene(is_citywide=False)
    with pytest.raises(TongbanError) as refusal:
        applications.start_draft(the.counter, the.item, channel=Channel.COUNTER, applicant=the.applicant,
                                 window=the.street)
    assert refusal.value.code == "CASE_NOT_CITYWIDE"


@pytest.mark.parametrize("who", ["applicant", "other_officer", "approver", "counter_elsewhere"])
def test_acceptance_by_wrong_role_or_agency_is_refused_and_changes_nothing(who):
    """CASE-7: only the handling agency's officers (or the accepting window) accept; refusals change nothing."""
    the = scene()
    case = submitted(the)
    actors = {
        "applicant": the.applicant.user,
        "other_officer": staff(StaffRole.CASE_OFFICER, AgencyFactory()),
        "approver": the.approver,
        "counter_elsewhere": staff(StaffRole.COUNTER_STAFF, AgencyFactory()),
    }
    events = CaseEvent.objects.count()
    with pytest.raises(TongbanError) as refusal:
        handling.accept(actors[who], case)
    assert refusal.value.code in {"IDENTITY_ROLE_REQUIRED", "IDENTITY_AGENCY_OUT_OF_SCOPE"}
    case.refresh_from_db()
    assert (case.state, CaseEvent.objects.count()) == (CaseState.SUBMITTED, events)


def test_stale_transition_is_told():
    """Two officers act on the same page: the second is told the case moved on."""
    the = scene()
    case = submitted(the)
    seen = case.lock_version
    handling.accept(the.officer, case, expected_lock=seen)
    with pytest.raises(TongbanError) as refusal:
        handling.refuse(the.officer, case, reasons="材料不全", expected_lock=seen)
    assert refusal.value.code == "CASE_STALE"


def test_applicant_withdraws_before_the_decision_only():
    the = scene()
    case = submitted(the)
    handling.withdraw(the.applicant.user, case, reason="不再需要")
    case.refresh_from_db()
    assert case.state == CaseState.WITHDRAWN
    other = submitted(the)
    handling.accept(the.officer, other)
    handling.decide(the.approver, other, approve=True, reasons="符合")
    with pytest.raises(TongbanError) as refusal:
        handling.withdraw(the.applicant.user, other, reason="x")
    assert refusal.value.code == "CASE_WITHDRAW_NOT_ALLOWED"


def test_someone_else_cannot_touch_my_draft():
    the = scene()
    case = ready_draft(the)
    stranger = PersonFactory(level=2)
    with pytest.raises(TongbanError) as refusal:
        applications.save_draft(stranger.user, case, form_data={})
    assert refusal.value.code == "CASE_NOT_YOUR_CASE"


def test_deadline_statuses_are_stored_and_refreshed():
    """CASE-4: warning and overdue states are stored and refreshed by the job, not recomputed on read."""
    the = scene()
    with time_machine.travel(datetime.datetime(2026, 6, 12, 10, 0, tzinfo=datetime.UTC), tick=False):
        case = submitted(the)
        handling.accept(the.officer, case)
    assert deadlines.refresh_statuses(datetime.date(2026, 6, 18)) == 1
    assert Case.objects.get(pk=case.pk).deadline_status == DeadlineStatus.WARNING
    deadlines.refresh_statuses(datetime.date(2026, 6, 23))
    assert Case.objects.get(pk=case.pk).deadline_status == DeadlineStatus.OVERDUE


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}})
def test_case_4_the_deadline_job_marks_overdue_cases_once():
    """CASE-4: the worker's job stores the overdue state; running it again changes nothing."""
    the = scene()
    with time_machine.travel(datetime.datetime(2026, 6, 12, 10, 0, tzinfo=datetime.UTC), tick=False):
        case = submitted(the)
        handling.accept(the.officer, case)
    with time_machine.travel(datetime.datetime(2026, 6, 24, 10, 0, tzinfo=datetime.UTC), tick=False):
        first, second = refresh_case_deadlines.enqueue(), refresh_case_deadlines.enqueue()
    assert (first.return_value, second.return_value) == (1, 0)
    assert Case.objects.get(pk=case.pk).deadline_status == DeadlineStatus.OVERDUE


def test_changed_answers_drop_materials_that_no_longer_apply():
    """CASE-4: only the materials the answers call for stay on the case."""
    the = scene()
    case = ready_draft(the, answers={"Q1": ["B"]})
    assert sorted(case.materials.values_list("guide_material__code", flat=True)) == ["M01", "M02", "M03"]
    applications.save_draft(the.applicant.user, case, situation_answers={"Q1": ["A"]})
    assert sorted(case.materials.values_list("guide_material__code", flat=True)) == ["M01", "M02"]


def test_counter_only_items_are_not_applied_for_online():
    """CASE-6: an item handled only at the window cannot be applied for online (the window takes it)."""
    the = scene(online_depth="counter", in_person_trips=1)
    with pytest.raises(TongbanError) as refusal:
        applications.start_draft(the.applicant.user, the.item, channel=Channel.PC)
    assert refusal.value.code == "CASE_COUNTER_ONLY"
    assert Case.objects.count() == 0
