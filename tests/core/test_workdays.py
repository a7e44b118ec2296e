"""Working-day arithmetic on the seeded calendar (chinesecalendar 2004–2026)."""

from __future__ import annotations

import datetime
from io import StringIO

import chinese_calendar
import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tongban.core import workdays
from tongban.core.errors import TongbanError

date = datetime.date
pytestmark = pytest.mark.usefixtures("seeded_calendar")


def reference_add(start: date, count: int) -> date:
    """Independent implementation of DESIGN.md's rule on top of the package itself."""
    day = start
    if count == 0:
        while not chinese_calendar.is_workday(day):
            day += datetime.timedelta(days=1)
        return day
    while count:
        day += datetime.timedelta(days=1)
        if chinese_calendar.is_workday(day):
            count -= 1
    return day


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 10, 1), False),  # 国庆节, a Thursday
        (date(2026, 10, 3), False),  # Saturday inside the holiday
        (date(2026, 10, 8), True),  # Thursday after the 2026 National Day holiday (10-01..10-07)
        (date(2026, 10, 10), True),  # Saturday, 国庆节调休上班
        (date(2026, 9, 20), True),  # Sunday, 国庆节调休上班
        (date(2026, 11, 21), False),  # plain Saturday
        (date(2026, 11, 23), True),  # plain Monday
    ],
)
def test_is_workday_follows_holidays_and_make_up_days(day: date, expected: bool) -> None:
    # given the seeded calendar / when asking about the day / then the answer matches the State Council notice
    assert workdays.is_workday(day) is expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (date(2026, 11, 20), 1, date(2026, 11, 23)),  # Friday + 1 = Monday: counting starts the next working day
        (date(2026, 11, 20), 0, date(2026, 11, 20)),  # a working day is its own N=0 answer
        (date(2026, 11, 21), 0, date(2026, 11, 23)),  # Saturday → next working day
        (date(2026, 9, 30), 1, date(2026, 10, 8)),  # over the National Day holiday
        (date(2026, 9, 30), 3, date(2026, 10, 10)),  # 10-08, 10-09, then make-up Saturday 10-10
        (date(2026, 10, 3), 0, date(2026, 10, 8)),
        (date(2026, 10, 10), 0, date(2026, 10, 10)),  # make-up Saturday is a working day
        (date(2025, 12, 31), 1, date(2026, 1, 4)),  # across the year end to make-up Sunday 2026-01-04
        (date(2026, 2, 13), 2, date(2026, 2, 24)),  # make-up Saturday 02-14, then after the Spring Festival
    ],
)
def test_add_workdays(start: date, count: int, expected: date) -> None:
    # given the seeded calendar / when adding working days / then the exact date comes back
    assert workdays.add_workdays(start, count) == expected


@pytest.mark.django_db
def test_seeded_table_agrees_with_the_package_on_every_day() -> None:
    # given one calendar instance over all package years
    calendar = workdays.WorkdayCalendar()
    day, last = date(2004, 1, 1), date(2026, 12, 31)
    disagreements = []
    # when every day is asked
    while day <= last:
        if calendar.is_workday(day) != chinese_calendar.is_workday(day):
            disagreements.append(day)
        day += datetime.timedelta(days=1)
    # then table and package agree everywhere
    assert disagreements == []


@pytest.mark.django_db
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 6, 30)),
    count=st.integers(min_value=0, max_value=100),
)
def test_add_workdays_matches_reference_and_between_inverts_it(start: date, count: int) -> None:
    # given any start date and count that stay inside the known years / when adding
    result = workdays.add_workdays(start, count)
    # then it matches the reference, and measuring back gives the count
    assert result == reference_add(start, count)
    if count > 0:
        assert workdays.workdays_between(start, result) == count


@pytest.mark.django_db
def test_workdays_between() -> None:
    # given dates around the 2026 National Day holiday / then (start, end] is counted, antisymmetrically
    assert workdays.workdays_between(date(2026, 9, 30), date(2026, 10, 10)) == 3
    assert workdays.workdays_between(date(2026, 10, 10), date(2026, 9, 30)) == -3
    assert workdays.workdays_between(date(2026, 10, 2), date(2026, 10, 2)) == 0
    assert workdays.workdays_between(date(2026, 10, 1), date(2026, 10, 7)) == 0
    # and whole years: 248 working days in 2025 and in 2026
    assert workdays.workdays_between(date(2024, 12, 31), date(2025, 12, 31)) == 248
    assert workdays.workdays_between(date(2025, 12, 31), date(2026, 12, 31)) == 248


@pytest.mark.django_db
def test_add_250_workdays_loads_each_year_once(django_assert_max_num_queries) -> None:
    # given a count that crosses from 2025 into 2026
    # when adding 250 working days / then one query lists the years and one loads each year
    with django_assert_max_num_queries(3):
        result = workdays.add_workdays(date(2025, 6, 2), 250)
    assert result == date(2026, 6, 3)


@pytest.mark.django_db
def test_unknown_year_is_refused_not_guessed() -> None:
    # given no calendar for 2031 / when asking / then the refusal names the year
    with pytest.raises(TongbanError) as refusal:
        workdays.is_workday(date(2031, 3, 3))
    assert refusal.value.code == "CORE_CALENDAR_YEAR_UNKNOWN"
    assert "2031年" in refusal.value.message
    # and a count that runs past the last known year is refused too
    with pytest.raises(TongbanError) as refusal:
        workdays.add_workdays(date(2026, 12, 31), 1)
    assert refusal.value.code == "CORE_CALENDAR_YEAR_UNKNOWN"
    assert refusal.value.params == {"year": 2027}
    with pytest.raises(TongbanError) as refusal:
        workdays.workdays_between(date(2026, 12, 1), date(2027, 1, 5))
    assert refusal.value.code == "CORE_CALENDAR_YEAR_UNKNOWN"


@pytest.mark.django_db
def test_bad_arguments_are_refused() -> None:
    # given a negative count, a datetime, and non-ISO text / then each is refused with its own error
    with pytest.raises(TongbanError) as refusal:
        workdays.add_workdays(date(2026, 1, 5), -1)
    assert refusal.value.code == "CORE_WORKDAY_COUNT_INVALID"
    with pytest.raises(TypeError):
        workdays.is_workday(datetime.datetime(2026, 1, 5, 9, 0))
    with pytest.raises(TongbanError) as refusal:
        workdays.parse_iso_date("20260105")
    assert refusal.value.code == "CORE_DATE_FORMAT"
    assert workdays.parse_iso_date("2026-01-05") == date(2026, 1, 5)


def run(*args: str) -> str:
    """Run ``tongban workdays …`` and return its stdout."""
    out = StringIO()
    call_command("workdays", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_cli_prints_one_line() -> None:
    # given the seeded calendar / when using the CLI / then the output is exactly one line
    assert run("add", "2026-09-30", "1") == "2026-10-08\n"
    assert run("add", "2026-11-20", "1") == "2026-11-23\n"
    assert run("add", "2026-10-03", "0") == "2026-10-08\n"
    assert run("is-workday", "2026-10-10") == "yes\n"
    assert run("is-workday", "2026-10-01") == "no\n"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "2031-01-02", "1"), "2031年的工作日历尚未录入"),
        (("is-workday", "2031-01-02"), "2031年的工作日历尚未录入"),
        (("is-workday", "2026-02-30"), "日期“2026-02-30”格式不正确"),
        (("add", "2026-09-30", "one"), "工作日天数“one”不正确"),
        (("add", "2026-09-30", "-1"), "工作日天数“-1”不正确"),
    ],
)
def test_cli_refuses_with_command_error(args: tuple[str, ...], message: str) -> None:
    # given bad input / when running the CLI / then CommandError (stderr, exit 1) carries the reason
    with pytest.raises(CommandError, match=message):
        run(*args)
