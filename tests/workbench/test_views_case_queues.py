"""The staff case queues: scope per role, urgency order, filters, bounded queries (CASE-2, CASE-7, ITEM-13).

Officers and approvers see the cases their agencies handle, counter staff the
cases their windows accepted (a citywide item filed at a street window is seen
by both, ITEM-13); the queue sorts overdue first, then warning, then by due date.
"""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.cases.builders import scene, submitted
from tests.factories import AgencyFactory, staff
from tests.identity.factories import PersonFactory
from tests.workbench.case_builders import case_in, counter_submitted
from tongban.cases.models import Case, CaseState, DeadlineStatus
from tongban.identity.models import StaffRole

pytestmark = pytest.mark.django_db

QUEUE = reverse("workbench:cases")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _numbers(response) -> list[str]:  # noqa: ANN001 - Django test response
    return [case.number for case in response.context["page_obj"]]

def test_case_7_item_13_queues_are_scoped_to_the_roles_agencies(client):
    """CASE-7, ITEM-13: the bureau's officer sees its online and window cases; the street window sees the case it
    accepted; an officer of another agency sees nothing."""
    # given a citywide item with one online case and one filed at the street window
    the = scene(is_citywide=True)
    online, at_window = submitted(the), counter_submitted(the)
    elsewhere = staff(StaffRole.CASE_OFFICER, AgencyFactory(name="上海市税务局"))

    # when each opens the acceptance queue
    views = {}
    for name, user in (("officer", the.officer), ("counter", the.counter), ("elsewhere", elsewhere)):
        client.force_login(user)
        views[name] = set(_numbers(client.get(QUEUE, {"queue": "acceptance"})))

    # then the officer sees both, the window its own case, the other agency nothing
    assert views == {"officer": {online.number, at_window.number}, "counter": {at_window.number}, "elsewhere": set()}


def test_approver_works_review_and_decision_queues_not_acceptance(client):
    """An approver has no acceptance queue; its default queue is review; drafts never appear."""
    the = scene(is_citywide=True)
    accepted = case_in(the, CaseState.ACCEPTED)
    client.force_login(the.approver)
    response = client.get(QUEUE)
    assert response.context["queue"].slug == "review"
    assert _numbers(response) == [accepted.number]
    assert [queue.slug for queue in response.context["queues"]] == ["review", "decision", "all"]


def test_a_user_without_a_case_role_is_refused_and_anonymous_goes_to_login(client):
    """Only officers, approvers and counter staff have case queues."""
    the = scene()
    assert client.get(QUEUE)["Location"].startswith(reverse("workbench:login"))
    client.force_login(staff(StaffRole.AGENCY_ADMIN, the.bureau))
    response = client.get(QUEUE)
    assert response.status_code == 403
    assert response.context["refusal"].code == "IDENTITY_ROLE_REQUIRED"


def _place(case: Case, status: str, due_in_days: int) -> None:
    # Test setup: put the stored deadline where the test needs it.
    Case.objects.filter(pk=case.pk).update(
        deadline_status=status, due_on=timezone.localdate() + datetime.timedelta(days=due_in_days)
    )


def test_case_2_queue_sorts_by_urgency_and_shows_deadline_badges(client):
    """CASE-2: overdue first, then warning, then by due date; 超期 red, 预警 amber, 暂停计时 grey."""
    # given five submitted cases with stored deadline states
    the = scene()
    later, sooner, warning, overdue, paused = (submitted(the) for _ in range(5))
    _place(later, DeadlineStatus.ON_TIME, 9)
    _place(sooner, DeadlineStatus.ON_TIME, 3)
    _place(warning, DeadlineStatus.WARNING, 1)
    _place(overdue, DeadlineStatus.OVERDUE, -2)
    _place(paused, DeadlineStatus.PAUSED, 5)
    client.force_login(the.officer)

    # when the officer opens the acceptance queue
    response = client.get(QUEUE, {"queue": "acceptance"})

    # then they come by urgency, each with its badge
    assert _numbers(response) == [overdue.number, warning.number, sooner.number, paused.number, later.number]
    content = response.content.decode()
    assert content.count('badge--red badge--strong">超期</span>') == 1
    assert content.count('badge--amber badge--strong">预警</span>') == 1
    assert content.count('badge--grey">暂停计时</span>') == 1


def test_case_2_all_cases_list_is_newest_first_with_a_capped_count(client, monkeypatch):
    """CASE-2: the "all cases" list shows the latest filing first and stops counting at the cap."""
    from tongban.workbench.views import case_queues

    # given three filed cases, the middle one overdue (urgency does not reorder this list)
    the = scene()
    first, second, third = (submitted(the) for _ in range(3))
    _place(second, DeadlineStatus.OVERDUE, -2)
    client.force_login(the.officer)

    # when the officer opens the list of all cases
    response = client.get(QUEUE, {"queue": "all"})

    # then the newest filing comes first and the exact count is shown
    assert _numbers(response) == [third.number, second.number, first.number]
    assert response.context["page_obj"].paginator.is_capped is False
    assert "共 3 件" in response.content.decode()
    # when more cases exist than the cap, then the count says "more than" and the rows still come
    monkeypatch.setattr(case_queues, "COUNT_CAP", 2)
    capped = client.get(QUEUE, {"queue": "all"})
    assert capped.context["page_obj"].paginator.is_capped is True
    assert "超过 2 件" in capped.content.decode()
    assert _numbers(capped) == [third.number, second.number]


def test_queue_filters_narrow_the_rows(client):
    """Filters: case number, item, state, channel, deadline status and submission dates."""
    the = scene(is_citywide=True)
    online, at_window = submitted(the), counter_submitted(the)
    _place(online, DeadlineStatus.OVERDUE, -1)
    client.force_login(the.officer)
    today = timezone.localdate().isoformat()
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    cases = {
        "number": {"number": at_window.number[:14].lower() + at_window.number[14:]},
        "channel": {"channel": "counter"},
        "deadline": {"deadline": "overdue"},
        "item": {"item": "居住证"},
        "today": {"submitted_from": today, "submitted_to": today},
        "tomorrow": {"submitted_from": tomorrow},
        "state": {"state": "accepted"},
    }
    found = {name: set(_numbers(client.get(QUEUE, {"queue": "all", **query}))) for name, query in cases.items()}
    assert found == {
        "number": {at_window.number}, "channel": {at_window.number}, "deadline": {online.number},
        "item": {online.number, at_window.number}, "today": {online.number, at_window.number}, "tomorrow": set(),
        "state": set(),
    }


_bulk_serials = itertools.count(1)


def _bulk_cases(the, count: int) -> None:  # noqa: ANN001 - a Scene
    # Test setup: copies of one submitted case, each for its own applicant, to fill a queue quickly.
    model = submitted(the)
    statuses = [DeadlineStatus.OVERDUE, DeadlineStatus.WARNING, DeadlineStatus.ON_TIME]
    Case.objects.bulk_create([
        Case(number=f"TB20260601BULK{next(_bulk_serials):04d}", item=model.item, version=model.version,
             applicant=PersonFactory(level=2), channel=model.channel, handling_agency=model.handling_agency,
             state=CaseState.SUBMITTED, submitted_at=model.submitted_at, due_step="acceptance",
             due_on=timezone.localdate() + datetime.timedelta(days=index % 7),
             deadline_status=statuses[index % 3])
        for index in range(count - 1)
    ])


def test_queue_queries_do_not_grow_with_rows(client, django_assert_max_num_queries):
    """A full page of 20 out of 30 cases takes as many queries as a page of 3, and few."""
    the = scene()
    _bulk_cases(the, 3)
    client.force_login(the.officer)
    with django_assert_max_num_queries(12) as small:
        assert len(_numbers(client.get(QUEUE, {"queue": "all"}))) == 3
    _bulk_cases(the, 27)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(_numbers(client.get(QUEUE, {"queue": "all"}))) == 20


def test_dashboard_shows_case_tiles(client):
    """The home page counts the user's case queues, overdue ones apart."""
    the = scene()
    overdue = submitted(the)
    submitted(the)
    _place(overdue, DeadlineStatus.OVERDUE, -1)
    client.force_login(the.officer)
    tiles = {str(tile.title): (tile.open, tile.overdue) for tile in client.get(reverse("workbench:home")).context[
        "tiles"]}
    assert tiles == {"待预审受理": (2, 1), "补正中": (0, 0), "待审查": (0, 0), "待决定": (0, 0),
                     "待出证送达办结": (0, 0)}
