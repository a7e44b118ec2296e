"""Forms of the three administrators' pages (三员分立). They only parse input; the services decide."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.agencies.models import Agency
from tongban.identity.models import StaffRole
from tongban.identity.services.audit_log import EventFilter
from tongban.workbench.forms.base import WorkbenchForm


class RoleForm(WorkbenchForm):
    """A role and the agency it is held at (covering that agency's subtree)."""

    role = forms.ChoiceField(label=_("角色"), choices=StaffRole.choices)
    agency = forms.ModelChoiceField(label=_("授权单位（覆盖其下级）"), queryset=Agency.objects.none())

    def __init__(self, *args: Any, agencies: QuerySet[Agency] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = agencies if agencies is not None else Agency.objects.none()


class StaffCreateForm(RoleForm):
    """A new staff account with its first role; the staff member binds an authenticator at first login."""

    username = forms.CharField(label=_("用户名"), max_length=150)
    display_name = forms.CharField(label=_("姓名"), max_length=60)
    password = forms.CharField(
        label=_("初始密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少10位，不能全为数字，不能与用户名相似；请线下告知本人"),
    )
    field_order = ["username", "display_name", "password", "role", "agency"]


class ReasonForm(WorkbenchForm):
    """Why an account is disabled, enabled or has its authenticator reset (kept in the audit log)."""

    reason = forms.CharField(label=_("原因"), max_length=200, required=False)  # the service requires it


class StaffSearchForm(WorkbenchForm):
    """Find staff by username or name."""

    q = forms.CharField(label=_("用户名或姓名"), max_length=60, required=False)


class UnlockForm(WorkbenchForm):
    """Lift a lock on a username, an IP address, or both."""

    username = forms.CharField(label=_("用户名"), max_length=150, required=False)
    ip_address = forms.GenericIPAddressField(label=_("IP 地址"), required=False)


def _day_start(day: datetime.date | None, days_after: int = 0) -> datetime.datetime | None:
    if day is None:
        return None
    moment = datetime.datetime.combine(day + datetime.timedelta(days=days_after), datetime.time())
    return timezone.make_aware(moment)


class AuditFilterForm(WorkbenchForm):
    """Narrow the audit log by action prefix, actor, object and days (both days included)."""

    action = forms.CharField(label=_("操作（前缀）"), max_length=100, required=False,
                             help_text=_("例如 identity.role 或 catalogue.request"))
    actor = forms.CharField(label=_("操作人"), max_length=150, required=False)
    object_type = forms.CharField(label=_("对象类型"), max_length=100, required=False)
    object_id = forms.CharField(label=_("对象 ID"), max_length=100, required=False)
    since = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def event_filter(self) -> EventFilter:
        """The cleaned fields as the service's filter."""
        data = self.cleaned_data
        return EventFilter(
            action=data["action"].strip(), actor=data["actor"].strip(), object_type=data["object_type"].strip(),
            object_id=data["object_id"].strip(), since=_day_start(data["since"]),
            until=_day_start(data["until"], days_after=1),
        )
