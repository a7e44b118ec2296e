"""The ``chinesecalendar`` package as a source of working-day exceptions.

This module only reads the package and never touches the database, so both the
data migration (which must use historical models) and the ``seed_from_package``
service can share it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import chinese_calendar
from chinese_calendar.constants import Holiday

# The package names its holidays in English (its Chinese names are abbreviated,
# e.g. "清明"); the calendar shows the official names used in the State Council notices.
HOLIDAY_NAMES: dict[str, str] = {
    Holiday.new_years_day.value: "元旦",
    Holiday.spring_festival.value: "春节",
    Holiday.tomb_sweeping_day.value: "清明节",
    Holiday.labour_day.value: "劳动节",
    Holiday.dragon_boat_festival.value: "端午节",
    Holiday.national_day.value: "国庆节",
    Holiday.mid_autumn_festival.value: "中秋节",
    Holiday.anti_fascist_70th_day.value: "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}
MAKE_UP_SUFFIX = "调休上班"


@dataclass(frozen=True)
class PackageException:
    """One day on which the package departs from the Monday–Friday rule."""

    date: datetime.date
    is_workday: bool
    name: str


def is_weekday(day: datetime.date) -> bool:
    """True for Monday to Friday: the rule every exception departs from."""
    return day.weekday() < 5


def package_note() -> str:
    """The note stored on a seeded year: which package version its data came from."""
    return f"chinesecalendar {getattr(chinese_calendar, '__version__', '')}".strip()


def package_years() -> list[int]:
    """The years the installed package has data for, ascending."""
    days = [*chinese_calendar.holidays, *chinese_calendar.workdays]
    return sorted({day.year for day in days})


def holiday_name(english_name: str) -> str:
    """The Chinese name of a holiday the package names in English (unknown names pass through)."""
    try:
        return HOLIDAY_NAMES[english_name]
    except KeyError:
        # A newer package version may add a special holiday; its own Chinese name beats nothing.
        try:
            return Holiday(english_name).chinese
        except ValueError:
            return english_name


def package_exceptions(year: int) -> list[PackageException]:
    """The exceptions of ``year``: weekday holidays and weekend make-up workdays, by date.

    The package also lists the weekend days inside a holiday period; those are
    days off under the plain rule already, so they are not exceptions.
    """
    exceptions: list[PackageException] = []
    for day, english_name in chinese_calendar.holidays.items():
        if day.year == year and is_weekday(day):
            exceptions.append(PackageException(day, False, holiday_name(english_name)))
    for day, english_name in chinese_calendar.workdays.items():
        if day.year == year and not is_weekday(day):
            exceptions.append(PackageException(day, True, holiday_name(english_name) + MAKE_UP_SUFFIX))
    return sorted(exceptions, key=lambda exception: exception.date)
