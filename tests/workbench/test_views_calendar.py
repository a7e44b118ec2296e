"""The platform operator's working-day calendar: years, month grids, edits, year declaration and the calculator.

The suite runs at 2026-06-01 with the package calendar (2004–2026) seeded.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import staff
from tests.workbench.test_views_support import ACTORS, ANONYMOUS, ELSEWHERE, agencies, log_in, page_messages
from tongban.core import workdays
from tongban.core.errors import CoreError
from tongban.core.models import AuditEvent, CalendarException, CalendarSource, CalendarYear
from tongban.identity.errors import IdentityError
from tongban.identity.models import StaffRole, User

pytestmark = pytest.mark.django_db

CALENDAR = reverse("workbench:calendar")
SET_DAY = reverse("workbench:calendar_day")
REMOVE_DAY = reverse("workbench:calendar_remove")
DECLARE = reverse("workbench:calendar_declare")


def _operator(client) -> User:  # noqa: ANN001 - Django test client
    user = staff(StaffRole.PLATFORM_OPERATOR, agencies().city)
    client.force_login(user)
    return user


def _cell(response, day: datetime.date):  # noqa: ANN001, ANN202 - Django test response, DayCell
    grid = response.context["months"][day.month - 1]
    return next(cell for week in grid.weeks for cell in week if cell.day == day)


def test_operator_sees_the_years_and_the_chosen_year_month_by_month(client):
    """The page lists every known year with its source, and the year's twelve months with its exceptions."""
    # given the seeded calendar and an operator
    _operator(client)

    # when the operator opens 2026
    response = client.get(CALENDAR, {"year": "2026"})

    # then every seeded year is listed, 2026 is declared by the package with its 25 exceptions
    assert response.status_code == 200
    rows = response.context["years"]
    assert [row.year for row in rows] == list(range(2026, 2003, -1))
    assert rows[0].declared.source == CalendarSource.CHINESECALENDAR
    assert rows[0].exception_count == 25
    assert response.context["declared"].year == 2026
    assert len(response.context["months"]) == 12
    assert (response.context["holiday_count"], response.context["makeup_count"]) == (19, 6)
    # and holidays on weekdays and make-up workdays on weekends are marked by CSS class
    national_day = _cell(response, datetime.date(2026, 10, 1))
    assert (national_day.css, national_day.name) == ("cal__day cal__day--holiday", "国庆节")
    make_up = _cell(response, datetime.date(2026, 10, 10))
    assert (make_up.css, make_up.name) == ("cal__day cal__day--makeup", "国庆节调休上班")
    assert _cell(response, datetime.date(2026, 6, 1)).css == "cal__day cal__day--today"
    assert _cell(response, datetime.date(2026, 6, 6)).css == "cal__day cal__day--weekend"
    content = response.content.decode()
    assert 'title="春节调休上班"' in content
    assert "style=" not in content
    assert response.context["next_undeclared_year"] == 2027


def test_calendar_page_defaults_to_this_year_and_needs_few_queries(client):
    """Without a year the page shows the current year, in a fixed handful of queries."""
    # given an operator
    _operator(client)

    # when the operator opens the calendar with a year that makes no sense
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CALENDAR, {"year": "20260"})

    # then this year is shown, and the query count does not depend on the number of years or days
    # (8: loading the session's TOTP device, the staff second factor, is one query)
    assert response.context["year"] == 2026
    assert len(queries) <= 8


def test_operator_makes_a_weekday_a_holiday_and_back(client):
    """Setting a weekday holiday makes it a day off (audited, the year handed to the operator); removing undoes it."""
    # given an operator and an ordinary Wednesday
    _operator(client)
    day = datetime.date(2026, 6, 3)
    assert workdays.is_workday(day) is True

    # when the operator makes it a holiday
    response = client.post(SET_DAY, {"date": "2026-06-03", "is_workday": "0", "name": "临时放假", "year": "2026"},
                           follow=True)

    # then it is no longer a working day, the year now belongs to the operator, and the edit is audited
    assert response.redirect_chain == [(f"{CALENDAR}?year=2026", 302)]
    assert page_messages(response) == ["2026-06-03 已设为放假：临时放假"]
    assert workdays.is_workday(day) is False
    assert CalendarYear.objects.get(year=2026).source == CalendarSource.OPERATOR
    assert AuditEvent.objects.filter(action="core.calendar.day_set", object_id="2026-06-03").count() == 1

    # when the operator removes the exception again
    response = client.post(REMOVE_DAY, {"date": "2026-06-03", "year": "2026"}, follow=True)

    # then the day follows the weekday rule again
    assert page_messages(response) == ["2026-06-03 已恢复为周一至周五规则"]
    assert workdays.is_workday(day) is True
    assert not CalendarException.objects.filter(date=day).exists()


def test_operator_makes_a_saturday_a_make_up_workday(client):
    """A make-up workday on a weekend counts as a working day."""
    # given an operator and an ordinary Saturday
    _operator(client)
    day = datetime.date(2026, 6, 6)

    # when the operator makes it a make-up workday
    client.post(SET_DAY, {"date": "2026-06-06", "is_workday": "1", "name": "端午节调休上班", "year": "2026"})

    # then it is a working day with that name
    assert workdays.is_workday(day) is True
    assert CalendarException.objects.get(date=day).name == "端午节调休上班"


def test_a_holiday_without_a_name_is_refused_and_nothing_changes(client):
    """The core service's refusal is shown with its code on the form; the table is unchanged."""
    # given an operator
    _operator(client)
    before = CalendarException.objects.count()

    # when the operator makes a Wednesday a holiday without naming it
    response = client.post(SET_DAY, {"date": "2026-06-03", "is_workday": "0", "name": " ", "year": "2026"})

    # then the refusal is shown with its code and nothing is stored
    error = CoreError.CALENDAR_DAY_NAME_INVALID
    assert response.status_code == 200
    assert response.context["refusal"].code == error.code
    assert response.context["day_form"].errors["name"] == [f"{error.format(max_length=64)}（{error.code}）"]
    assert error.code in response.content.decode()
    assert CalendarException.objects.count() == before
    assert CalendarYear.objects.get(year=2026).source == CalendarSource.CHINESECALENDAR


def test_a_day_outside_the_calendar_range_is_refused(client):
    """Years a typo would produce are refused by the core service, with its code."""
    # given an operator
    _operator(client)
    before = CalendarException.objects.count()

    # when the operator sets a day in 1980
    response = client.post(SET_DAY, {"date": "1980-01-02", "is_workday": "0", "name": "元旦", "year": "2026"})

    # then the page for the year in view shows the refusal
    assert response.context["refusal"].code == CoreError.CALENDAR_YEAR_OUT_OF_RANGE.code
    assert response.context["year"] == 2026
    assert CalendarException.objects.count() == before


def test_operator_enters_and_declares_a_new_year(client):
    """A newly announced year is entered day by day, then declared complete; only then are deadlines computed."""
    # given an operator, and 2027 not yet known
    _operator(client)
    page = client.get(CALENDAR, {"year": "2027"})
    assert page.context["declared"] is None
    assert "2027年尚未声明已录入全年安排" in page.content.decode()

    # when the operator enters New Year's Day 2027 (a Friday) and declares the year
    entered = client.post(SET_DAY, {"date": "2027-01-01", "is_workday": "0", "name": "元旦", "year": "2027"},
                          follow=True)
    response = client.post(DECLARE, {"year": "2027", "note": "依据国办通知录入"}, follow=True)

    # then 2027 is declared by the operator and working days in it can be computed
    assert page_messages(entered) == ["2027-01-01 已设为放假：元旦"]
    assert response.redirect_chain == [(f"{CALENDAR}?year=2027", 302)]
    assert page_messages(response) == ["2027年全年安排已录入，可以计算该年的工作日"]
    declared = CalendarYear.objects.get(year=2027)
    assert (declared.source, declared.note) == (CalendarSource.OPERATOR, "依据国办通知录入")
    assert workdays.add_workdays(datetime.date(2026, 12, 31), 1) == datetime.date(2027, 1, 4)


def test_declaring_a_known_year_again_is_refused(client):
    """The core service refuses a second declaration; the page shows its code."""
    # given an operator
    _operator(client)

    # when the operator declares 2026, which the package already declared
    response = client.post(DECLARE, {"year": "2026", "note": ""})

    # then the refusal is shown and the year is unchanged
    assert response.context["refusal"].code == CoreError.CALENDAR_YEAR_ALREADY_KNOWN.code
    assert CalendarYear.objects.get(year=2026).source == CalendarSource.CHINESECALENDAR


@pytest.mark.parametrize(("start", "count", "expected"), [
    ("2026-06-01", "5", datetime.date(2026, 6, 8)),
    ("2026-06-18", "1", datetime.date(2026, 6, 22)),  # 2026-06-19 is 端午节
    ("2026-06-06", "0", datetime.date(2026, 6, 8)),  # a Saturday: the next working day
    ("2026-09-30", "3", datetime.date(2026, 10, 10)),  # 国庆节 skipped, the make-up Saturday counted
])
def test_calculator_adds_working_days(client, start: str, count: str, expected: datetime.date):
    """Date + N gives the date N working days later, counted from the working day after the date."""
    # given an operator
    _operator(client)

    # when the operator uses the calculator
    response = client.get(CALENDAR, {"year": "2026", "start": start, "count": count})

    # then the answer is the working-day date
    assert response.context["calculator_result"] == expected
    assert f"<strong>{expected.isoformat()}</strong>" in response.content.decode()


def test_calculator_reports_an_unknown_year(client):
    """A count reaching into an undeclared year shows the calendar's refusal rather than a guess."""
    # given an operator
    _operator(client)

    # when the operator counts from the last days of 2026 into 2027
    response = client.get(CALENDAR, {"start": "2026-12-30", "count": "5"})

    # then the refusal is shown with its code
    assert response.context["calculator_refusal"].code == CoreError.CALENDAR_YEAR_UNKNOWN.code
    assert "CORE_CALENDAR_YEAR_UNKNOWN" in response.content.decode()


@pytest.mark.parametrize("actor", ACTORS)
def test_calendar_is_for_platform_operators_only(client, actor: str):
    """Every other role is refused, anonymous visitors log in first, and no edit changes the table."""
    # given a visitor and the table as seeded
    tree = agencies()
    log_in(client, actor, StaffRole.PLATFORM_OPERATOR, tree)
    exceptions_before = CalendarException.objects.count()
    years_before = list(CalendarYear.objects.values_list("year", "source"))
    operator = actor in (StaffRole.PLATFORM_OPERATOR, ELSEWHERE)

    # when the visitor opens the page and tries every edit
    page = client.get(CALENDAR)
    edits = [
        client.post(SET_DAY, {"date": "2026-06-03", "is_workday": "0", "name": "临时放假", "year": "2026"}),
        client.post(REMOVE_DAY, {"date": "2026-06-19", "year": "2026"}),
        client.post(DECLARE, {"year": "2027", "note": ""}),
    ]

    # then operators (at any agency) may, anonymous visitors are sent to log in, others are refused
    if actor == ANONYMOUS:
        assert page.url == f"{reverse('workbench:login')}?next={CALENDAR}"
        assert [edit.status_code for edit in edits] == [302, 302, 302]
    elif operator:
        assert page.status_code == 200
        assert [edit.status_code for edit in edits] == [302, 302, 302]
    else:
        assert page.status_code == 403
        assert page.context["refusal"].code == IdentityError.ROLE_REQUIRED.code
        assert "cal__month" not in page.content.decode()
        assert [edit.status_code for edit in edits] == [403, 403, 403]
        assert [edit.context["refusal"].code for edit in edits] == [IdentityError.ROLE_REQUIRED.code] * 3
    if not operator:
        assert CalendarException.objects.count() == exceptions_before
        assert list(CalendarYear.objects.values_list("year", "source")) == years_before
