"""The supervisor's read-only overview (ITEM-8)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import published_item, staff
from tests.workbench.test_views_support import ACTORS, ANONYMOUS, ELSEWHERE, agencies, draft, filed, log_in
from tongban.catalogue.models import LifecycleRequest
from tongban.identity.errors import IdentityError
from tongban.identity.models import StaffRole

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("workbench:supervision")


def test_overview_counts_items_requests_and_limits_per_agency_item_8(client):
    """ITEM-8: per agency, items by status, open and overdue requests by stage, and promised/statutory limits."""
    # given at home: two published items (promised 5 and 8 of 20 working days), a draft and two filed requests
    tree = agencies()
    published_item(tree.home)
    published_item(tree.home, promised_limit={"value": 8, "unit": "working_days"})
    published_item(tree.home, promised_limit={"value": 3, "unit": "calendar_days"})
    draft(tree.home)
    overdue, _fresh = filed(tree.home), filed(tree.home)
    LifecycleRequest.objects.filter(pk=overdue.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=2))
    published_item(tree.other, promised_limit={"value": 15, "unit": "working_days"})
    client.force_login(staff(StaffRole.SUPERVISOR, tree.city))

    # when the supervisor opens the overview
    response = client.get(OVERVIEW)

    # then the figures are per agency; only working-day limits enter the limit figure
    context = response.context
    assert [(row.name, row.cells) for row in context["agency_rows"]] == [
        ("上海市民政局", [3, 3, 0, 0]), ("上海市教育委员会", [0, 1, 0, 0]),
    ]
    assert [(str(label), open_count, overdue_count) for label, open_count, overdue_count in context["stages"]] == [
        ("待审改部门审核", 2, 1),
    ]
    assert [(row.name, row.items, row.promised, row.statutory, row.meets_target)
            for row in context["limit_rows"]] == [
        ("上海市民政局", 2, 6.5, 20.0, True), ("上海市教育委员会", 1, 15.0, 20.0, False),
    ]
    assert "承诺时限/法定时限" in response.content.decode()


def test_overview_covers_only_the_supervisors_agencies(client):
    """A supervisor at one department sees that department only."""
    # given items at both departments and a supervisor at home
    tree = agencies()
    published_item(tree.home)
    published_item(tree.other)
    client.force_login(staff(StaffRole.SUPERVISOR, tree.home))

    # when the supervisor opens the overview
    response = client.get(OVERVIEW)

    # then only home is counted
    assert [row.name for row in response.context["agency_rows"]] == ["上海市民政局"]


@pytest.mark.parametrize("actor", ACTORS)
def test_overview_is_for_supervisors(client, actor: str):
    """Only the supervisor role opens the overview; other roles are refused."""
    # given a visitor
    tree = agencies()
    log_in(client, actor, StaffRole.SUPERVISOR, tree)

    # when the visitor opens the overview
    response = client.get(OVERVIEW)

    # then supervisors (here or elsewhere) see it, others are refused, anonymous visitors log in first
    if actor == ANONYMOUS:
        assert response.url == f"{reverse('workbench:login')}?next={OVERVIEW}"
    elif actor in (StaffRole.SUPERVISOR, ELSEWHERE):
        assert response.status_code == 200
        assert "refusal" not in response.context
    else:
        assert response.status_code == 403
        assert response.context["refusal"].code == IdentityError.ROLE_REQUIRED.code
