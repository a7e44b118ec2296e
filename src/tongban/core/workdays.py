"""Working days: every time limit of the platform is counted on this calendar.

A day is a working day by the Monday–Friday rule unless the table lists it as
an exception (a holiday on a weekday, or a make-up workday 调休 on a weekend).
Only years declared in ``CalendarYear`` are answered; any other year is refused
with ``CORE_CALENDAR_YEAR_UNKNOWN``, because a guessed deadline is worse than none.

Counting follows DESIGN.md: it starts on the working day after the triggering
date, so ``add_workdays(friday, 1)`` is the next Monday (if that is a working day).
"""

from __future__ import annotations

import datetime
import re
import threading
import time
from typing import Any

from django.conf import settings
from django.db import transaction

from tongban.core import audit
from tongban.core.calendar_source import is_weekday, package_exceptions, package_note, package_years
from tongban.core.errors import CoreError, TongbanError
from tongban.core.models import (
    CALENDAR_MAX_YEAR,
    CALENDAR_MIN_YEAR,
    CALENDAR_NAME_MAX_LENGTH,
    CalendarException,
    CalendarSource,
    CalendarYear,
)

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _as_date(value: Any) -> datetime.date:
    # A datetime is a date subclass; refusing it makes callers convert to the
    # local date explicitly instead of silently counting from a UTC date.
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise TypeError(f"expected a datetime.date, got {type(value).__name__}")
    return value


def _weekdays_through(day: datetime.date) -> int:
    # Monday–Friday days from 0001-01-01 (a Monday, ordinal 1) up to and including ``day``.
    full_weeks, remainder = divmod(day.toordinal(), 7)
    return full_weeks * 5 + min(remainder, 5)


def parse_iso_date(text: str) -> datetime.date:
    """A date from ``YYYY-MM-DD`` text, or ``CORE_DATE_FORMAT`` (other ISO spellings are refused too)."""
    try:
        if not ISO_DATE.match(text):
            raise ValueError(text)
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise TongbanError(CoreError.DATE_FORMAT, field="date", value=text) from None


class WorkdayCalendar:
    """Answers working-day questions, loading each year's exceptions with one query.

    An instance caches what it has read, so hold one for a batch of computations
    (e.g. the deadlines of many cases) and drop it afterwards; operator edits are
    seen by the next instance. The module-level functions use a fresh one per call.
    """

    def __init__(self) -> None:
        self._known_years: set[int] | None = None
        self._exceptions: dict[int, dict[datetime.date, bool]] = {}

    def _load(self, first_year: int, last_year: int) -> None:
        missing = [year for year in range(first_year, last_year + 1) if year not in self._exceptions]
        if not missing:
            return
        if self._known_years is None:
            self._known_years = set(CalendarYear.objects.values_list("year", flat=True))
        for year in missing:
            if year not in self._known_years:
                raise TongbanError(CoreError.CALENDAR_YEAR_UNKNOWN, field="date", year=year)
        loaded: dict[int, dict[datetime.date, bool]] = {year: {} for year in missing}
        rows = CalendarException.objects.filter(
            date__gte=datetime.date(missing[0], 1, 1), date__lte=datetime.date(missing[-1], 12, 31)
        ).values_list("date", "is_workday")
        for day, is_workday in rows:
            loaded.setdefault(day.year, {})[day] = is_workday
        for year in missing:
            self._exceptions[year] = loaded[year]

    def _year_exceptions(self, year: int) -> dict[datetime.date, bool]:
        self._load(year, year)
        return self._exceptions[year]

    def is_workday(self, day: datetime.date) -> bool:
        """True when ``day`` is a working day."""
        day = _as_date(day)
        return self._year_exceptions(day.year).get(day, is_weekday(day))

    def add_workdays(self, day: datetime.date, count: int) -> datetime.date:
        """The date ``count`` working days after ``day``.

        For 0: ``day`` itself if it is a working day, else the next working day.
        """
        day = _as_date(day)
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise TongbanError(CoreError.WORKDAY_COUNT_INVALID, field="count", value=count)
        if count == 0:
            while not self.is_workday(day):
                day += datetime.timedelta(days=1)
            return day
        remaining = count
        while remaining:
            day += datetime.timedelta(days=1)
            if self.is_workday(day):
                remaining -= 1
        return day

    def workdays_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days in (``start``, ``end``]: elapsed working time from ``start`` to ``end``.

        Antisymmetric: ``workdays_between(a, b) == -workdays_between(b, a)``, and
        ``workdays_between(d, add_workdays(d, n)) == n`` for every n > 0.
        """
        start, end = _as_date(start), _as_date(end)
        if end < start:
            return -self.workdays_between(end, start)
        if end == start:
            return 0
        first_counted = start + datetime.timedelta(days=1)
        self._load(first_counted.year, end.year)
        total = _weekdays_through(end) - _weekdays_through(start)
        for year in range(first_counted.year, end.year + 1):
            for day, is_workday in self._exceptions[year].items():
                if start < day <= end:
                    # Every stored exception flips the rule: +1 for a make-up day, -1 for a holiday.
                    total += 1 if is_workday else -1
        return total


# The calendar changes a few times a year (the State Council's holiday notice, an operator's correction) but is
# read on every submission and transition: each process keeps one shared calendar for a short while instead of
# reading the table twice per computation. Edits in this process drop it at once; other processes see an edit
# within TONGBAN_CALENDAR_CACHE_SECONDS (docs/architecture.md).
_shared_lock = threading.Lock()
_shared: tuple[float, WorkdayCalendar] | None = None


def shared_calendar() -> WorkdayCalendar:
    """This process's calendar, read again once it is older than ``TONGBAN_CALENDAR_CACHE_SECONDS``."""
    global _shared
    lifetime = float(getattr(settings, "TONGBAN_CALENDAR_CACHE_SECONDS", 60.0))
    now = time.monotonic()
    with _shared_lock:
        if _shared is None or now - _shared[0] >= lifetime or lifetime <= 0:
            _shared = (now, WorkdayCalendar())
        return _shared[1]


def forget_calendar() -> None:
    """Drop this process's shared calendar, so the next computation reads the table (after an edit)."""
    global _shared
    with _shared_lock:
        _shared = None


def _forget_after_edit() -> None:
    # Once now (later reads in the editing transaction see the edit) and again at commit (reads made by other
    # threads of this process while the transaction was open cached the old table).
    forget_calendar()
    transaction.on_commit(forget_calendar)


def is_workday(day: datetime.date) -> bool:
    """True when ``day`` is a working day; ``CORE_CALENDAR_YEAR_UNKNOWN`` when its year is unknown."""
    return shared_calendar().is_workday(day)


def add_workdays(day: datetime.date, count: int) -> datetime.date:
    """The date ``count`` working days after ``day`` (see :meth:`WorkdayCalendar.add_workdays`)."""
    return shared_calendar().add_workdays(day, count)


def workdays_between(start: datetime.date, end: datetime.date) -> int:
    """Working days in (``start``, ``end``] (see :meth:`WorkdayCalendar.workdays_between`)."""
    return shared_calendar().workdays_between(start, end)


def _check_year(year: int) -> None:
    if not CALENDAR_MIN_YEAR <= year <= CALENDAR_MAX_YEAR:
        raise TongbanError(CoreError.CALENDAR_YEAR_OUT_OF_RANGE, field="year", year=year)


def set_day(day: datetime.date, is_workday: bool, name: str, actor: Any) -> CalendarException | None:
    """Operator edit: make ``day`` a working day or a day off, audited as ``core.calendar.day_set``.

    Returns the stored exception, or None when the day now simply follows the
    Monday–Friday rule (its exception row, if any, is removed). The year need
    not be declared yet: the operator enters a newly announced year day by day
    and then calls :func:`declare_year`. Editing a year seeded from the package
    hands that year to the operator, so re-seeding will not undo the edit.
    The caller checks that ``actor`` is a platform operator.
    """
    day = _as_date(day)
    _check_year(day.year)
    name = (name or "").strip()
    follows_rule = bool(is_workday) == is_weekday(day)
    if not follows_rule and not 0 < len(name) <= CALENDAR_NAME_MAX_LENGTH:
        raise TongbanError(CoreError.CALENDAR_DAY_NAME_INVALID, field="name", max_length=CALENDAR_NAME_MAX_LENGTH)
    with transaction.atomic():
        existing = CalendarException.objects.select_for_update().filter(date=day).first()
        before = {"is_workday": existing.is_workday, "name": existing.name} if existing else None
        result: CalendarException | None = None
        if follows_rule:
            if existing is not None:
                existing.delete()
        else:
            result = existing or CalendarException(date=day)
            result.is_workday = bool(is_workday)
            result.name = name
            result.full_clean()
            result.save()
        year = CalendarYear.objects.select_for_update().filter(year=day.year).first()
        taken_over = year is not None and year.source == CalendarSource.CHINESECALENDAR
        if year is not None:
            year.source = CalendarSource.OPERATOR
            year.save(update_fields=["source", "updated_at"])
        audit.record(
            "core.calendar.day_set",
            actor=actor,
            object_type="core.calendarexception",
            object_id=day.isoformat(),
            data={
                "date": day.isoformat(),
                "is_workday": bool(is_workday),
                "name": name if result else "",
                "before": before,
                "year_taken_over": taken_over,
            },
        )
        _forget_after_edit()
    return result


def declare_year(year: int, actor: Any, note: str = "") -> CalendarYear:
    """Operator edit: declare ``year``'s exceptions complete, so working days in it may be computed.

    Audited as ``core.calendar.year_declared``. Refused with
    ``CORE_CALENDAR_YEAR_ALREADY_KNOWN`` when the year is already declared.
    """
    _check_year(year)
    with transaction.atomic():
        if CalendarYear.objects.select_for_update().filter(year=year).exists():
            raise TongbanError(CoreError.CALENDAR_YEAR_ALREADY_KNOWN, field="year", year=year)
        declared = CalendarYear.objects.create(year=year, source=CalendarSource.OPERATOR, note=note.strip())
        exception_count = CalendarException.objects.filter(date__year=year).count()
        audit.record(
            "core.calendar.year_declared",
            actor=actor,
            obj=declared,
            data={"year": year, "exception_count": exception_count, "note": declared.note},
        )
        _forget_after_edit()
    return declared


def seed_from_package(years: list[int] | None = None, *, actor: Any = None) -> list[int]:
    """Bring the table in line with the ``chinesecalendar`` package; returns the years it changed.

    Idempotent: a second run changes nothing and returns ``[]``. Years the
    operator owns are left alone. ``years`` defaults to all the package knows;
    a year it does not know is refused with ``CORE_CALENDAR_YEAR_UNKNOWN``.
    """
    available = set(package_years())
    wanted = sorted(set(years)) if years is not None else sorted(available)
    for year in wanted:
        if year not in available:
            raise TongbanError(CoreError.CALENDAR_YEAR_UNKNOWN, field="year", year=year)
    changed: list[int] = []
    with transaction.atomic():
        owners = dict(CalendarYear.objects.select_for_update().values_list("year", "source"))
        for year in wanted:
            if owners.get(year) == CalendarSource.OPERATOR:
                continue
            if _sync_year(year) or year not in owners:
                changed.append(year)
            if year not in owners:
                CalendarYear.objects.create(year=year, source=CalendarSource.CHINESECALENDAR, note=package_note())
        if changed:
            audit.record("core.calendar.seeded", actor=actor, data={"years": changed})
            _forget_after_edit()
    return changed


def _sync_year(year: int) -> bool:
    # Replace only the rows that differ, so an unchanged year costs two queries and no writes.
    desired = {row.date: (row.is_workday, row.name) for row in package_exceptions(year)}
    stored = {
        row.date: row
        for row in CalendarException.objects.filter(
            date__gte=datetime.date(year, 1, 1), date__lte=datetime.date(year, 12, 31)
        )
    }
    stale = [row.pk for day, row in stored.items() if desired.get(day) != (row.is_workday, row.name)]
    fresh = [
        CalendarException(date=day, is_workday=is_workday, name=name)
        for day, (is_workday, name) in desired.items()
        if day not in stored or stored[day].pk in stale
    ]
    if stale:
        CalendarException.objects.filter(pk__in=stale).delete()
    if fresh:
        CalendarException.objects.bulk_create(fresh)
    return bool(stale or fresh)
