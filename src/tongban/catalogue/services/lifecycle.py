"""The item lifecycle (ITEM-4 … ITEM-7): every transition is one function, one transaction, audited.

Stages and their limits in working days, counted from the working day after
the stage began (DESIGN.md "Time"):

* opening / change: [civil affairs 2 →] authority 2 → operator test and publish 5;
  a failed test returns the request to the agency, and a resubmission gives the
  operator a fresh 5 days;
* suspend / resume / terminate: [civil affairs 2 →] authority 2 → operator executes 1;
* maintenance: filed with the operator ≥ 5 working days before it starts, acknowledged in 1;
* urgent suspension: immediate, only with a public announcement, reported to the operator (1).

``actor`` is the staff user acting, or ``None`` for the platform itself (shell
commands, the demo loader, jobs), which only someone with shell access reaches.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from tongban.agencies.models import Agency
from tongban.catalogue import search
from tongban.catalogue.errors import CatalogueError
from tongban.catalogue.models import (
    Announcement,
    AnnouncementKind,
    ItemVersion,
    LifecycleRequest,
    RequestKind,
    RequestState,
    RequestStep,
    ServiceItem,
)
from tongban.catalogue.models.choices import ItemStatus, VersionState
from tongban.catalogue.models.lifecycle import OPEN_STATES
from tongban.catalogue.services.guides import completeness_problems
from tongban.core import audit
from tongban.core.errors import TongbanError, ValidationProblems
from tongban.core.workdays import add_workdays
from tongban.identity.models import StaffRole, User
from tongban.identity.services import actor_label, require_role

AUTHORITY_DAYS = 2
CIVIL_AFFAIRS_DAYS = 2
TEST_AND_PUBLISH_DAYS = 5
EXECUTION_DAYS = 1
MAINTENANCE_NOTICE_DAYS = 5

_STATUS_CHANGE_FROM = {
    RequestKind.SUSPEND: {ItemStatus.IN_SERVICE},
    RequestKind.RESUME: {ItemStatus.SUSPENDED},
    RequestKind.TERMINATE: {ItemStatus.IN_SERVICE, ItemStatus.SUSPENDED},
}
_STATUS_AFTER = {
    RequestKind.SUSPEND: ItemStatus.SUSPENDED,
    RequestKind.RESUME: ItemStatus.IN_SERVICE,
    RequestKind.TERMINATE: ItemStatus.TERMINATED,
}



def _check(actor: User | None, role: StaffRole, agency: Agency) -> None:
    if actor is not None:
        require_role(actor, role, agency)


def _today() -> datetime.date:
    return timezone.localdate()


def _move(
    request: LifecycleRequest, action: str, to_state: RequestState, actor: User | None, note: str = "",
    *, due_in: int | None = None, keep_due: bool = False,
) -> None:
    """Record one step: new state, new stage start and due date, history row and audit event."""
    today = _today()
    # A request's first step starts from nothing; its state was only provisional until now.
    from_state = "" if action == "filed" else request.state
    request.state = to_state
    request.stage_started_on = today
    if not keep_due:
        request.due_on = add_workdays(today, due_in) if due_in is not None else None
    request.overdue_flagged_at = None
    request.version_lock += 1
    if to_state in (RequestState.COMPLETED, RequestState.SCHEDULED):
        request.completed_at = timezone.now()
    request.save()
    RequestStep.objects.create(
        request=request, action=action, from_state=from_state, to_state=to_state,
        actor_label=actor_label(actor), note=note, occurred_at=timezone.now(), due_on=request.due_on,
    )
    audit.record(
        f"catalogue.request.{action}", actor=actor, agency_id=request.agency_id, obj=request,
        data={"kind": request.kind, "item": request.item.implementation_code, "from": from_state,
              "to": to_state, "due_on": request.due_on.isoformat() if request.due_on else None, "note": note},
    )


def _locked(request: LifecycleRequest, expected: set[RequestState], expected_lock: int | None) -> LifecycleRequest:
    """Lock the row and check it is still where the actor saw it (two officers cannot both act)."""
    current = LifecycleRequest.objects.select_for_update(of=("self",)).select_related("item", "agency", "version").get(
        pk=request.pk
    )
    if expected_lock is not None and current.version_lock != expected_lock:
        raise TongbanError(CatalogueError.REQUEST_STALE)
    if current.state not in expected:
        raise TongbanError(CatalogueError.REQUEST_WRONG_STATE, state=RequestState(current.state).label)
    return current


def _refuse_if_pending(item: ServiceItem) -> None:
    pending = item.lifecycle_requests.filter(state__in=OPEN_STATES).first()
    if pending is not None:
        raise TongbanError(CatalogueError.REQUEST_PENDING, kind=RequestKind(pending.kind).label)


def _first_stage(item: ServiceItem) -> tuple[RequestState, int]:
    """Community-centre items see civil affairs first (ITEM-7)."""
    if item.is_community_delegated:
        return RequestState.AWAITING_CIVIL_AFFAIRS, CIVIL_AFFAIRS_DAYS
    return RequestState.AWAITING_AUTHORITY, AUTHORITY_DAYS


def _new_request(
    item: ServiceItem, kind: RequestKind, actor: User | None, reason: str, **fields: object
) -> LifecycleRequest:
    if not reason.strip():
        raise TongbanError(CatalogueError.REASON_REQUIRED, field="reason")
    return LifecycleRequest(
        item=item, kind=kind, agency=item.agency, reason=reason.strip(), filed_at=timezone.now(),
        filed_by_label=actor_label(actor), stage_started_on=_today(), state=RequestState.AWAITING_AUTHORITY, **fields,
    )


@transaction.atomic
def file_version(actor: User | None, version: ItemVersion, reason: str) -> LifecycleRequest:
    """The agency files a draft guide to open a new item or change a published one (ITEM-4, ITEM-5).

    The guide must be complete with an optimisation record; from here on the
    version is frozen. A change leaves the published version live.
    """
    item = ServiceItem.objects.select_for_update().select_related("agency").get(pk=version.item_id)
    _check(actor, StaffRole.AGENCY_ADMIN, item.agency)
    version = ItemVersion.objects.get(pk=version.pk)
    if version.state != VersionState.DRAFT:
        raise TongbanError(CatalogueError.VERSION_FROZEN, number=version.number)
    if item.status == ItemStatus.TERMINATED:
        raise TongbanError(CatalogueError.REQUEST_KIND_NOT_ALLOWED, status=ItemStatus(item.status).label,
                           kind=RequestKind.CHANGE.label)
    _refuse_if_pending(item)
    problems = completeness_problems(version)
    if problems:
        raise ValidationProblems(CatalogueError.GUIDE_INCOMPLETE, problems)
    kind = RequestKind.OPEN if item.published_version_id is None else RequestKind.CHANGE
    request = _new_request(item, kind, actor, reason, version=version)
    request.save()
    version.state = VersionState.IN_REVIEW
    version.save(update_fields=["state"])
    state, days = _first_stage(item)
    _move(request, "filed", state, actor, reason, due_in=days)
    return request


@transaction.atomic
def file_status_change(actor: User | None, item: ServiceItem, kind: RequestKind, reason: str) -> LifecycleRequest:
    """The agency asks to suspend, resume or terminate an item (ITEM-6)."""
    item = ServiceItem.objects.select_for_update().select_related("agency").get(pk=item.pk)
    _check(actor, StaffRole.AGENCY_ADMIN, item.agency)
    allowed_from = _STATUS_CHANGE_FROM.get(kind)
    if allowed_from is None or item.status not in allowed_from:
        raise TongbanError(CatalogueError.REQUEST_KIND_NOT_ALLOWED, status=ItemStatus(item.status).label,
                           kind=RequestKind(kind).label)
    _refuse_if_pending(item)
    request = _new_request(item, kind, actor, reason)
    request.save()
    state, days = _first_stage(item)
    _move(request, "filed", state, actor, reason, due_in=days)
    return request


@transaction.atomic
def decide_civil_affairs(
    actor: User | None, request: LifecycleRequest, *, approve: bool, note: str = "", expected_lock: int | None = None
) -> LifecycleRequest:
    """Civil affairs pre-approves a community-centre item's request before the authority sees it (ITEM-7)."""
    request = _locked(request, {RequestState.AWAITING_CIVIL_AFFAIRS}, expected_lock)
    _check(actor, StaffRole.CIVIL_AFFAIRS_REVIEWER, request.agency)
    if approve:
        _move(request, "civil_affairs_approved", RequestState.AWAITING_AUTHORITY, actor, note, due_in=AUTHORITY_DAYS)
    else:
        _reject(request, actor, note, "civil_affairs_rejected")
    return request


@transaction.atomic
def decide_authority(
    actor: User | None, request: LifecycleRequest, *, approve: bool, note: str = "", expected_lock: int | None = None
) -> LifecycleRequest:
    """The catalogue authority approves or rejects within 2 working days (ITEM-5, ITEM-6)."""
    request = _locked(request, {RequestState.AWAITING_AUTHORITY}, expected_lock)
    _check(actor, StaffRole.CATALOGUE_AUTHORITY, request.agency)
    if not approve:
        _reject(request, actor, note, "authority_rejected")
    elif request.kind in (RequestKind.OPEN, RequestKind.CHANGE):
        _move(request, "authority_approved", RequestState.AWAITING_TEST, actor, note, due_in=TEST_AND_PUBLISH_DAYS)
    else:
        _move(request, "authority_approved", RequestState.AWAITING_EXECUTION, actor, note, due_in=EXECUTION_DAYS)
    return request


def _reject(request: LifecycleRequest, actor: User | None, note: str, action: str) -> None:
    if not note.strip():
        raise TongbanError(CatalogueError.REASON_REQUIRED, field="note")
    if request.version_id is not None:
        ItemVersion.objects.filter(pk=request.version_id).update(state=VersionState.REJECTED)
    _move(request, action, RequestState.REJECTED, actor, note)


@transaction.atomic
def record_test(
    actor: User | None, request: LifecycleRequest, *, passed: bool, report: str, expected_lock: int | None = None
) -> LifecycleRequest:
    """The operator records the integration test; a failure goes back to the agency for retest (ITEM-5)."""
    request = _locked(request, {RequestState.AWAITING_TEST}, expected_lock)
    _check(actor, StaffRole.PLATFORM_OPERATOR, request.agency)
    if not report.strip():
        raise TongbanError(CatalogueError.REASON_REQUIRED, field="report")
    request.test_passed = passed
    request.test_report = report.strip()
    if passed:
        # The 5-day limit covers test and publication together, so the due date stays.
        _move(request, "test_passed", RequestState.AWAITING_PUBLICATION, actor, report, keep_due=True)
    else:
        _move(request, "test_failed", RequestState.RETURNED_FOR_RETEST, actor, report)
    return request


@transaction.atomic
def resubmit_for_test(
    actor: User | None, request: LifecycleRequest, note: str, expected_lock: int | None = None
) -> LifecycleRequest:
    """The agency has fixed its integration and asks the operator to test again."""
    request = _locked(request, {RequestState.RETURNED_FOR_RETEST}, expected_lock)
    _check(actor, StaffRole.AGENCY_ADMIN, request.agency)
    request.test_passed = None
    _move(request, "resubmitted", RequestState.AWAITING_TEST, actor, note, due_in=TEST_AND_PUBLISH_DAYS)
    return request


@transaction.atomic
def publish(actor: User | None, request: LifecycleRequest, expected_lock: int | None = None) -> LifecycleRequest:
    """The operator publishes a tested version; the previous one is superseded at the same instant (ITEM-5)."""
    current = LifecycleRequest.objects.select_for_update().get(pk=request.pk)
    if current.state in (RequestState.AWAITING_TEST, RequestState.RETURNED_FOR_RETEST) or (
        current.state == RequestState.AWAITING_PUBLICATION and not current.test_passed
    ):
        raise TongbanError(CatalogueError.TEST_NOT_PASSED)
    request = _locked(request, {RequestState.AWAITING_PUBLICATION}, expected_lock)
    _check(actor, StaffRole.PLATFORM_OPERATOR, request.agency)
    item = ServiceItem.objects.select_for_update().get(pk=request.item_id)
    version = request.version
    assert version is not None
    now = timezone.now()
    if item.published_version_id is not None:
        ItemVersion.objects.filter(pk=item.published_version_id).update(state=VersionState.SUPERSEDED)
    ItemVersion.objects.filter(pk=version.pk).update(state=VersionState.PUBLISHED, published_at=now)
    item.published_version = version
    if item.status == ItemStatus.DRAFT:
        item.status = ItemStatus.IN_SERVICE
        item.status_changed_at = now
    item.save(update_fields=["published_version", "status", "status_changed_at"])
    request.item = item
    _move(request, "published", RequestState.COMPLETED, actor, f"v{version.number}")
    search.index_item(item)
    return request


@transaction.atomic
def execute(actor: User | None, request: LifecycleRequest, note: str = "", expected_lock: int | None = None
            ) -> LifecycleRequest:
    """The operator carries out an approved suspension, resumption or termination, or acknowledges a
    maintenance filing or an urgent suspension report (ITEM-6)."""
    request = _locked(request, {RequestState.AWAITING_EXECUTION}, expected_lock)
    _check(actor, StaffRole.PLATFORM_OPERATOR, request.agency)
    item = ServiceItem.objects.select_for_update().get(pk=request.item_id)
    # Public announcements are official records in the platform's language, whatever the operator's UI language.
    with translation.override(settings.LANGUAGE_CODE):
        return _execute(actor, request, item, note)


def _execute(actor: User | None, request: LifecycleRequest, item: ServiceItem, note: str) -> LifecycleRequest:
    if request.kind == RequestKind.MAINTENANCE:
        request.announcement = _announce(
            item, AnnouncementKind.MAINTENANCE, f"{item.name} 系统维护暂停公告",
            f"因系统维护，{request.window_starts_on:%Y年%m月%d日}至{request.window_ends_on:%Y年%m月%d日}"
            f"暂停网上受理。{request.reason}", ends_on=request.window_ends_on,
        )
        _move(request, "maintenance_scheduled", RequestState.SCHEDULED, actor, note)
    elif request.kind == RequestKind.URGENT_SUSPENSION:
        _move(request, "urgent_suspension_acknowledged", RequestState.COMPLETED, actor, note)
    else:
        kind = RequestKind(request.kind)
        item.status = _STATUS_AFTER[kind]
        item.status_changed_at = timezone.now()
        item.save(update_fields=["status", "status_changed_at"])
        if kind != RequestKind.RESUME:
            announcement_kind = (
                AnnouncementKind.SUSPENSION if kind == RequestKind.SUSPEND else AnnouncementKind.TERMINATION
            )
            request.announcement = _announce(item, announcement_kind, f"{item.name} {kind.label}公告", request.reason)
        _move(request, "executed", RequestState.COMPLETED, actor, note)
        search.index_item(item)
    return request


def _announce(item: ServiceItem, kind: AnnouncementKind, title: str, body: str,
              ends_on: datetime.date | None = None) -> Announcement:
    """Publish an announcement; its text is stored as written (callers compose it in Chinese, see below)."""
    return Announcement.objects.create(
        kind=kind, item=item, agency=item.agency, title=title, body=body, published_at=timezone.now(), ends_on=ends_on
    )


@transaction.atomic
def file_maintenance(
    actor: User | None, item: ServiceItem, *, starts_on: datetime.date, ends_on: datetime.date, reason: str
) -> LifecycleRequest:
    """A planned maintenance suspension, filed with the operator at least 5 working days ahead (ITEM-6)."""
    item = ServiceItem.objects.select_for_update().select_related("agency").get(pk=item.pk)
    _check(actor, StaffRole.AGENCY_ADMIN, item.agency)
    if item.status != ItemStatus.IN_SERVICE:
        raise TongbanError(CatalogueError.REQUEST_KIND_NOT_ALLOWED, status=ItemStatus(item.status).label,
                           kind=RequestKind.MAINTENANCE.label)
    earliest = add_workdays(_today(), MAINTENANCE_NOTICE_DAYS)
    if starts_on < earliest:
        raise TongbanError(CatalogueError.MAINTENANCE_TOO_LATE, field="starts_on", earliest=earliest.isoformat())
    if ends_on < starts_on:
        raise TongbanError(CatalogueError.MAINTENANCE_WINDOW_INVALID, field="ends_on")
    request = _new_request(item, RequestKind.MAINTENANCE, actor, reason,
                           window_starts_on=starts_on, window_ends_on=ends_on)
    request.save()
    _move(request, "filed", RequestState.AWAITING_EXECUTION, actor, reason, due_in=EXECUTION_DAYS)
    return request


@transaction.atomic
def suspend_urgently(
    actor: User | None, item: ServiceItem, *, reason: str, announcement_title: str, announcement_body: str
) -> LifecycleRequest:
    """Suspend at once; allowed only together with a public announcement, reported to the operator (ITEM-6)."""
    item = ServiceItem.objects.select_for_update().select_related("agency").get(pk=item.pk)
    _check(actor, StaffRole.AGENCY_ADMIN, item.agency)
    if not announcement_title.strip() or not announcement_body.strip():
        raise TongbanError(CatalogueError.ANNOUNCEMENT_REQUIRED, field="announcement_title")
    if item.status != ItemStatus.IN_SERVICE:
        raise TongbanError(CatalogueError.REQUEST_KIND_NOT_ALLOWED, status=ItemStatus(item.status).label,
                           kind=RequestKind.URGENT_SUSPENSION.label)
    announcement = _announce(item, AnnouncementKind.URGENT_SUSPENSION, announcement_title.strip(),
                             announcement_body.strip())
    request = _new_request(item, RequestKind.URGENT_SUSPENSION, actor, reason, announcement=announcement)
    request.save()
    item.status = ItemStatus.SUSPENDED
    item.status_changed_at = timezone.now()
    item.save(update_fields=["status", "status_changed_at"])
    _move(request, "filed", RequestState.AWAITING_EXECUTION, actor, reason, due_in=EXECUTION_DAYS)
    search.index_item(item)
    return request


@transaction.atomic
def withdraw(actor: User | None, request: LifecycleRequest, note: str = "", expected_lock: int | None = None
             ) -> LifecycleRequest:
    """The agency withdraws a request not yet approved; a filed version returns to its drafts."""
    request = _locked(
        request,
        {RequestState.AWAITING_CIVIL_AFFAIRS, RequestState.AWAITING_AUTHORITY, RequestState.RETURNED_FOR_RETEST},
        expected_lock,
    )
    _check(actor, StaffRole.AGENCY_ADMIN, request.agency)
    if request.version_id is not None:
        # Never published, so no case can refer to it: the agency may edit it again.
        ItemVersion.objects.filter(pk=request.version_id).update(state=VersionState.DRAFT)
    _move(request, "withdrawn", RequestState.WITHDRAWN, actor, note)
    return request


def accepting_refusal_reason(item: ServiceItem, today: datetime.date | None = None) -> str | None:
    """Why the item takes no new applications today, or None when it does (suspension, maintenance, cut-off)."""
    today = today or _today()
    if item.status != ItemStatus.IN_SERVICE or item.published_version_id is None:
        return str(ItemStatus(item.status).label)
    if item.agency.is_cut_off:
        return item.agency.cut_off_reason or str(AnnouncementKind.CUT_OFF.label)
    window = item.lifecycle_requests.filter(
        kind=RequestKind.MAINTENANCE, state=RequestState.SCHEDULED,
        window_starts_on__lte=today, window_ends_on__gte=today,
    ).first()
    if window is not None:
        dates = {"start": window.window_starts_on, "end": window.window_ends_on}
        return gettext("系统维护（%(start)s至%(end)s）") % dates
    return None


@transaction.atomic
def flag_overdue(today: datetime.date | None = None) -> int:
    """Mark every open request whose stage is past due and not yet flagged; returns how many were flagged."""
    today = today or _today()
    flagged = 0
    for request in LifecycleRequest.objects.overdue(today).filter(overdue_flagged_at__isnull=True).select_for_update():
        request.overdue_flagged_at = timezone.now()
        request.save(update_fields=["overdue_flagged_at"])
        audit.record("catalogue.request.overdue", agency_id=request.agency_id, obj=request,
                     data={"due_on": request.due_on.isoformat() if request.due_on else None,
                           "state": request.state})
        flagged += 1
    return flagged
