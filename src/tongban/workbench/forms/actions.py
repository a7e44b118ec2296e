"""Forms of the lifecycle actions. They only gather input; the lifecycle services decide.

Every form acting on an existing request carries the request's ``version_lock``
as a hidden field: the service compares it and refuses a page that is stale.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.catalogue.models import RequestKind
from tongban.workbench.forms.base import WorkbenchForm

_REASON_WIDGET = forms.Textarea(attrs={"rows": 3})


class ReasonForm(WorkbenchForm):
    """A request filed by the agency: its reason (the service refuses an empty one)."""

    reason = forms.CharField(label=_("申请理由"), widget=_REASON_WIDGET, required=False)


class StatusChangeForm(ReasonForm):
    """Suspend, resume or terminate an item (ITEM-6)."""

    kind = forms.ChoiceField(
        label=_("申请事项"),
        choices=[(kind.value, kind.label) for kind in (RequestKind.SUSPEND, RequestKind.RESUME, RequestKind.TERMINATE)],
    )
    field_order = ["kind", "reason"]


class MaintenanceForm(ReasonForm):
    """A planned maintenance window, filed at least 5 working days ahead (ITEM-6)."""

    starts_on = forms.DateField(label=_("维护开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("维护结束日期"), widget=forms.DateInput(attrs={"type": "date"}))
    field_order = ["starts_on", "ends_on", "reason"]


class UrgentSuspensionForm(ReasonForm):
    """An immediate suspension: only together with a public announcement (ITEM-6)."""

    announcement_title = forms.CharField(label=_("公告标题"), max_length=200, required=False)
    announcement_body = forms.CharField(label=_("公告正文"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


class LockedForm(WorkbenchForm):
    """An action on a request as the actor saw it."""

    version_lock = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class NoteForm(LockedForm):
    """An action with an optional note (withdraw, resubmit for retest, execute)."""

    note = forms.CharField(label=_("说明"), widget=_REASON_WIDGET, required=False)


class DecisionForm(LockedForm):
    """Approve or reject (civil affairs, catalogue authority); a rejection needs a note (checked by the service)."""

    decision = forms.ChoiceField(choices=[("approve", _("同意")), ("reject", _("不同意"))])
    note = forms.CharField(label=_("审核意见"), widget=_REASON_WIDGET, required=False)

    @property
    def approve(self) -> bool:
        """True when the approve button was pressed."""
        return self.cleaned_data["decision"] == "approve"


class IntegrationTestForm(LockedForm):
    """The operator's integration test result with its report (ITEM-5)."""

    result = forms.ChoiceField(choices=[("passed", _("测试通过")), ("failed", _("测试未通过"))])
    report = forms.CharField(label=_("测试报告"), widget=_REASON_WIDGET, required=False)

    @property
    def passed(self) -> bool:
        """True when the test-passed button was pressed."""
        return self.cleaned_data["result"] == "passed"
