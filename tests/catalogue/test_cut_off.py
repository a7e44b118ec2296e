"""The operator's cut-off switch (SEC-3): disconnect an agency at once, with a public announcement; restore it."""

from __future__ import annotations

import pytest

from tests.factories import AgencyFactory, published_item, staff
from tests.identity.factories import PersonFactory
from tongban.agencies.models import Agency
from tongban.cases.errors import CaseError
from tongban.cases.models import Case, Channel
from tongban.cases.services import applications
from tongban.catalogue.errors import CutOffError
from tongban.catalogue.models import Announcement, AnnouncementKind
from tongban.catalogue.services import cut_off
from tongban.catalogue.services.lifecycle import accepting_refusal_reason
from tongban.catalogue.services.queries import active_announcements
from tongban.core.errors import TongbanError
from tongban.core.models import AuditEvent
from tongban.identity.errors import IdentityError
from tongban.identity.models import StaffRole

pytestmark = pytest.mark.django_db

REASON = "业务系统遭受攻击，向平台发送异常流量"
TITLE = "关于暂停上海市测试局网上办事服务的公告"
BODY = "因系统安全原因，该局网上办事服务暂停，恢复时间另行通知。"


@pytest.fixture
def operator():  # type: ignore[no-untyped-def]
    return staff(StaffRole.PLATFORM_OPERATOR, AgencyFactory(name="上海市大数据中心"))


def _cut(actor, agency: Agency) -> Announcement:  # type: ignore[no-untyped-def]
    return cut_off.cut_off(actor, agency, reason=REASON, announcement_title=TITLE, announcement_body=BODY)


def _state() -> tuple[int, int, list[tuple[int, bool]]]:
    return (Announcement.objects.count(), AuditEvent.objects.count(),
            list(Agency.objects.order_by("pk").values_list("pk", "is_cut_off")))


def test_sec_3_cutting_off_publishes_the_announcement_and_stops_new_applications(operator):
    """SEC-3: the agency is cut off at once; its items refuse applications and show the announcement; audited."""
    # given an agency with an item in service
    agency = AgencyFactory()
    item = published_item(agency)
    assert accepting_refusal_reason(item) is None
    # when the operator cuts it off
    announcement = _cut(operator, agency)
    # then the agency is marked with the reason and time, and the announcement is public, about the whole agency
    agency.refresh_from_db()
    assert (agency.is_cut_off, agency.cut_off_reason) == (True, REASON)
    assert agency.cut_off_at == announcement.published_at
    assert (announcement.kind, announcement.agency, announcement.item, announcement.title, announcement.body) == (
        AnnouncementKind.CUT_OFF, agency, None, TITLE, BODY)
    item.refresh_from_db()
    assert [entry.pk for entry in active_announcements(item)] == [announcement.pk]
    assert accepting_refusal_reason(item) == REASON
    # and the switch is in the audit log under the operator's name
    event = AuditEvent.objects.get(action="catalogue.agency.cut_off")
    assert (event.actor_id, event.agency_id, event.data) == (
        operator.pk, agency.pk, {"reason": REASON, "announcement_id": announcement.pk})


def test_sec_3_a_cut_off_agencys_item_refuses_a_new_application(operator):
    """SEC-3: an applicant cannot start an application for an item of a cut-off agency."""
    # given a cut-off agency's item
    agency = AgencyFactory()
    item = published_item(agency)
    _cut(operator, agency)
    item.refresh_from_db()
    applicant = PersonFactory(level=2)
    # when an applicant starts a draft
    with pytest.raises(TongbanError) as refused:
        applications.start_draft(applicant.user, item, channel=Channel.PC)
    # then it is refused naming the cut-off, and no case exists
    assert refused.value.error == CaseError.AGENCY_CUT_OFF
    assert REASON in refused.value.message
    assert Case.objects.count() == 0


def test_sec_3_the_guide_page_shows_the_cut_off_announcement(client, operator):
    """SEC-3: the item's public guide shows the announcement of its agency's cut-off."""
    agency = AgencyFactory()
    item = published_item(agency)
    _cut(operator, agency)
    page = client.get(f"/items/{item.implementation_code}/").content.decode()
    assert TITLE in page


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"reason": "  "}, "CUT_OFF_REASON_REQUIRED"),
        ({"announcement_title": ""}, "CUT_OFF_ANNOUNCEMENT_REQUIRED"),
        ({"announcement_body": " "}, "CUT_OFF_ANNOUNCEMENT_REQUIRED"),
    ],
)
def test_sec_3_a_cut_off_without_reason_or_announcement_is_refused(operator, changes, code):
    """SEC-3: no silent cut-off: a reason and a public announcement are required; nothing changes."""
    agency = AgencyFactory()
    before = _state()
    arguments = {"reason": REASON, "announcement_title": TITLE, "announcement_body": BODY, **changes}
    with pytest.raises(TongbanError) as refused:
        cut_off.cut_off(operator, agency, **arguments)
    assert refused.value.code == code
    assert _state() == before


@pytest.mark.parametrize("role", [role for role in StaffRole if role != StaffRole.PLATFORM_OPERATOR])
def test_sec_3_only_the_platform_operator_may_cut_off(role):
    """SEC-3: every other role, even the agency's own admin, is refused; nothing changes."""
    agency = AgencyFactory()
    actor = staff(role, agency)
    before = _state()
    with pytest.raises(TongbanError) as refused:
        _cut(actor, agency)
    assert refused.value.error == IdentityError.ROLE_REQUIRED
    assert _state() == before


def test_sec_3_an_agency_already_cut_off_is_not_cut_off_twice(operator):
    """SEC-3: a second cut-off is refused with the time of the first; no second announcement."""
    agency = AgencyFactory()
    _cut(operator, agency)
    before = _state()
    with pytest.raises(TongbanError) as refused:
        _cut(operator, agency)
    assert refused.value.error == CutOffError.ALREADY_CUT_OFF
    assert _state() == before


def test_sec_3_restoring_ends_the_announcement_and_publishes_a_resumption_notice(operator):
    """SEC-3: after restore the items accept again, the cut-off notice is no longer shown, a notice says so."""
    # given a cut-off agency with an item
    agency = AgencyFactory(name="上海市测试局")
    item = published_item(agency)
    cut = _cut(operator, agency)
    # when the operator restores it
    notice = cut_off.restore(operator, agency, note="安全隐患已排除，恢复网上办事服务。")
    # then the agency is connected again and its items accept applications
    agency.refresh_from_db()
    item.refresh_from_db()
    assert (agency.is_cut_off, agency.cut_off_reason, agency.cut_off_at) == (False, "", None)
    assert accepting_refusal_reason(item) is None
    # and the public sees the resumption notice instead of the cut-off
    assert [entry.pk for entry in active_announcements(item)] == [notice.pk]
    assert (notice.kind, notice.title, notice.body) == (
        AnnouncementKind.GENERAL, "上海市测试局已恢复连接", "安全隐患已排除，恢复网上办事服务。")
    cut.refresh_from_db()
    assert cut.ends_on is not None
    assert AuditEvent.objects.filter(action="catalogue.agency.restored", agency_id=agency.pk).count() == 1


@pytest.mark.parametrize(("note", "cut_first", "code"), [
    ("恢复", False, "CUT_OFF_NOT_CUT_OFF"),
    ("  ", True, "CUT_OFF_NOTE_REQUIRED"),
])
def test_sec_3_restoring_needs_a_cut_off_agency_and_a_note(operator, note, cut_first, code):
    """SEC-3: restoring an agency that is connected, or without a note, is refused; nothing changes."""
    agency = AgencyFactory()
    if cut_first:
        _cut(operator, agency)
    before = _state()
    with pytest.raises(TongbanError) as refused:
        cut_off.restore(operator, agency, note=note)
    assert refused.value.code == code
    assert _state() == before


def test_sec_3_restoring_is_for_the_operator_only():
    """SEC-3: an agency admin cannot reconnect its own agency."""
    agency = AgencyFactory()
    _cut(None, agency)
    with pytest.raises(TongbanError) as refused:
        cut_off.restore(staff(StaffRole.AGENCY_ADMIN, agency), agency, note="我们修好了")
    assert refused.value.error == IdentityError.ROLE_REQUIRED
    agency.refresh_from_db()
    assert agency.is_cut_off
