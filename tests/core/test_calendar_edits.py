"""Operator edits of the calendar, re-seeding from the package, and the admin pages that use them."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from tongban.core import workdays
from tongban.core.calendar_source import package_exceptions
from tongban.core.errors import TongbanError
from tongban.core.models import AuditEvent, CalendarException, CalendarSource, CalendarYear

date = datetime.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_calendar")]


def test_migration_seeded_every_package_year() -> None:
    # given the migrated database / then 2004–2026 are declared from the package, with its exceptions
    assert list(CalendarYear.objects.order_by("year").values_list("year", flat=True)) == list(range(2004, 2027))
    assert set(CalendarYear.objects.values_list("source", flat=True)) == {"chinesecalendar"}
    national_day = CalendarException.objects.get(date=date(2026, 10, 1))
    assert (national_day.is_workday, national_day.name) == (False, "国庆节")
    make_up = CalendarException.objects.get(date=date(2026, 10, 10))
    assert (make_up.is_workday, make_up.name) == (True, "国庆节调休上班")
    # and weekend days inside a holiday are not stored: the weekday rule already covers them
    assert not CalendarException.objects.filter(date=date(2026, 10, 3)).exists()


def test_exception_must_differ_from_the_weekday_rule() -> None:
    # given a Monday marked as a working day / when validating / then it is refused as a non-exception
    with pytest.raises(ValidationError) as refusal:
        CalendarException(date=date(2026, 11, 23), is_workday=True, name="普通周一").full_clean()
    assert refusal.value.error_dict["is_workday"][0].code == "CORE_CALENDAR_DAY_NOT_EXCEPTION"
    # and a Saturday marked as a day off likewise
    with pytest.raises(ValidationError):
        CalendarException(date=date(2026, 11, 21), is_workday=False, name="普通周六").full_clean()


def test_set_day_makes_a_holiday_audits_it_and_takes_the_year_over(operator) -> None:
    # given Thursday 2026-12-31, a working day
    assert workdays.is_workday(date(2026, 12, 31)) is True
    # when the operator makes it a holiday
    stored = workdays.set_day(date(2026, 12, 31), False, " 元旦 ", operator)
    # then it is a day off, the year belongs to the operator, and the edit is audited
    assert (stored.is_workday, stored.name) == (False, "元旦")
    assert workdays.is_workday(date(2026, 12, 31)) is False
    assert CalendarYear.objects.get(year=2026).source == CalendarSource.OPERATOR
    event = AuditEvent.objects.get(action="core.calendar.day_set")
    assert (event.actor_id, event.actor_label, event.object_id) == (operator.pk, "运营员", "2026-12-31")
    assert event.data == {
        "date": "2026-12-31",
        "is_workday": False,
        "name": "元旦",
        "before": None,
        "year_taken_over": True,
    }
    # and re-seeding leaves the operator's year alone
    assert workdays.seed_from_package([2026]) == []
    assert workdays.is_workday(date(2026, 12, 31)) is False


def test_set_day_back_to_the_rule_removes_the_exception(operator) -> None:
    # given the make-up Saturday 2026-10-10 / when the operator makes it a day off again
    result = workdays.set_day(date(2026, 10, 10), False, "", operator)
    # then no exception row is left and the day follows the weekday rule
    assert result is None
    assert not CalendarException.objects.filter(date=date(2026, 10, 10)).exists()
    assert workdays.is_workday(date(2026, 10, 10)) is False
    event = AuditEvent.objects.get(action="core.calendar.day_set")
    assert event.data["before"] == {"is_workday": True, "name": "国庆节调休上班"}


def test_set_day_refusals_change_nothing(operator) -> None:
    # given a weekend make-up day without a name / then it is refused and nothing is stored or audited
    with pytest.raises(TongbanError) as refusal:
        workdays.set_day(date(2026, 11, 21), True, "  ", operator)
    assert refusal.value.code == "CORE_CALENDAR_DAY_NAME_INVALID"
    assert refusal.value.field == "name"
    with pytest.raises(TongbanError) as refusal:
        workdays.set_day(date(2026, 11, 21), True, "名" * 65, operator)
    assert refusal.value.code == "CORE_CALENDAR_DAY_NAME_INVALID"
    with pytest.raises(TongbanError) as refusal:
        workdays.set_day(date(2101, 1, 1), False, "元旦", operator)
    assert refusal.value.code == "CORE_CALENDAR_YEAR_OUT_OF_RANGE"
    assert not CalendarException.objects.filter(date=date(2026, 11, 21)).exists()
    assert not AuditEvent.objects.exists()


def test_operator_enters_and_declares_a_new_year(operator) -> None:
    # given 2027, not yet known / when the operator enters its holidays before declaring it
    workdays.set_day(date(2027, 1, 1), False, "元旦", operator)
    with pytest.raises(TongbanError) as refusal:
        workdays.is_workday(date(2027, 1, 4))
    assert refusal.value.code == "CORE_CALENDAR_YEAR_UNKNOWN"
    declared = workdays.declare_year(2027, operator, note="国办发明电〔2026〕1号")
    # then the year answers from the entered exceptions, and both steps are audited
    assert (declared.source, declared.note) == (CalendarSource.OPERATOR, "国办发明电〔2026〕1号")
    assert workdays.is_workday(date(2027, 1, 1)) is False
    assert workdays.add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 4)
    event = AuditEvent.objects.get(action="core.calendar.year_declared")
    assert (event.object_type, event.object_id) == ("core.calendaryear", "2027")
    assert event.data == {"year": 2027, "exception_count": 1, "note": "国办发明电〔2026〕1号"}
    # and declaring it twice is refused
    with pytest.raises(TongbanError) as refusal:
        workdays.declare_year(2027, operator)
    assert refusal.value.code == "CORE_CALENDAR_YEAR_ALREADY_KNOWN"


def test_seed_from_package_is_idempotent_and_repairs_drift() -> None:
    # given the seeded table / when seeding again / then nothing changes and nothing is audited
    assert workdays.seed_from_package() == []
    assert not AuditEvent.objects.exists()
    # given a package year whose rows drifted (one removed, one renamed)
    CalendarException.objects.filter(date=date(2025, 10, 1)).delete()
    CalendarException.objects.filter(date=date(2025, 5, 1)).update(name="改错的名称")
    # when re-seeding it / then the package's rows are back and the re-seed is audited once
    assert workdays.seed_from_package([2025]) == [2025]
    expected = {(row.date, row.is_workday, row.name) for row in package_exceptions(2025)}
    stored = set(CalendarException.objects.filter(date__year=2025).values_list("date", "is_workday", "name"))
    assert stored == expected
    assert list(AuditEvent.objects.values_list("action", "data")) == [("core.calendar.seeded", {"years": [2025]})]
    assert workdays.seed_from_package([2025]) == []


def test_seed_from_package_refuses_a_year_it_does_not_know() -> None:
    # given a year beyond the package / then it is refused rather than seeded empty
    with pytest.raises(TongbanError) as refusal:
        workdays.seed_from_package([2031])
    assert refusal.value.code == "CORE_CALENDAR_YEAR_UNKNOWN"
    assert not CalendarYear.objects.filter(year=2031).exists()


@pytest.mark.urls("tests.core.admin_urls")
def test_admin_edits_go_through_the_audited_service(admin_client) -> None:
    # given an administrator / when adding a holiday through the admin form
    response = admin_client.post(
        "/admin/core/calendarexception/add/",
        {"date": "2026-12-31", "is_workday": "", "name": "测试假日"},
    )
    # then it is stored through set_day, so the change is audited
    assert response.status_code == 302
    assert workdays.is_workday(date(2026, 12, 31)) is False
    assert AuditEvent.objects.filter(action="core.calendar.day_set", object_id="2026-12-31").count() == 1
    # and a non-exception is refused by the form with the model's guard
    response = admin_client.post(
        "/admin/core/calendarexception/add/", {"date": "2026-11-23", "is_workday": "on", "name": "周一"}
    )
    assert response.status_code == 200
    assert "本来就是工作日" in response.content.decode()
    # and the audit log pages are viewable but offer no editing
    assert admin_client.get("/admin/core/auditevent/").status_code == 200
    assert admin_client.get("/admin/core/auditevent/add/").status_code == 403
