"""The platform operator's working-day calendar (DESIGN.md "Time"): years, exceptions, edits and a calculator.

Each year's holidays are announced late in the year before, so the operator
enters them here: a day at a time (``core.workdays.set_day``), then declares the
year complete (``core.workdays.declare_year``). The core services cannot check
the role themselves: ``core`` is the kernel and may not import ``identity``
(the layers only point downwards). So every view here calls
``identity.services.require_role(request.user, StaffRole.PLATFORM_OPERATOR)``
before it shows or calls anything, and the core service then decides the edit.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST, require_safe

from tongban.core import workdays
from tongban.core.calendar_source import is_weekday
from tongban.core.errors import TongbanError
from tongban.core.models import CALENDAR_MAX_YEAR, CalendarException, CalendarYear
from tongban.identity.models import StaffRole
from tongban.identity.services import require_role
from tongban.workbench.forms.calendar import CalculatorForm, DayForm, DeclareYearForm, RemoveDayForm, YearForm
from tongban.workbench.views.access import apply_refusal, render_page

TEMPLATE = "workbench/calendar/calendar.html"
WEEKDAY_HEADERS = [
    pgettext_lazy("weekday", "一"), pgettext_lazy("weekday", "二"), pgettext_lazy("weekday", "三"),
    pgettext_lazy("weekday", "四"), pgettext_lazy("weekday", "五"), pgettext_lazy("weekday", "六"),
    pgettext_lazy("weekday", "日"),
]


@dataclass(frozen=True)
class DayCell:
    """One square of a month grid; ``day`` is None for the padding before the 1st and after the last day."""

    day: datetime.date | None
    css: str = ""
    name: str = ""
    is_workday: bool | None = None


@dataclass
class MonthGrid:
    """One month: its weeks (Monday first) and the exceptions that fall in it."""

    first: datetime.date
    weeks: list[list[DayCell]] = field(default_factory=list)
    exceptions: list[CalendarException] = field(default_factory=list)


@dataclass(frozen=True)
class YearRow:
    """A year the table knows: declared (with its owner) or only partly entered."""

    year: int
    declared: CalendarYear | None
    exception_count: int


def _day_cell(day: datetime.date, exception: CalendarException | None, today: datetime.date) -> DayCell:
    classes = ["cal__day"]
    if exception is not None:
        classes.append("cal__day--makeup" if exception.is_workday else "cal__day--holiday")
    elif not is_weekday(day):
        classes.append("cal__day--weekend")
    if day == today:
        classes.append("cal__day--today")
    if exception is None:
        return DayCell(day, " ".join(classes))
    return DayCell(day, " ".join(classes), exception.name, exception.is_workday)


def month_grids(year: int, exceptions: list[CalendarException], today: datetime.date) -> list[MonthGrid]:
    """The year's twelve months with each day classed as a workday, weekend, holiday or make-up workday."""
    by_date = {exception.date: exception for exception in exceptions}
    grids = []
    for month in range(1, 13):
        grid = MonthGrid(datetime.date(year, month, 1))
        for week in calendar.Calendar(firstweekday=0).monthdayscalendar(year, month):
            grid.weeks.append([
                _day_cell(datetime.date(year, month, number), by_date.get(datetime.date(year, month, number)), today)
                if number else DayCell(None, "cal__day cal__day--outside")
                for number in week
            ])
        grid.exceptions = [exception for exception in exceptions if exception.date.month == month]
        grids.append(grid)
    return grids


def year_rows() -> list[YearRow]:
    """Every declared year and every year with entered exceptions, newest first (two queries)."""
    declared = {entry.year: entry for entry in CalendarYear.objects.all()}
    counted = (
        CalendarException.objects.order_by().annotate(year=ExtractYear("date"))
        .values("year").annotate(count=Count("pk")).values_list("year", "count")
    )
    counts = dict(counted)
    return [YearRow(year, declared.get(year), counts.get(year, 0))
            for year in sorted(set(declared) | set(counts), reverse=True)]


def _chosen_year(request: HttpRequest) -> int:
    form = YearForm(request.GET)
    return form.cleaned_data["year"] if form.is_valid() else timezone.localdate().year


def _calculation(request: HttpRequest) -> dict[str, Any]:
    """The calculator's form and, when it was asked, its answer or the calendar's refusal."""
    if "start" not in request.GET:
        return {"calculator": CalculatorForm(initial={"start": timezone.localdate()})}
    form = CalculatorForm(request.GET)
    if not form.is_valid():
        return {"calculator": form}
    try:
        result = workdays.add_workdays(form.cleaned_data["start"], form.cleaned_data["count"])
    except TongbanError as error:
        return {"calculator": form, "calculator_refusal": error}
    return {"calculator": form, "calculator_result": result}


def _page(request: HttpRequest, year: int, *, day_form: DayForm | None = None, refusal: TongbanError | None = None,
          status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    exceptions = list(CalendarException.objects.filter(
        date__gte=datetime.date(year, 1, 1), date__lte=datetime.date(year, 12, 31)).order_by("date"))
    rows = year_rows()
    known = {row.year for row in rows if row.declared is not None}
    declared = next((row.declared for row in rows if row.year == year), None)
    next_year = max(known, default=today.year - 1) + 1
    return render_page(request, TEMPLATE, {
        "year": year,
        "previous_year": year - 1,
        "following_year": year + 1 if year < CALENDAR_MAX_YEAR else None,
        "next_undeclared_year": next_year if next_year <= CALENDAR_MAX_YEAR and next_year not in known else None,
        "declared": declared,
        "years": rows,
        "months": month_grids(year, exceptions, today),
        "weekday_headers": WEEKDAY_HEADERS,
        "exceptions": exceptions,
        "holiday_count": sum(1 for exception in exceptions if not exception.is_workday),
        "makeup_count": sum(1 for exception in exceptions if exception.is_workday),
        "day_form": day_form or DayForm(initial={"date": _default_day(year, today), "is_workday": "0"}),
        "declare_form": DeclareYearForm(initial={"year": year}),
        "refusal": refusal,
        **_calculation(request),
    }, status=status)


def _default_day(year: int, today: datetime.date) -> datetime.date:
    return today if today.year == year else datetime.date(year, 1, 1)


def _operator_refusal(request: HttpRequest) -> HttpResponse | None:
    """None for a platform operator; otherwise the refusal page (403), and nothing is read or changed."""
    try:
        require_role(request.user, StaffRole.PLATFORM_OPERATOR)
    except TongbanError as error:
        return render_page(request, TEMPLATE, {"refusal": error, "refused": True}, status=403)
    return None


def _back_to(year: int) -> HttpResponse:
    return redirect(f"{reverse('workbench:calendar')}?year={year}")


def _posted_year(request: HttpRequest) -> int:
    # For re-showing the page after a form that did not validate: the year it came from, else this year.
    form = YearForm({"year": request.POST.get("year", "")})
    return form.cleaned_data["year"] if form.is_valid() else timezone.localdate().year


@require_safe
@login_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    """The known years, the chosen year month by month with its exceptions, the edit forms and the calculator."""
    refused = _operator_refusal(request)
    if refused is not None:
        return refused
    return _page(request, _chosen_year(request))


@require_POST
@login_required
def set_day(request: HttpRequest) -> HttpResponse:
    """Make a day a holiday or a make-up workday, or return it to the weekday rule (``workdays.set_day``)."""
    refused = _operator_refusal(request)
    if refused is not None:
        return refused
    form = DayForm(request.POST)
    if not form.is_valid():
        return _page(request, _posted_year(request), day_form=form)
    day, is_workday = form.cleaned_data["date"], form.cleaned_data["is_workday"]
    try:
        stored = workdays.set_day(day, is_workday, form.cleaned_data["name"], request.user)
    except TongbanError as error:
        apply_refusal(form, error)
        return _page(request, _posted_year(request), day_form=form, refusal=error)
    parameters = {"date": day.isoformat(), "name": stored.name if stored else ""}
    if stored is None:
        messages.success(request, _("%(date)s 已恢复为周一至周五规则") % parameters)
    elif stored.is_workday:
        messages.success(request, _("%(date)s 已设为调休上班日：%(name)s") % parameters)
    else:
        messages.success(request, _("%(date)s 已设为放假：%(name)s") % parameters)
    return _back_to(day.year)


@require_POST
@login_required
def remove_day(request: HttpRequest) -> HttpResponse:
    """Remove a day's exception, so it follows the Monday–Friday rule again."""
    refused = _operator_refusal(request)
    if refused is not None:
        return refused
    form = RemoveDayForm(request.POST)
    if not form.is_valid():
        return _page(request, _posted_year(request))
    day = form.cleaned_data["date"]
    try:
        workdays.set_day(day, is_weekday(day), "", request.user)
    except TongbanError as error:
        return _page(request, _posted_year(request), refusal=error)
    messages.success(request, _("%(date)s 已恢复为周一至周五规则") % {"date": day.isoformat()})
    return _back_to(day.year)


@require_POST
@login_required
def declare_year(request: HttpRequest) -> HttpResponse:
    """Declare the year's exceptions complete ("已录入全年安排"), so deadlines in it may be computed."""
    refused = _operator_refusal(request)
    if refused is not None:
        return refused
    form = DeclareYearForm(request.POST)
    if not form.is_valid():
        return _page(request, _posted_year(request))
    year = form.cleaned_data["year"]
    try:
        workdays.declare_year(year, request.user, note=form.cleaned_data["note"])
    except TongbanError as error:
        return _page(request, _posted_year(request), refusal=error)
    messages.success(request, _("%(year)s年全年安排已录入，可以计算该年的工作日") % {"year": year})
    return _back_to(year)
