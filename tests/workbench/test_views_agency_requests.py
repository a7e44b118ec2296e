"""The agency admin's requests: filing, status changes, maintenance, urgent suspension, withdrawal, retest."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import staff
from tests.workbench.test_views_support import (
    ACTORS,
    ANONYMOUS,
    ELSEWHERE,
    agencies,
    draft,
    filed,
    in_service,
    log_in,
    page_messages,
    returned_for_retest,
    role_refusal,
)
from tongban.agencies.models import Agency
from tongban.catalogue.errors import CatalogueError
from tongban.catalogue.models import Announcement, LifecycleRequest, RequestKind, RequestState, ServiceItem
from tongban.catalogue.models.choices import ItemStatus, VersionState
from tongban.core.workdays import add_workdays
from tongban.identity.errors import IdentityError
from tongban.identity.models import StaffRole

pytestmark = pytest.mark.django_db


def _snapshot(item: ServiceItem) -> tuple[Any, ...]:
    """Everything an agency action could change about an item."""
    item.refresh_from_db()
    return (
        item.status,
        list(item.lifecycle_requests.order_by("pk").values_list("pk", "state", "version_lock")),
        list(item.versions.order_by("number").values_list("number", "state")),
        Announcement.objects.filter(item=item).count(),
    )


def _maintenance_window() -> dict[str, str]:
    starts = add_workdays(timezone.localdate(), 6)
    return {"starts_on": starts.isoformat(), "ends_on": (starts + datetime.timedelta(days=1)).isoformat()}


@dataclass(frozen=True)
class ItemAction:
    """An agency admin's form page on an item: how to reach its starting state, what to post, what follows."""

    url_name: str
    build: Callable[[Agency], ServiceItem]
    data: Callable[[], dict[str, Any]]
    expected_kind: RequestKind
    expected_state: RequestState


ITEM_ACTIONS = {
    "file_version": ItemAction("workbench:file_version", lambda agency: draft(agency).item,
                               lambda: {"reason": "申请上线"}, RequestKind.OPEN, RequestState.AWAITING_AUTHORITY),
    "status_change": ItemAction("workbench:status_change", in_service, lambda: {"kind": "suspend", "reason": "停办"},
                                RequestKind.SUSPEND, RequestState.AWAITING_AUTHORITY),
    "maintenance": ItemAction("workbench:maintenance", in_service, lambda: {**_maintenance_window(), "reason": "升级"},
                              RequestKind.MAINTENANCE, RequestState.AWAITING_EXECUTION),
    "urgent_suspension": ItemAction(
        "workbench:urgent_suspension", in_service,
        lambda: {"reason": "系统故障", "announcement_title": "暂停受理公告",
                 "announcement_body": "因系统故障暂停受理。"},
        RequestKind.URGENT_SUSPENSION, RequestState.AWAITING_EXECUTION,
    ),
}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("action", list(ITEM_ACTIONS))
def test_item_requests_are_filed_only_by_the_agency_admin_item_4_item_6(client, action: str, actor: str):
    """ITEM-4/5/6: only an agency admin covering the item's agency files requests about it."""
    # given an item in the state the action needs, and a visitor
    definition = ITEM_ACTIONS[action]
    tree = agencies()
    item = definition.build(tree.home)
    before = _snapshot(item)
    log_in(client, actor, StaffRole.AGENCY_ADMIN, tree)
    url = reverse(definition.url_name, args=[item.pk])

    # when the visitor posts the form
    response = client.post(url, definition.data())

    # then only the agency admin files the request; the others are refused and nothing changes
    if actor == StaffRole.AGENCY_ADMIN:
        created = item.lifecycle_requests.order_by("-pk").first()
        assert response.status_code == 302
        assert response.url == reverse("workbench:request", args=[created.pk])
        assert (created.kind, created.state) == (definition.expected_kind, definition.expected_state)
        return
    if actor == ANONYMOUS:
        assert response.status_code == 302
        assert response.url == f"{reverse('workbench:login')}?next={url}"
    elif actor == ELSEWHERE:
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        assert response.context["refusal"].code == IdentityError.ROLE_REQUIRED.code
    assert _snapshot(item) == before


@dataclass(frozen=True)
class RequestAction:
    """An agency admin's action on its own request."""

    build: Callable[[Agency], LifecycleRequest]
    after: RequestState


REQUEST_ACTIONS = {
    "withdraw": RequestAction(filed, RequestState.WITHDRAWN),
    "resubmit": RequestAction(returned_for_retest, RequestState.AWAITING_TEST),
}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("action", list(REQUEST_ACTIONS))
def test_withdraw_and_resubmit_only_by_the_agency_admin_item_5(client, action: str, actor: str):
    """ITEM-5: the agency withdraws its request or resubmits it for retest; no other role can."""
    # given the agency's request in the state the action needs
    definition = REQUEST_ACTIONS[action]
    tree = agencies()
    lifecycle_request = definition.build(tree.home)
    before = _snapshot(lifecycle_request.item)
    log_in(client, actor, StaffRole.AGENCY_ADMIN, tree)
    url = reverse("workbench:request_action", args=[lifecycle_request.pk, action])

    # when the visitor posts it
    response = client.post(url, {"note": "整改完毕", "version_lock": lifecycle_request.version_lock})

    # then only the agency admin moves the request
    if actor == StaffRole.AGENCY_ADMIN:
        lifecycle_request.refresh_from_db()
        assert response.status_code == 302
        assert lifecycle_request.state == definition.after
        return
    if actor == ANONYMOUS:
        assert response.status_code == 302
        assert response.url == f"{reverse('workbench:login')}?next={url}"
    elif actor == ELSEWHERE:
        assert response.status_code == 404
    else:
        assert page_messages(client.get(response.url)) == [role_refusal(StaffRole.AGENCY_ADMIN)]
    assert _snapshot(lifecycle_request.item) == before


def test_withdrawal_returns_the_version_to_the_drafts_and_goes_back_to_the_item_page(client):
    """A withdrawn opening request gives the agency its draft back; the item page's form returns to the item."""
    # given a filed opening request
    tree = agencies()
    lifecycle_request = filed(tree.home)
    client.force_login(staff(StaffRole.AGENCY_ADMIN, tree.home))
    item_url = reverse("workbench:agency_item", args=[lifecycle_request.item_id])

    # when the admin withdraws it from the item page
    response = client.post(reverse("workbench:request_action", args=[lifecycle_request.pk, "withdraw"]),
                           {"note": "", "version_lock": lifecycle_request.version_lock, "next": item_url})

    # then the version is a draft again and the admin is back on the item page
    assert response.url == item_url
    lifecycle_request.version.refresh_from_db()
    assert lifecycle_request.version.state == VersionState.DRAFT


def test_filing_an_incomplete_guide_lists_every_problem_with_its_path_item_4(client):
    """ITEM-4: a guide without contact phone, form fields or optimisation record cannot open; each gap is listed."""
    # given a draft missing what opening needs
    tree = agencies()
    version = draft(tree.home, contact_phone="", form_schema={}, optimisation_record={})
    client.force_login(staff(StaffRole.AGENCY_ADMIN, tree.home))
    url = reverse("workbench:file_version", args=[version.item_id])

    # when the admin looks at the filing page, then files
    preview = client.get(url)
    response = client.post(url, {"reason": "申请上线"})

    # then both show the three problems by path, the refusal is GUIDE_INCOMPLETE, and nothing is filed
    expected = [
        ("guide.contact_phone", "CATALOGUE_FORMAT_INVALID"),
        ("guide.form_schema", "CATALOGUE_FORMAT_INVALID"),
        ("guide.optimisation_record", "CATALOGUE_OPTIMISATION_RECORD_MISSING"),
    ]
    assert [(problem["path"], problem["code"]) for problem in preview.context["preview"]] == expected
    assert response.context["refusal"].code == CatalogueError.GUIDE_INCOMPLETE.code
    assert [(problem["path"], problem["code"]) for problem in response.context["problems"]] == expected
    assert "guide.optimisation_record" in response.content.decode()
    assert not LifecycleRequest.objects.filter(item_id=version.item_id).exists()


def test_late_maintenance_filing_shows_the_error_on_the_start_date_item_6(client):
    """ITEM-6: maintenance is filed at least 5 working days ahead; a late start date is refused on that field."""
    # given an item in service
    tree = agencies()
    item = in_service(tree.home)
    client.force_login(staff(StaffRole.AGENCY_ADMIN, tree.home))
    today = timezone.localdate()

    # when the admin files maintenance starting tomorrow
    response = client.post(reverse("workbench:maintenance", args=[item.pk]), {
        "starts_on": (today + datetime.timedelta(days=1)).isoformat(),
        "ends_on": (today + datetime.timedelta(days=2)).isoformat(), "reason": "升级",
    })

    # then the start-date field carries MAINTENANCE_TOO_LATE with the earliest allowed date
    error = CatalogueError.MAINTENANCE_TOO_LATE
    earliest = add_workdays(today, 5).isoformat()
    assert response.context["refusal"].code == error.code
    assert response.context["form"].errors["starts_on"] == [f"{error.format(earliest=earliest)}（{error.code}）"]
    assert not LifecycleRequest.objects.filter(item=item, kind=RequestKind.MAINTENANCE).exists()


def test_urgent_suspension_without_announcement_is_refused_item_6(client):
    """ITEM-6: an urgent suspension needs a public announcement; without one nothing is suspended."""
    # given an item in service
    tree = agencies()
    item = in_service(tree.home)
    client.force_login(staff(StaffRole.AGENCY_ADMIN, tree.home))

    # when the admin suspends it urgently without announcement text
    response = client.post(reverse("workbench:urgent_suspension", args=[item.pk]),
                           {"reason": "故障", "announcement_title": "", "announcement_body": ""})

    # then the announcement title field carries ANNOUNCEMENT_REQUIRED and the item stays in service
    error = CatalogueError.ANNOUNCEMENT_REQUIRED
    assert response.context["form"].errors["announcement_title"] == [f"{error.format()}（{error.code}）"]
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_SERVICE


def test_item_page_shows_versions_requests_and_their_history(client):
    """The item page lists versions and each request with its steps; another agency's admin gets a 404."""
    # given a filed opening request
    tree = agencies()
    lifecycle_request = filed(tree.home)
    url = reverse("workbench:agency_item", args=[lifecycle_request.item_id])
    client.force_login(staff(StaffRole.AGENCY_ADMIN, tree.home))

    # when its admin and another agency's admin open the item
    response = client.get(url)
    client.force_login(staff(StaffRole.AGENCY_ADMIN, tree.other))
    outsider = client.get(url)

    # then the admin sees version 1 in review and the filing step, with the withdraw form
    assert response.status_code == 200
    assert [(version.number, version.state) for version in response.context["versions"]] == [(1, "in_review")]
    assert [[entry.step.action for entry in request.history] for request in response.context["lifecycle_requests"]] \
        == [["filed"]]
    assert response.context["withdrawable"] is True
    assert outsider.status_code == 404
