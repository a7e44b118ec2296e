"""The operator's cut-off page (SEC-3): cut off and restore agencies; webhook deliveries needing attention (PLAT-3).

A platform operator's role is platform-wide, so the refusals are tried with
nobody logged in and every other staff role.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import AgencyFactory, published_item, staff
from tests.identity.factories import PersonFactory
from tests.workbench.test_views_support import ANONYMOUS, page_messages
from tongban.agencies.models import Agency
from tongban.agencies.services import issue_credential
from tongban.cases.models import Case, CaseState, Channel, DeliveryAttempt, DeliveryState, WebhookDelivery
from tongban.cases.services import exchange
from tongban.catalogue.models import Announcement, AnnouncementKind
from tongban.catalogue.services import cut_off
from tongban.core.models import AuditEvent
from tongban.identity.models import StaffRole

pytestmark = pytest.mark.django_db

PAGE = reverse("workbench:cut_off")
CUT = reverse("workbench:cut_off_agency")
REFUSED = [ANONYMOUS, *[role.value for role in StaffRole if role != StaffRole.PLATFORM_OPERATOR]]
FORM = {"reason": "异常流量", "announcement_title": "暂停公告", "announcement_body": "该单位网上服务暂停。"}


def _restore_url(agency: Agency) -> str:
    return reverse("workbench:cut_off_restore", args=[agency.pk])


def _operator(client) -> None:  # noqa: ANN001 - Django test client
    client.force_login(staff(StaffRole.PLATFORM_OPERATOR, AgencyFactory(name="上海市大数据中心")))


def test_sec_3_the_operator_cuts_an_agency_off_from_the_page(client):
    """SEC-3: the form cuts the chosen agency off and publishes the announcement; the page lists it."""
    # given an operator and a connected agency
    agency = AgencyFactory(name="上海市测试局")
    _operator(client)
    # when the operator submits the cut-off form
    response = client.post(CUT, {"agency": agency.pk, **FORM}, follow=True)
    # then the agency is cut off, the announcement published, and the page lists the agency with a restore form
    agency.refresh_from_db()
    assert agency.is_cut_off and agency.cut_off_reason == "异常流量"
    assert Announcement.objects.get(kind=AnnouncementKind.CUT_OFF).title == "暂停公告"
    assert page_messages(response) == ["已中断“上海市测试局”的连接，并发布公告"]
    assert [entry.pk for entry in response.context["cut_off_agencies"]] == [agency.pk]
    assert _restore_url(agency) in response.content.decode()


def test_sec_3_an_incomplete_cut_off_form_changes_nothing(client):
    """SEC-3: without an announcement the form is shown again with the error (400); nothing changes."""
    agency = AgencyFactory()
    _operator(client)
    response = client.post(CUT, {"agency": agency.pk, **FORM, "announcement_body": ""})
    assert response.status_code == 400
    agency.refresh_from_db()
    assert not agency.is_cut_off
    assert Announcement.objects.count() == 0


def test_sec_3_the_operator_restores_an_agency(client):
    """SEC-3: the restore form reconnects the agency and the page says so."""
    agency = AgencyFactory(name="上海市测试局")
    cut_off.cut_off(None, agency, reason="异常流量", announcement_title="暂停公告", announcement_body="暂停。")
    _operator(client)
    response = client.post(_restore_url(agency), {"note": "已排除隐患"}, follow=True)
    agency.refresh_from_db()
    assert not agency.is_cut_off
    assert page_messages(response) == ["已恢复“上海市测试局”的连接"]
    assert response.context["cut_off_agencies"] == []


def test_sec_3_restoring_a_connected_agency_shows_the_refusal(client):
    """SEC-3: restoring an agency that is not cut off shows the service's refusal with its code."""
    agency = AgencyFactory(name="上海市测试局")
    _operator(client)
    response = client.post(_restore_url(agency), {"note": "恢复"}, follow=True)
    assert page_messages(response) == ["“上海市测试局”未中断连接，无需恢复（CUT_OFF_NOT_CUT_OFF）"]
    assert AuditEvent.objects.filter(action="catalogue.agency.restored").count() == 0


def test_plat_3_the_page_shows_deliveries_retrying_and_given_up(client):
    """PLAT-3: the operator sees per agency the webhook deliveries retrying and given up, with the last error."""
    # given an agency whose receiver failed: one row retrying, one given up
    agency = AgencyFactory(name="上海市测试局")
    item = published_item(agency)
    exchange.subscribe(issue_credential(agency, "系统")[0], url="https://bureau.example.gov.cn/hook",
                       event_types=[], item_codes=[])
    case = Case.objects.create(
        number="TB2026060100000001", item=item, version=item.published_version, applicant=PersonFactory(level=2),
        channel=Channel.PC, handling_agency=agency, state=CaseState.SUBMITTED, submitted_at=timezone.now(),
    )
    retrying, gave_up = (exchange.publish_case_event(case, "case.submitted")[0],
                         exchange.publish_case_event(case, "case.accepted")[0])
    WebhookDelivery.objects.filter(pk=retrying.pk).update(attempts=2)
    WebhookDelivery.objects.filter(pk=gave_up.pk).update(attempts=40, state=DeliveryState.GAVE_UP)
    DeliveryAttempt.objects.create(delivery=gave_up, attempted_at=timezone.now() - datetime.timedelta(minutes=1),
                                   error="HTTP 502", status_code=502)
    _operator(client)
    # when the operator opens the page
    response = client.get(PAGE)
    # then the agency's row counts them, and the given-up delivery is listed with its last error
    [row] = response.context["attention"]
    assert (row.agency_name, row.waiting, row.retrying, row.gave_up, row.withheld) == ("上海市测试局", 1, 1, 1, 0)
    page = response.content.decode()
    assert gave_up.event_id in page and "HTTP 502" in page and case.number in page


@pytest.mark.parametrize("actor", REFUSED)
def test_sec_3_only_the_platform_operator_sees_or_uses_the_switch(client, actor: str):
    """SEC-3: nobody else may open the page, cut off or restore; a refusal changes nothing."""
    # given a connected and a cut-off agency
    connected = AgencyFactory()
    disconnected = AgencyFactory()
    cut_off.cut_off(None, disconnected, reason="异常流量", announcement_title="暂停公告", announcement_body="暂停。")
    before = (list(Agency.objects.order_by("pk").values_list("is_cut_off", flat=True)),
              Announcement.objects.count(), AuditEvent.objects.count())
    if actor != ANONYMOUS:
        client.force_login(staff(StaffRole(actor), connected))
    # when they try each page
    responses = [
        client.get(PAGE),
        client.post(CUT, {"agency": connected.pk, **FORM}),
        client.post(_restore_url(disconnected), {"note": "恢复"}),
    ]
    # then each is refused and nothing changed
    if actor == ANONYMOUS:
        assert all(response.status_code == 302 and "/workbench/login/" in response["Location"]
                   for response in responses)
    else:
        assert [response.status_code for response in responses] == [403, 403, 403]
    assert (list(Agency.objects.order_by("pk").values_list("is_cut_off", flat=True)),
            Announcement.objects.count(), AuditEvent.objects.count()) == before
