"""Handling a case (CASE-1 … CASE-4, CASE-7): pre-review, acceptance, correction, review, decision, result.

Every transition is one function and one transaction: it locks the case row,
checks the state (and the ``lock_version`` the officer saw, so of two officers
acting at once one wins and the other is told), checks the role over the
agency, records the timeline, notifies the applicant, publishes the event to
agency systems and writes the audit log. ``actor=None`` is the platform itself,
acting for a mode-3 agency system whose credential was checked by the API.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from tongban.agencies.models import Agency
from tongban.cases.errors import CaseError
from tongban.cases.models import (
    WITHDRAWABLE_STATES,
    Case,
    CaseState,
    CorrectionItem,
    CorrectionNotice,
    Decision,
    DecisionOutcome,
    RetentionClass,
)
from tongban.cases.services import deadlines, fees
from tongban.cases.services.applications import own_case
from tongban.cases.services.events import record_event
from tongban.core import audit
from tongban.core.errors import TongbanError
from tongban.core.workdays import add_workdays
from tongban.identity.models import StaffRole, User
from tongban.identity.services import Actor, actor_label, holds_role, require_role
from tongban.licences.services import issuance as licence_issuance

RECONSIDERATION_DAYS = 60  # 行政复议法 第二十条
LITIGATION_MONTHS = 6  # 行政诉讼法 第四十六条
LICENCE_RESULTS = {"licence", "certificate"}  # result kinds issued as e-licences (证照) or e-proofs (证明, CASE-9)


def _locked(case: Case, expected: set[str], action: str, expected_lock: int | None) -> Case:
    current = Case.objects.select_for_update(of=("self",)).select_related(
        "version", "item", "applicant", "handling_agency", "accepting_agency"
    ).get(pk=case.pk)
    if expected_lock is not None and current.lock_version != expected_lock:
        raise TongbanError(CaseError.STALE, state=CaseState(current.state).label)
    if current.state not in expected:
        raise TongbanError(CaseError.WRONG_STATE, state=CaseState(current.state).label, action=action)
    return current


def _require(actor: Actor, roles: Iterable[tuple[StaffRole, Agency | None]]) -> None:
    """The actor holds one of the roles over its agency (None = the platform, already checked by the API)."""
    if actor is None:
        return
    options = [(role, agency) for role, agency in roles if agency is not None]
    if any(holds_role(actor, role, agency) for role, agency in options):
        return
    role, agency = options[0]
    require_role(actor, role, agency)  # raises with the precise reason


def _officers(case: Case) -> list[tuple[StaffRole, Agency | None]]:
    """Who accepts: the handling agency's officers, or the counter staff of the window that took it (ITEM-13)."""
    return [(StaffRole.CASE_OFFICER, case.handling_agency), (StaffRole.COUNTER_STAFF, case.accepting_agency)]


def _move(case: Case, to_state: CaseState, action: str, actor: Actor, *, note: str = "", title: str = "",
          body: str = "") -> Case:
    from_state = case.state
    case.state = to_state
    case.lock_version += 1
    case.save()
    record_event(case, action, from_state, actor, note=note, notify_title=title, notify_body=body)
    audit.record(f"cases.case.{action}", actor=actor if isinstance(actor, User) else None,
                 agency_id=case.handling_agency_id, obj=case,
                 data={"from": from_state, "to": to_state, "note": note, "due_on": str(case.due_on or "")})
    return case


def _today() -> datetime.date:
    return timezone.localdate()


@transaction.atomic
def pre_review(actor: Actor, case: Case, *, passed: bool, opinion: str, expected_lock: int | None = None) -> Case:
    """The pre-review opinion (网上预审) within 2 working days, telling the applicant the next steps (CASE-2)."""
    case = _locked(case, {CaseState.SUBMITTED}, "预审", expected_lock)
    _require(actor, _officers(case))
    if not opinion.strip():
        raise TongbanError(CaseError.REASON_REQUIRED, field="opinion")
    if not passed:
        return _refuse(case, actor, opinion)
    deadlines.start(case, "acceptance", add_workdays(_today(), deadlines.ACCEPTANCE_DAYS))
    return _move(case, CaseState.PRE_REVIEWED, "pre_reviewed", actor, note=opinion,
                 title="预审通过", body=f"办件 {case.number} 预审通过：{opinion}")


@transaction.atomic
def accept(actor: Actor, case: Case, *, expected_lock: int | None = None) -> Case:
    """Accept (受理): the decision limit starts, counted in the item's promised limit (CASE-4)."""
    case = _locked(case, {CaseState.SUBMITTED, CaseState.PRE_REVIEWED}, "受理", expected_lock)
    _require(actor, _officers(case))
    version = case.version
    case.accepted_at = timezone.now()
    deadlines.start(case, "decision",
                    deadlines.limit_due(_today(), version.promised_limit_value, version.promised_limit_unit))
    return _move(case, CaseState.ACCEPTED, "accepted", actor, title="申请已受理",
                 body=f"办件 {case.number} 已受理，承诺办结日期 {case.due_on}。")


def _months_later(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day when it has no such day (31 Aug + 6 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def _remedy(decided_on: datetime.date, agency: Agency) -> tuple[str, datetime.date, datetime.date]:
    reconsideration = decided_on + datetime.timedelta(days=RECONSIDERATION_DAYS)
    litigation = _months_later(decided_on, LITIGATION_MONTHS)
    text = (
        f"如不服本决定，可以自收到本决定之日起六十日内依法申请行政复议（{reconsideration}前），"
        f"或者在六个月内依法向人民法院提起行政诉讼（{litigation}前）。作出决定机关：{agency.name}。"
    )
    return text, reconsideration, litigation


def _refuse(case: Case, actor: Actor, reasons: str) -> Case:
    today = _today()
    text, reconsideration, litigation = _remedy(today, case.handling_agency)
    Decision.objects.create(
        case=case, outcome=DecisionOutcome.REFUSED, decided_on=today, reasons=reasons,
        decided_by_label=actor_label(actor), remedy_notice=text, reconsideration_deadline=reconsideration,
        litigation_deadline=litigation,
    )
    case.decided_at = timezone.now()
    deadlines.stop(case)
    return _move(case, CaseState.REFUSED, "refused", actor, note=reasons, title="不予受理",
                 body=f"办件 {case.number} 不予受理：{reasons}")


@transaction.atomic
def refuse(actor: Actor, case: Case, *, reasons: str, expected_lock: int | None = None) -> Case:
    """Refuse to accept (不予受理) with reasons and the legal-remedy notice."""
    case = _locked(case, {CaseState.SUBMITTED, CaseState.PRE_REVIEWED}, "不予受理", expected_lock)
    _require(actor, _officers(case))
    if not reasons.strip():
        raise TongbanError(CaseError.REASON_REQUIRED, field="reasons")
    return _refuse(case, actor, reasons.strip())


@transaction.atomic
def request_correction(actor: Actor, case: Case, *, items: list[tuple[str, str]], note: str = "",
                       expected_lock: int | None = None) -> CorrectionNotice:
    """One notice listing every defective or missing material at once (CASE-3), only guide materials (CASE-4).

    A later notice may only name materials the applicant changed in answering
    the previous one; the limit pauses while the applicant corrects.
    """
    case = _locked(case, {CaseState.SUBMITTED, CaseState.PRE_REVIEWED}, "一次性告知", expected_lock)
    _require(actor, _officers(case))
    if not items:
        raise TongbanError(CaseError.CORRECTION_EMPTY)
    guide = {material.code: material for material in case.version.materials.all()}
    seen: set[str] = set()
    for code, reason in items:
        if code not in guide:
            raise TongbanError(CaseError.MATERIAL_NOT_IN_GUIDE, code=code)
        if code in seen:
            raise TongbanError(CaseError.CORRECTION_DUPLICATE, name=guide[code].name)
        if not reason.strip():
            raise TongbanError(CaseError.REASON_REQUIRED, field=code)
        seen.add(code)
    previous = case.correction_notices.order_by("-issued_at", "-id").first()
    if previous is not None:
        changed = _changed_since(case, previous)
        for code in seen:
            if guide[code].pk not in changed:
                raise TongbanError(CaseError.CORRECTION_NOT_CHANGED, name=guide[code].name)
    notice = CorrectionNotice.objects.create(case=case, issued_at=timezone.now(), issued_by_label=actor_label(actor),
                                             note=note)
    CorrectionItem.objects.bulk_create(CorrectionItem(notice=notice, guide_material=guide[code], reason=reason.strip())
                                       for code, reason in items)
    case.materials.filter(guide_material__code__in=seen).update(is_defective=True)
    deadlines.pause(case)
    names = "、".join(guide[code].name for code, _reason in items)
    _move(case, CaseState.CORRECTION_REQUESTED, "correction_requested", actor, note=note,
          title="请补正材料", body=f"办件 {case.number} 需一次性补正：{names}")
    return notice


def _changed_since(case: Case, notice: CorrectionNotice) -> set[int]:
    """Guide materials whose provided version changed after ``notice`` (what a second notice may concern)."""
    return set(case.materials.filter(updated_at__gt=notice.issued_at).values_list("guide_material_id", flat=True))


@transaction.atomic
def answer_correction(actor: Actor, case: Case) -> Case:
    """The applicant has replaced every named material; the case returns to acceptance and the limit resumes."""
    case = own_case(actor, case)
    if case.state != CaseState.CORRECTION_REQUESTED:
        raise TongbanError(CaseError.WRONG_STATE, state=CaseState(case.state).label, action="提交补正")
    notice = case.correction_notices.order_by("-issued_at", "-id").first()
    assert notice is not None
    changed = _changed_since(case, notice)
    unanswered = [item.guide_material.name for item in notice.items.select_related("guide_material")
                  if item.guide_material_id not in changed]
    if unanswered:
        raise TongbanError(CaseError.CORRECTION_UNANSWERED, names="、".join(unanswered))
    notice.answered_at = timezone.now()
    notice.save(update_fields=["answered_at"])
    case.materials.filter(guide_material_id__in=changed).update(is_defective=False)
    used = deadlines.resume(case)
    return _move(case, CaseState.SUBMITTED, "correction_answered", actor, note=f"补正用时 {used} 个工作日")


@transaction.atomic
def start_review(actor: Actor, case: Case, *, expected_lock: int | None = None) -> Case:
    """The accepted case goes to substantive review."""
    case = _locked(case, {CaseState.ACCEPTED}, "开始审查", expected_lock)
    _require(actor, [(StaffRole.CASE_OFFICER, case.handling_agency), (StaffRole.APPROVER, case.handling_agency)])
    return _move(case, CaseState.UNDER_REVIEW, "review_started", actor)


@transaction.atomic
def decide(actor: Actor, case: Case, *, approve: bool, reasons: str, effective_on: datetime.date | None = None,
           expires_on: datetime.date | None = None, retention_class: str = RetentionClass.THIRTY_YEARS,
           expected_lock: int | None = None) -> Decision:
    """The decision (决定) by an approver of the handling agency: its own record, with remedies on denial."""
    case = _locked(case, {CaseState.UNDER_REVIEW, CaseState.ACCEPTED}, "作出决定", expected_lock)
    _require(actor, [(StaffRole.APPROVER, case.handling_agency)])
    if not reasons.strip():
        raise TongbanError(CaseError.REASON_REQUIRED, field="reasons")
    today = _today()
    remedy, reconsideration, litigation = ("", None, None)
    if not approve:
        remedy, reconsideration, litigation = _remedy(today, case.handling_agency)
    decision = Decision.objects.create(
        case=case, outcome=DecisionOutcome.APPROVED if approve else DecisionOutcome.DENIED, decided_on=today,
        effective_on=effective_on or (today if approve else None), expires_on=expires_on, reasons=reasons.strip(),
        decided_by_label=actor_label(actor), remedy_notice=remedy, reconsideration_deadline=reconsideration,
        litigation_deadline=litigation,
    )
    case.decided_at = timezone.now()
    case.retention_class = RetentionClass(retention_class)
    deadlines.stop(case)
    state, action, title = ((CaseState.APPROVED, "approved", "准予许可") if approve
                            else (CaseState.DENIED, "denied", "不予许可"))
    _move(case, state, action, actor, note=reasons, title=title, body=f"办件 {case.number}：{title}。{reasons}")
    if approve:
        # The fee step (ITEM-3, PAY-1): an item with fees waits for its payment order to be paid.
        order = fees.start_fee_step(case)
        if order is not None:
            _move(case, CaseState.AWAITING_PAYMENT, "fee_requested", actor, note=order.number, title="请缴费",
                  body=f"办件 {case.number} 需缴费 {order.amount_fen / 100:.2f} 元，缴款码 {order.payment_code}。")
    return decision


@transaction.atomic
def fee_paid(case_number: str, order_number: str) -> Case | None:
    """The fee order was paid: the case moves on to the result (called by payments through the registry).

    Runs inside the payment's transaction. A case no longer awaiting payment
    (withdrawn meanwhile, or paid twice) is left alone: payments refunds duplicates itself.
    """
    case = Case.objects.select_for_update(of=("self",)).select_related("handling_agency").filter(
        number=case_number).first()
    if case is None or case.state != CaseState.AWAITING_PAYMENT:
        return None
    return _move(case, CaseState.FEE_PAID, "fee_paid", None, note=order_number, title="缴费成功",
                 body=f"办件 {case.number} 已缴费，正在出具办理结果。")


@transaction.atomic
def issue_result(actor: Actor, case: Case, *, expected_lock: int | None = None) -> Case:
    """The result is produced; an approved licence or proof result is issued and sealed by the licences module
    (LIC-1, CASE-9) in the same transaction, its number recorded in the case event. A case with fees comes here
    once they are paid (``fee_paid``)."""
    case = _locked(case, {CaseState.APPROVED, CaseState.DENIED, CaseState.FEE_PAID}, "出具结果", expected_lock)
    _require(actor, [(StaffRole.CASE_OFFICER, case.handling_agency)])
    note = ""
    version = case.version
    approved = case.state in (CaseState.APPROVED, CaseState.FEE_PAID)
    if approved and version.result_licence_type and version.result_kind in LICENCE_RESULTS:
        licence = licence_issuance.issue_for_case(
            actor, case_number=case.number, licence_type_code=version.result_licence_type,
            agency=case.handling_agency, form_data=case.form_data, person=case.applicant, enterprise=case.enterprise)
        note = f"电子证照 {licence.number}" if licence is not None else ""
    _move(case, CaseState.RESULT_ISSUED, "result_issued", actor, note=note, title="结果已出具",
          body=f"办件 {case.number} 的办理结果已出具。{note}")
    from tongban.cases.services.shipping import ship_result_if_chosen  # shipping calls back into handling

    ship_result_if_chosen(actor, case)  # the applicant chose courier delivery: the result shipment (LOG-1)
    return case


@transaction.atomic
def deliver(actor: Actor, case: Case, *, method: str, expected_lock: int | None = None) -> Case:
    """The result reached the applicant (e-delivery, courier or pickup)."""
    case = _locked(case, {CaseState.RESULT_ISSUED}, "送达", expected_lock)
    _require(actor, _officers(case))
    return _move(case, CaseState.DELIVERED, "delivered", actor, note=method)


@transaction.atomic
def conclude(actor: Actor, case: Case, *, expected_lock: int | None = None) -> Case:
    """Close the case (办结): it is then rated, archived and counted."""
    case = _locked(case, {CaseState.DELIVERED}, "办结", expected_lock)
    _require(actor, _officers(case))
    case.concluded_at = timezone.now()
    return _move(case, CaseState.CONCLUDED, "concluded", actor, title="办件已办结",
                 body=f"办件 {case.number} 已办结，欢迎对本次服务作出评价。")


@transaction.atomic
def withdraw(actor: Actor, case: Case, *, reason: str) -> Case:
    """The applicant withdraws before the decision."""
    case = own_case(actor, case)
    if case.state not in WITHDRAWABLE_STATES:
        raise TongbanError(CaseError.WITHDRAW_NOT_ALLOWED)
    deadlines.stop(case)
    return _move(case, CaseState.WITHDRAWN, "withdrawn", actor, note=reason)
