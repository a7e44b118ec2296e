"""Forms of the operator's working-day calendar. They only gather input; ``core.workdays`` decides.

The day name is not length-checked here: ``workdays.set_day`` refuses a missing
or over-long name with ``CORE_CALENDAR_DAY_NAME_INVALID``, and the page shows
that refusal with its code, so staff see one wording wherever they edit.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.core.models import CALENDAR_MAX_YEAR, CALENDAR_MIN_YEAR
from tongban.workbench.forms.base import WorkbenchForm

_DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# The calculator accepts limits as long as any guide states (guide forms allow up to 3650 days).
MAX_CALCULATOR_DAYS = 3650


class DayForm(WorkbenchForm):
    """Make one day a working day or a day off, with the name the State Council notice gives it."""

    date = forms.DateField(label=_("日期"), widget=_DATE_WIDGET)
    is_workday = forms.TypedChoiceField(
        label=_("当天"),
        choices=[("0", _("放假（节假日）")), ("1", _("上班（调休上班日）"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    name = forms.CharField(
        label=_("名称"), required=False, help_text=_("例如：春节、春节调休上班。恢复为周一至周五规则时可不填。")
    )


class RemoveDayForm(WorkbenchForm):
    """Return one day to the Monday–Friday rule (its exception is removed)."""

    date = forms.DateField(widget=forms.HiddenInput)


class DeclareYearForm(WorkbenchForm):
    """Declare a year's exceptions complete, so working days in it may be computed."""

    year = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("例如：依据国务院办公厅关于该年部分节假日安排的通知录入。"),
    )


class YearForm(WorkbenchForm):
    """Which year the calendar page shows (a query parameter, so a bad value just falls back)."""

    year = forms.IntegerField(min_value=CALENDAR_MIN_YEAR, max_value=CALENDAR_MAX_YEAR)


class CalculatorForm(WorkbenchForm):
    """Date + N working days: the deadline staff check a time limit against."""

    start = forms.DateField(label=_("起算日期"), widget=_DATE_WIDGET)
    count = forms.IntegerField(label=_("工作日数"), min_value=0, max_value=MAX_CALCULATOR_DAYS)
