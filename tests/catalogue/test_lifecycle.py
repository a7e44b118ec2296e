"""The item lifecycle (ITEM-4 … ITEM-7) with due dates in working days on the official calendar."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from tests.factories import AgencyFactory, item_document, published_item, staff
from tongban.agencies.models import AgencyKind, AgencyLevel
from tongban.catalogue.models import Announcement, LifecycleRequest, RequestKind, RequestState, ServiceItem
from tongban.catalogue.models.choices import ItemStatus, VersionState
from tongban.catalogue.services import lifecycle
from tongban.catalogue.services.guides import save_item_document
from tongban.core.errors import TongbanError, ValidationProblems
from tongban.core.models import AuditEvent
from tongban.identity.models import StaffRole

pytestmark = pytest.mark.django_db

# Wednesday before the 2026 National Day holiday (10-01 … 10-07 off, Saturday 10-10 a make-up workday).
BEFORE_NATIONAL_DAY = datetime.datetime(2026, 9, 30, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def city():
    return AgencyFactory(name="上海市人民政府", kind=AgencyKind.GOVERNMENT)


@pytest.fixture
def bureau(city):
    return AgencyFactory(name="上海市市场监督管理局", parent=city)


@pytest.fixture
def people(city, bureau):
    """One staff member per role: the agency admin at the bureau, city-wide roles at the city root."""
    return {
        "admin": staff(StaffRole.AGENCY_ADMIN, bureau),
        "authority": staff(StaffRole.CATALOGUE_AUTHORITY, city),
        "operator": staff(StaffRole.PLATFORM_OPERATOR, city),
        "civil": staff(StaffRole.CIVIL_AFFAIRS_REVIEWER, city),
    }


def _draft(agency, **changes):
    return save_item_document(item_document(agency, **changes), actor_label="test")


@time_machine.travel(BEFORE_NATIONAL_DAY, tick=False)
def test_item_5_opening_goes_authority_then_operator_with_working_day_limits(bureau, people):
    """ITEM-5: authority decides within 2 working days, operator tests and publishes within 5."""
    # given a complete draft
    version = _draft(bureau)
    # when the agency files it, the authority's 2 working days skip the National Day holiday
    request = lifecycle.file_version(people["admin"], version, "新事项上线")
    assert (request.kind, request.state) == (RequestKind.OPEN, RequestState.AWAITING_AUTHORITY)
    assert request.due_on == datetime.date(2026, 10, 9)
    version.refresh_from_db()
    assert version.state == VersionState.IN_REVIEW
    # when the authority approves on 2026-10-09, the operator's 5 days count the make-up Saturday 10-10
    with time_machine.travel(datetime.datetime(2026, 10, 9, 9, 0, tzinfo=datetime.UTC), tick=False):
        lifecycle.decide_authority(people["authority"], request, approve=True, note="同意")
    request.refresh_from_db()
    assert (request.state, request.due_on) == (RequestState.AWAITING_TEST, datetime.date(2026, 10, 15))
    # when the operator passes the test and publishes
    lifecycle.record_test(people["operator"], request, passed=True, report="联调通过")
    request.refresh_from_db()
    assert (request.state, request.due_on) == (RequestState.AWAITING_PUBLICATION, datetime.date(2026, 10, 15))
    lifecycle.publish(people["operator"], request)
    # then the item is in service with v1 published, and every step is in the audit log
    item = ServiceItem.objects.get(pk=version.item_id)
    assert (item.status, item.published_version_id) == (ItemStatus.IN_SERVICE, version.pk)
    assert [step.action for step in request.steps.all()] == [
        "filed", "authority_approved", "test_passed", "published"
    ]
    audited = AuditEvent.objects.filter(object_type="catalogue.lifecyclerequest").values_list("action", flat=True)
    assert list(audited) == [
        "catalogue.request.filed", "catalogue.request.authority_approved",
        "catalogue.request.test_passed", "catalogue.request.published",
    ]


def test_item_5_failed_test_returns_to_agency_and_retest_restarts_operator_clock(bureau, people):
    """ITEM-5: a failed test goes back to the agency for retest."""
    request = lifecycle.file_version(people["admin"], _draft(bureau), "上线")
    lifecycle.decide_authority(people["authority"], request, approve=True)
    lifecycle.record_test(people["operator"], request, passed=False, report="接口超时")
    request.refresh_from_db()
    assert (request.state, request.due_on, request.test_passed) == (RequestState.RETURNED_FOR_RETEST, None, False)
    lifecycle.resubmit_for_test(people["admin"], request, "已修复接口")
    request.refresh_from_db()
    assert request.state == RequestState.AWAITING_TEST
    assert request.test_passed is None


def test_item_4_publishing_without_a_passed_test_is_refused(bureau, people):
    """ITEM-4: an item may open only after a passed integration test."""
    request = lifecycle.file_version(people["admin"], _draft(bureau), "上线")
    lifecycle.decide_authority(people["authority"], request, approve=True)
    with pytest.raises(TongbanError) as refusal:
        lifecycle.publish(people["operator"], request)
    assert refusal.value.code == "CATALOGUE_TEST_NOT_PASSED"
    item = ServiceItem.objects.get(pk=request.item_id)
    assert (item.status, item.published_version_id) == (ItemStatus.DRAFT, None)


def test_item_4_incomplete_guide_cannot_be_filed(bureau, people):
    """ITEM-4: opening needs a complete guide and an optimisation record; the draft stays a draft."""
    version = _draft(bureau, optimisation_record={}, contact_phone="")
    with pytest.raises(ValidationProblems) as refusal:
        lifecycle.file_version(people["admin"], version, "上线")
    assert refusal.value.code == "CATALOGUE_GUIDE_INCOMPLETE"
    assert [problem["code"] for problem in refusal.value.problems] == [
        "CATALOGUE_FORMAT_INVALID", "CATALOGUE_OPTIMISATION_RECORD_MISSING"
    ]
    version.refresh_from_db()
    assert version.state == VersionState.DRAFT
    assert LifecycleRequest.objects.count() == 0


def test_item_5_change_keeps_published_version_live_until_new_one_is_published(bureau, people):
    """ITEM-5: a change is a new version; the published one stays live until the new one is published."""
    item = published_item(bureau)
    first = item.published_version
    document = item_document(bureau)
    document["implementation_code"] = item.implementation_code
    document["basic_item"] = {
        "basic_code": item.basic_item.basic_code, "name": item.basic_item.name,
        "item_type": item.basic_item.item_type, "public_service_field": "", "legal_basis": item.basic_item.legal_basis,
    }
    document["guide"]["promised_limit"] = {"value": 3, "unit": "working_days"}
    second = save_item_document(document, actor_label="test")
    assert second.number == 2
    request = lifecycle.file_version(people["admin"], second, "压缩承诺时限")
    assert request.kind == RequestKind.CHANGE
    lifecycle.decide_authority(people["authority"], request, approve=True)
    item.refresh_from_db()
    assert item.published_version_id == first.pk
    lifecycle.record_test(people["operator"], request, passed=True, report="通过")
    lifecycle.publish(people["operator"], request)
    item.refresh_from_db()
    first.refresh_from_db()
    assert item.published_version_id == second.pk
    assert first.state == VersionState.SUPERSEDED


def test_item_5_published_version_is_immutable(bureau):
    """ITEM-5: once filed or published, a version cannot be rewritten."""
    item = published_item(bureau)
    version = item.published_version
    version.conditions = "悄悄修改"
    with pytest.raises(Exception, match="不可修改"):
        version.save()


@time_machine.travel(BEFORE_NATIONAL_DAY, tick=False)
def test_item_6_suspension_authority_two_days_then_operator_one_day(bureau, people):
    """ITEM-6: suspend → authority within 2 working days → operator executes within 1."""
    item = published_item(bureau)
    request = lifecycle.file_status_change(people["admin"], item, RequestKind.SUSPEND, "政策调整")
    assert request.due_on == datetime.date(2026, 10, 9)
    lifecycle.decide_authority(people["authority"], request, approve=True)
    request.refresh_from_db()
    assert (request.state, request.due_on) == (RequestState.AWAITING_EXECUTION, datetime.date(2026, 10, 8))
    lifecycle.execute(people["operator"], request)
    item.refresh_from_db()
    assert item.status == ItemStatus.SUSPENDED
    assert Announcement.objects.filter(item=item, kind="suspension").count() == 1
    # and resumption is the same path
    resume = lifecycle.file_status_change(people["admin"], item, RequestKind.RESUME, "恢复")
    lifecycle.decide_authority(people["authority"], resume, approve=True)
    lifecycle.execute(people["operator"], resume)
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_SERVICE


@time_machine.travel(BEFORE_NATIONAL_DAY, tick=False)
def test_item_6_maintenance_must_be_filed_five_working_days_ahead(bureau, people):
    """ITEM-6: maintenance suspension filed with the operator at least 5 working days ahead."""
    item = published_item(bureau)
    # 5 working days after 2026-09-30 is 2026-10-13 (10-08, 10-09, make-up Saturday 10-10, 10-12, 10-13)
    with pytest.raises(TongbanError) as refusal:
        lifecycle.file_maintenance(people["admin"], item, starts_on=datetime.date(2026, 10, 10),
                                   ends_on=datetime.date(2026, 10, 11), reason="数据库升级")
    assert refusal.value.code == "CATALOGUE_MAINTENANCE_TOO_LATE"
    assert "2026-10-13" in refusal.value.message
    assert LifecycleRequest.objects.filter(kind=RequestKind.MAINTENANCE).count() == 0
    request = lifecycle.file_maintenance(people["admin"], item, starts_on=datetime.date(2026, 10, 13),
                                         ends_on=datetime.date(2026, 10, 13), reason="数据库升级")
    lifecycle.execute(people["operator"], request)
    request.refresh_from_db()
    assert request.state == RequestState.SCHEDULED
    assert lifecycle.accepting_refusal_reason(item, datetime.date(2026, 10, 13)).startswith("系统维护")
    assert lifecycle.accepting_refusal_reason(item, datetime.date(2026, 10, 14)) is None


def test_item_6_urgent_suspension_requires_announcement(bureau, people):
    """ITEM-6: an urgent immediate suspension requires a public announcement and a report to the operator."""
    item = published_item(bureau)
    with pytest.raises(TongbanError) as refusal:
        lifecycle.suspend_urgently(people["admin"], item, reason="系统故障", announcement_title="",
                                   announcement_body="")
    assert refusal.value.code == "CATALOGUE_ANNOUNCEMENT_REQUIRED"
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_SERVICE
    request = lifecycle.suspend_urgently(people["admin"], item, reason="系统故障", announcement_title="紧急暂停公告",
                                         announcement_body="因系统故障暂停受理。")
    item.refresh_from_db()
    assert item.status == ItemStatus.SUSPENDED
    assert request.state == RequestState.AWAITING_EXECUTION
    assert request.announcement.title == "紧急暂停公告"


def test_item_7_community_centre_items_need_civil_affairs_first(city, people):
    """ITEM-7: community-centre items need civil-affairs approval before the authority sees the request."""
    street = AgencyFactory(level=AgencyLevel.STREET, kind=AgencyKind.COMMUNITY_CENTRE, parent=city)
    admin = staff(StaffRole.AGENCY_ADMIN, street)
    document = item_document(street)
    document["is_community_delegated"] = True
    version = save_item_document(document, actor_label="test")
    request = lifecycle.file_version(admin, version, "下沉社区")
    assert request.state == RequestState.AWAITING_CIVIL_AFFAIRS
    # the authority cannot act before civil affairs
    with pytest.raises(TongbanError) as refusal:
        lifecycle.decide_authority(people["authority"], request, approve=True)
    assert refusal.value.code == "CATALOGUE_REQUEST_WRONG_STATE"
    lifecycle.decide_civil_affairs(people["civil"], request, approve=True, note="同意下沉")
    request.refresh_from_db()
    assert request.state == RequestState.AWAITING_AUTHORITY


@pytest.mark.parametrize("who", ["anonymous", "admin", "operator", "civil", "other_authority"])
def test_item_5_only_the_authority_covering_the_agency_decides(city, bureau, people, who):
    """ITEM-5 / PLAT-4: a transition by the wrong role or agency is refused and changes nothing."""
    from django.contrib.auth.models import AnonymousUser

    request = lifecycle.file_version(people["admin"], _draft(bureau), "上线")
    other_district = AgencyFactory(level=AgencyLevel.DISTRICT, parent=city)
    actors = {**people, "anonymous": AnonymousUser(), "other_authority": staff(StaffRole.CATALOGUE_AUTHORITY,
                                                                                 other_district)}
    audit_count = AuditEvent.objects.count()
    with pytest.raises(TongbanError) as refusal:
        lifecycle.decide_authority(actors[who], request, approve=True)
    expected = {
        "anonymous": "IDENTITY_LOGIN_REQUIRED", "other_authority": "IDENTITY_AGENCY_OUT_OF_SCOPE",
    }.get(who, "IDENTITY_ROLE_REQUIRED")
    assert refusal.value.code == expected
    request.refresh_from_db()
    assert (request.state, request.steps.count()) == (RequestState.AWAITING_AUTHORITY, 1)
    assert AuditEvent.objects.count() == audit_count


def test_stale_lock_is_refused(bureau, people):
    request = lifecycle.file_version(people["admin"], _draft(bureau), "上线")
    seen_lock = request.version_lock
    lifecycle.decide_authority(people["authority"], request, approve=True, expected_lock=seen_lock)
    with pytest.raises(TongbanError) as refusal:
        lifecycle.decide_authority(people["authority"], request, approve=False, note="驳回",
                                   expected_lock=seen_lock)
    assert refusal.value.code == "CATALOGUE_REQUEST_STALE"


def test_rejection_needs_a_reason_and_rejects_the_version(bureau, people):
    version = _draft(bureau)
    request = lifecycle.file_version(people["admin"], version, "上线")
    with pytest.raises(TongbanError) as refusal:
        lifecycle.decide_authority(people["authority"], request, approve=False, note=" ")
    assert refusal.value.code == "CATALOGUE_REASON_REQUIRED"
    lifecycle.decide_authority(people["authority"], request, approve=False, note="设定依据不充分")
    version.refresh_from_db()
    assert version.state == VersionState.REJECTED


def test_second_request_while_one_is_pending_is_refused(bureau, people):
    item = published_item(bureau)
    lifecycle.file_status_change(people["admin"], item, RequestKind.SUSPEND, "调整")
    with pytest.raises(TongbanError) as refusal:
        lifecycle.file_status_change(people["admin"], item, RequestKind.TERMINATE, "终止")
    assert refusal.value.code == "CATALOGUE_REQUEST_PENDING"


def test_withdrawn_request_returns_version_to_drafts(bureau, people):
    version = _draft(bureau)
    request = lifecycle.file_version(people["admin"], version, "上线")
    lifecycle.withdraw(people["admin"], request, "补充材料")
    version.refresh_from_db()
    assert version.state == VersionState.DRAFT


def test_item_5_overdue_requests_are_flagged_once(bureau, people):
    """ITEM-5: requests past their working-day limit are flagged."""
    with time_machine.travel(BEFORE_NATIONAL_DAY, tick=False):
        request = lifecycle.file_version(people["admin"], _draft(bureau), "上线")
    assert lifecycle.flag_overdue(datetime.date(2026, 10, 9)) == 0
    assert lifecycle.flag_overdue(datetime.date(2026, 10, 10)) == 1
    assert lifecycle.flag_overdue(datetime.date(2026, 10, 12)) == 0
    request.refresh_from_db()
    assert request.overdue_flagged_at is not None
    assert LifecycleRequest.objects.overdue(datetime.date(2026, 10, 10)).get() == request
