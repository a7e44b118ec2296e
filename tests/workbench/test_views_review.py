"""Review actions on lifecycle requests: civil affairs, catalogue authority, platform operator (ITEM-5 … ITEM-7)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from tests.factories import published_item, staff
from tests.workbench.test_views_support import (
    ACTORS,
    ANONYMOUS,
    ELSEWHERE,
    agencies,
    awaiting_execution,
    awaiting_publication,
    awaiting_test,
    filed,
    log_in,
    page_messages,
    role_refusal,
)
from tongban.agencies.models import Agency
from tongban.catalogue.errors import CatalogueError
from tongban.catalogue.models import LifecycleRequest, RequestState
from tongban.catalogue.models.choices import ItemStatus, VersionState
from tongban.identity.models import StaffRole

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class ReviewAction:
    """An action of a review role: the state it needs, what it posts and the state it leads to."""

    role: StaffRole
    build: Callable[[Agency], LifecycleRequest]
    data: dict[str, Any]
    after: RequestState


REVIEW_ACTIONS = {
    "civil-affairs": ReviewAction(StaffRole.CIVIL_AFFAIRS_REVIEWER, lambda agency: filed(agency, community=True),
                                  {"decision": "approve", "note": "同意下沉"}, RequestState.AWAITING_AUTHORITY),
    "authority": ReviewAction(StaffRole.CATALOGUE_AUTHORITY, filed, {"decision": "approve", "note": ""},
                              RequestState.AWAITING_TEST),
    "test": ReviewAction(StaffRole.PLATFORM_OPERATOR, awaiting_test, {"result": "passed", "report": "联调通过"},
                         RequestState.AWAITING_PUBLICATION),
    "publish": ReviewAction(StaffRole.PLATFORM_OPERATOR, awaiting_publication, {}, RequestState.COMPLETED),
    "execute": ReviewAction(StaffRole.PLATFORM_OPERATOR, awaiting_execution, {"note": "已暂停"},
                            RequestState.COMPLETED),
}


def _snapshot(lifecycle_request: LifecycleRequest) -> tuple[str, int, int]:
    lifecycle_request.refresh_from_db()
    return lifecycle_request.state, lifecycle_request.version_lock, lifecycle_request.steps.count()


def _action_url(lifecycle_request: LifecycleRequest, action: str) -> str:
    return reverse("workbench:request_action", args=[lifecycle_request.pk, action])


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("action", list(REVIEW_ACTIONS))
def test_review_actions_only_move_for_the_stage_role_covering_the_agency_item_5(client, action: str, actor: str):
    """ITEM-5/6/7: each stage's action is taken only by its role at an agency covering the request's agency."""
    # given a request waiting for this action at the home agency, and a visitor
    definition = REVIEW_ACTIONS[action]
    tree = agencies()
    lifecycle_request = definition.build(tree.home)
    before = _snapshot(lifecycle_request)
    log_in(client, actor, definition.role, tree)
    url = _action_url(lifecycle_request, action)

    # when the visitor posts the action with the current lock
    response = client.post(url, {**definition.data, "version_lock": lifecycle_request.version_lock})

    # then only the right role moves the request; everyone else is refused and nothing changes
    if actor == definition.role:
        assert response.status_code == 302
        assert response.url == reverse("workbench:request", args=[lifecycle_request.pk])
        assert _snapshot(lifecycle_request)[0] == definition.after
        assert _snapshot(lifecycle_request)[1] == before[1] + 1
        return
    if actor == ANONYMOUS:
        assert response.status_code == 302
        assert response.url == f"{reverse('workbench:login')}?next={url}"
    elif actor == ELSEWHERE:
        assert response.status_code == 404
    else:
        assert response.status_code == 302
        assert page_messages(client.get(response.url)) == [role_refusal(definition.role)]
    assert _snapshot(lifecycle_request) == before


@pytest.mark.parametrize("action", list(REVIEW_ACTIONS))
def test_a_stale_page_is_refused_with_the_stale_message_and_changes_nothing(client, action: str):
    """Two officers cannot both act: a form carrying an old version_lock gets CATALOGUE_REQUEST_STALE."""
    # given a request, and the right role holding a page from before its last step
    definition = REVIEW_ACTIONS[action]
    tree = agencies()
    lifecycle_request = definition.build(tree.home)
    before = _snapshot(lifecycle_request)
    client.force_login(staff(definition.role, tree.home))

    # when the stale form is posted
    response = client.post(_action_url(lifecycle_request, action),
                           {**definition.data, "version_lock": lifecycle_request.version_lock - 1}, follow=True)

    # then the stale message is shown and the request is as it was
    error = CatalogueError.REQUEST_STALE
    assert page_messages(response) == [f"{error.format()}（{error.code}）"]
    assert _snapshot(lifecycle_request) == before


def test_authority_rejection_needs_a_note_then_rejects_the_version_item_5(client):
    """ITEM-5: a rejection without a note is refused; with one, the request and its version are rejected."""
    # given an opening request waiting for the authority
    tree = agencies()
    lifecycle_request = filed(tree.home)
    client.force_login(staff(StaffRole.CATALOGUE_AUTHORITY, tree.city))
    url = _action_url(lifecycle_request, "authority")

    # when the authority rejects without a note, then with one
    without_note = client.post(url, {"decision": "reject", "note": " ", "version_lock": 1}, follow=True)
    lifecycle_request.refresh_from_db()
    with_note = client.post(url, {"decision": "reject", "note": "设定依据不全",
                                  "version_lock": lifecycle_request.version_lock}, follow=True)

    # then the first is refused with REASON_REQUIRED and the second rejects
    error = CatalogueError.REASON_REQUIRED
    assert page_messages(without_note) == [f"{error.format()}（{error.code}）"]
    assert page_messages(with_note) == ["审核意见已提交"]
    lifecycle_request.refresh_from_db()
    assert lifecycle_request.state == RequestState.REJECTED
    assert lifecycle_request.version.state == VersionState.REJECTED


def test_failed_test_goes_back_to_the_agency_for_retest_item_5(client):
    """ITEM-5: a failed integration test returns the request to the agency with the report."""
    # given a request waiting for its test
    tree = agencies()
    lifecycle_request = awaiting_test(tree.home)
    client.force_login(staff(StaffRole.PLATFORM_OPERATOR, tree.city))

    # when the operator records a failure with a report
    client.post(_action_url(lifecycle_request, "test"),
                {"result": "failed", "report": "回调签名错误", "version_lock": lifecycle_request.version_lock})

    # then the request waits for the agency's retest, with the report kept
    lifecycle_request.refresh_from_db()
    assert lifecycle_request.state == RequestState.RETURNED_FOR_RETEST
    assert lifecycle_request.test_passed is False
    assert lifecycle_request.test_report == "回调签名错误"


def test_publishing_puts_the_version_live_item_5(client):
    """ITEM-5: the operator's publication makes the filed version the published one and opens the item."""
    # given a tested opening request
    tree = agencies()
    lifecycle_request = awaiting_publication(tree.home)
    client.force_login(staff(StaffRole.PLATFORM_OPERATOR, tree.city))

    # when the operator publishes
    client.post(_action_url(lifecycle_request, "publish"), {"version_lock": lifecycle_request.version_lock})

    # then the item is in service with this version published
    item = lifecycle_request.item
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_SERVICE
    assert item.published_version_id == lifecycle_request.version_id


def test_request_page_shows_the_guide_the_changes_and_the_history_item_5(client):
    """ITEM-5: a change request's page names the guide fields it changes against the published version."""
    # given a published item and a change request altering its promised limit and conditions
    from tongban.catalogue.services import guides, lifecycle

    tree = agencies()
    item = published_item(tree.home)
    document = guides.item_document(item.published_version, with_status=False)
    document["guide"]["promised_limit"] = {"value": 3, "unit": "working_days"}
    document["guide"]["conditions"] = "本市常住人口。"
    change = lifecycle.file_version(None, guides.save_item_document(document, actor_label="test"), "压缩时限")
    client.force_login(staff(StaffRole.CATALOGUE_AUTHORITY, tree.city))

    # when the authority opens the request
    response = client.get(reverse("workbench:request", args=[change.pk]))

    # then the page shows the changed fields, the materials and the filing step, with the decision form
    assert response.status_code == 200
    assert [str(label) for label in response.context["changes"]] == ["受理条件", "承诺时限"]
    assert [step.step.action for step in response.context["steps"]] == ["filed"]
    assert response.context["actions"] == ["authority"]
    content = response.content.decode()
    assert "授权委托书" in content
    assert f'name="version_lock" value="{change.version_lock}"' in content


def test_request_of_another_agency_is_not_shown(client):
    """Staff never see requests of agencies their roles do not cover."""
    # given a request at the home agency and an authority at the other agency
    tree = agencies()
    lifecycle_request = filed(tree.home)
    client.force_login(staff(StaffRole.CATALOGUE_AUTHORITY, tree.other))

    # when that authority asks for the request
    response = client.get(reverse("workbench:request", args=[lifecycle_request.pk]))

    # then it does not exist for them
    assert response.status_code == 404
