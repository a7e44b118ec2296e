"""Stored due dates of a case's running limit (DESIGN.md "Time", CASE-2, CASE-4).

Counting starts the working day after the triggering event; a limit in calendar
days that ends on a rest day ends on the next working day (行政许可法 第八十二条);
the applicant's correction time does not count: the limit pauses and, on the
answer, moves on by the working days the applicant used.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from tongban.cases.models import FINAL_STATES, Case, DeadlineStatus
from tongban.catalogue.models.choices import LimitUnit
from tongban.core.workdays import add_workdays, is_workday, workdays_between

PRE_REVIEW_DAYS = 2  # CASE-2: a pre-review opinion within 2 working days
ACCEPTANCE_DAYS = 5  # 行政许可法 第三十二条: accept, refuse or ask for corrections within 5 days


def limit_due(start: datetime.date, value: int | None, unit: str) -> datetime.date:
    """The last day of a limit that starts counting the day after ``start``."""
    if unit == LimitUnit.ON_THE_SPOT or not value:
        return add_workdays(start, 0)
    if unit == LimitUnit.CALENDAR_DAYS:
        return add_workdays(start + datetime.timedelta(days=value), 0)
    return add_workdays(start, value)


def previous_workday(day: datetime.date) -> datetime.date:
    """The working day before ``day`` (the warning day of a limit due on ``day``)."""
    candidate = day - datetime.timedelta(days=1)
    while not is_workday(candidate):
        candidate -= datetime.timedelta(days=1)
    return candidate


def status_on(due_on: datetime.date | None, warning_on: datetime.date | None, today: datetime.date) -> str:
    if due_on is None:
        return DeadlineStatus.NONE
    if today > due_on:
        return DeadlineStatus.OVERDUE
    if warning_on is not None and today >= warning_on:
        return DeadlineStatus.WARNING
    return DeadlineStatus.ON_TIME


def start(case: Case, step: str, due_on: datetime.date | None) -> None:
    """Set the running limit (the caller saves the case)."""
    case.due_step = step
    case.due_on = due_on
    case.warning_on = previous_workday(due_on) if due_on is not None else None
    case.paused_on = None
    case.deadline_status = status_on(case.due_on, case.warning_on, timezone.localdate())


def stop(case: Case) -> None:
    """No limit runs any more (decided, refused, withdrawn)."""
    start(case, "", None)


def pause(case: Case) -> None:
    """The applicant's turn: the limit stops counting from today."""
    case.paused_on = timezone.localdate()
    case.deadline_status = DeadlineStatus.PAUSED


def resume(case: Case) -> int:
    """The applicant answered: the due date moves on by the working days the applicant used; returns them."""
    today = timezone.localdate()
    used = workdays_between(case.paused_on, today) if case.paused_on else 0
    case.paused_working_days += used
    if case.due_on is not None and used:
        case.due_on = add_workdays(case.due_on, used)
        case.warning_on = previous_workday(case.due_on)
    case.paused_on = None
    case.deadline_status = status_on(case.due_on, case.warning_on, today)
    return used


def refresh_statuses(today: datetime.date | None = None) -> int:
    """Store today's status on every running limit (three set-based updates); returns rows changed."""
    today = today or timezone.localdate()
    running = Case.objects.exclude(state__in=FINAL_STATES).exclude(due_on__isnull=True).exclude(
        deadline_status=DeadlineStatus.PAUSED
    )
    changed = running.filter(due_on__lt=today).exclude(deadline_status=DeadlineStatus.OVERDUE).update(
        deadline_status=DeadlineStatus.OVERDUE
    )
    changed += running.filter(due_on__gte=today, warning_on__lte=today).exclude(
        deadline_status=DeadlineStatus.WARNING
    ).update(deadline_status=DeadlineStatus.WARNING)
    changed += running.filter(warning_on__gt=today).exclude(deadline_status=DeadlineStatus.ON_TIME).update(
        deadline_status=DeadlineStatus.ON_TIME
    )
    return changed
