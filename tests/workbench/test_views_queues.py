"""Review queues: scope, order, overdue flags, filters, pagination and query count (ITEM-5, ITEM-6, ITEM-7)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import staff
from tests.workbench.test_views_support import (
    agencies,
    awaiting_execution,
    awaiting_publication,
    awaiting_test,
    filed,
    in_service,
    returned_for_retest,
)
from tongban.catalogue.models import LifecycleRequest, RequestKind
from tongban.catalogue.services import lifecycle
from tongban.identity.models import StaffRole

pytestmark = pytest.mark.django_db

AUTHORITY_QUEUE = reverse("workbench:queue", args=["authority"])


def _rows(response) -> list[int]:  # noqa: ANN001 - Django test response
    return [entry.pk for entry in response.context["page_obj"]]


def _set_due(lifecycle_request: LifecycleRequest, due_on: datetime.date) -> None:
    # Test setup: place the stage's due date where the test needs it.
    LifecycleRequest.objects.filter(pk=lifecycle_request.pk).update(due_on=due_on)


def test_authority_queue_lists_covered_requests_by_due_date_item_5(client):
    """ITEM-5: the authority sees requests awaiting it at covered agencies only, earliest due first."""
    # given requests at two agencies, one overdue, one due today and one later, and an authority over one agency
    tree = agencies()
    today = timezone.localdate()
    later, due_today, overdue = filed(tree.home), filed(tree.home), filed(tree.home)
    _set_due(later, today + datetime.timedelta(days=3))
    _set_due(due_today, today)
    _set_due(overdue, today - datetime.timedelta(days=1))
    outside = filed(tree.other)
    awaiting_test(tree.home)
    client.force_login(staff(StaffRole.CATALOGUE_AUTHORITY, tree.home))

    # when the authority opens the queue
    response = client.get(AUTHORITY_QUEUE)

    # then the covered requests awaiting the authority come earliest due first, the overdue one flagged
    assert _rows(response) == [overdue.pk, due_today.pk, later.pk]
    assert outside.pk not in _rows(response)
    content = response.content.decode()
    assert content.count('badge--red badge--strong">已超期</span>') == 1
    assert content.count('badge--amber badge--strong">今日到期</span>') == 1
    assert content.count('class="row--overdue"') == 1
    assert content.count('class="row--due-today"') == 1


def test_operator_queue_holds_test_publication_and_execution_item_5_item_6(client):
    """ITEM-5/6: the operator's queue holds tests, publications and executions, not the agency's retests."""
    # given one request in each operator stage and one returned for retest
    tree = agencies()
    expected = {awaiting_test(tree.home).pk, awaiting_publication(tree.home).pk, awaiting_execution(tree.home).pk}
    returned_for_retest(tree.home)
    client.force_login(staff(StaffRole.PLATFORM_OPERATOR, tree.city))

    # when the operator opens the queue
    response = client.get(reverse("workbench:queue", args=["operator"]))

    # then exactly the three operator stages are listed
    assert set(_rows(response)) == expected


def test_civil_affairs_queue_holds_community_items_first_item_7(client):
    """ITEM-7: community-centre items wait for civil affairs before the authority sees them."""
    # given a community-centre request and an ordinary one
    tree = agencies()
    community = filed(tree.home, community=True)
    ordinary = filed(tree.home)
    client.force_login(staff(StaffRole.CIVIL_AFFAIRS_REVIEWER, tree.city))
    authority = staff(StaffRole.CATALOGUE_AUTHORITY, tree.city)

    # when civil affairs and the authority open their queues
    civil_rows = _rows(client.get(reverse("workbench:queue", args=["civil-affairs"])))
    client.force_login(authority)
    authority_rows = _rows(client.get(AUTHORITY_QUEUE))

    # then the community request is only in civil affairs' queue
    assert civil_rows == [community.pk]
    assert authority_rows == [ordinary.pk]


def test_queue_filters_by_kind_and_agency(client):
    """The queue narrows to one kind of request and one agency."""
    # given an opening request at each department and a termination request at home
    tree = agencies()
    home_opening = filed(tree.home)
    filed(tree.other)
    termination = lifecycle.file_status_change(None, in_service(tree.home), RequestKind.TERMINATE, "撤销")
    client.force_login(staff(StaffRole.CATALOGUE_AUTHORITY, tree.city))

    # when the authority filters by kind "open" at the home agency, then by kind "terminate"
    openings = _rows(client.get(AUTHORITY_QUEUE, {"kind": "open", "agency": tree.home.pk}))
    terminations = _rows(client.get(AUTHORITY_QUEUE, {"kind": "terminate"}))

    # then each filter keeps exactly its requests
    assert openings == [home_opening.pk]
    assert terminations == [termination.pk]


def test_queue_paginates_and_keeps_filters_in_page_links(client):
    """Twenty rows a page; the next-page link keeps the filters."""
    # given 21 opening requests
    tree = agencies()
    for _number in range(21):
        filed(tree.home)
    client.force_login(staff(StaffRole.CATALOGUE_AUTHORITY, tree.city))

    # when the authority opens the first and second pages filtered by kind
    first = client.get(AUTHORITY_QUEUE, {"kind": "open"})
    second = client.get(AUTHORITY_QUEUE, {"kind": "open", "page": 2})

    # then the pages hold 20 and 1 rows and the link carries the filter
    assert (len(_rows(first)), len(_rows(second))) == (20, 1)
    assert "?kind=open&amp;page=2" in first.content.decode()


def test_queue_needs_the_role(client):
    """Without the queue's role the page says so and lists nothing."""
    # given a request awaiting the authority and an agency admin
    tree = agencies()
    filed(tree.home)
    client.force_login(staff(StaffRole.AGENCY_ADMIN, tree.home))

    # when the admin opens the authority queue
    response = client.get(AUTHORITY_QUEUE)

    # then nothing is listed
    assert response.context["holds_role"] is False
    assert _rows(response) == []


def test_authority_queue_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries):
    """The queue page costs a small fixed number of queries whether it lists one request or a full page."""
    # given one request, measured; then 30 requests
    tree = agencies()
    filed(tree.home)
    client.force_login(staff(StaffRole.CATALOGUE_AUTHORITY, tree.city))
    with CaptureQueriesContext(connection) as one_row:
        client.get(AUTHORITY_QUEUE)
    for _number in range(29):
        filed(tree.home)

    # when the authority opens the queue with 30 requests waiting (7: the session's TOTP device is one query)
    with django_assert_max_num_queries(7), CaptureQueriesContext(connection) as full_page:
        response = client.get(AUTHORITY_QUEUE)

    # then it lists a full page with as many queries as for one row
    assert len(_rows(response)) == 20
    assert len(full_page) == len(one_row)
