"""Forms of the applicant's enterprise pages (ID-4); they only shape input, the services decide."""

from __future__ import annotations

import datetime
import re
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.catalogue.models.choices import ItemType
from tongban.identity.models import EnterpriseGrant, GrantScope
from tongban.identity.services.enterprises import CHILD_ROLE

CODE_SEPARATORS = re.compile(r"[\s,，、;；]+")


class PortalForm(forms.Form):
    """Labels stand above their inputs, so they need no trailing colon."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class RegisterEnterpriseForm(PortalForm):
    """USCC and name, as printed on the business licence."""

    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=30, help_text=_("18位，见营业执照"))
    name = forms.CharField(label=_("企业名称"), max_length=200, help_text=_("与营业执照上的名称一致"))


class GrantForm(PortalForm):
    """Delegate part of one of my grants: to whom, over what, until when."""

    parent = forms.TypedChoiceField(label=_("以哪项授权进行转授"), coerce=int)
    grantee = forms.CharField(
        label=_("被授权人"), max_length=40, help_text=_("被授权人注册时使用的手机号码或证件号码；须已完成实名认证")
    )
    scope = forms.ChoiceField(label=_("授权范围"), choices=GrantScope.choices, widget=forms.RadioSelect)
    item_types = forms.MultipleChoiceField(
        label=_("事项类型"), choices=ItemType.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("授权范围为“指定事项类型”时选择"),
    )
    items = forms.CharField(
        label=_("事项实施编码"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("授权范围为“指定事项”时填写，多个编码用空格、逗号或换行分隔"),
    )
    expires_on = forms.DateField(
        label=_("有效期至（含当日）"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("留空表示与您自己的授权同时到期"),
    )

    def __init__(self, *args: Any, parents: list[EnterpriseGrant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parents = {parent.pk: parent for parent in parents}
        cast(forms.ChoiceField, self.fields["parent"]).choices = [
            (parent.pk, _("我的{role}授权（{scope}）→ 授予{child}").format(
                role=parent.get_role_display(), scope=parent.get_scope_display(),
                child=CHILD_ROLE[parent.role].label,
            ))
            for parent in parents
        ]

    def scope_values(self) -> list[str]:
        """The values of the chosen scope (item types or implementation codes)."""
        scope = self.cleaned_data["scope"]
        if scope == GrantScope.ITEM_TYPES:
            return list(self.cleaned_data["item_types"])
        if scope == GrantScope.ITEMS:
            return [code.upper() for code in CODE_SEPARATORS.split(self.cleaned_data["items"]) if code]
        return []

    def expires_at(self) -> datetime.datetime | None:
        """The end of the chosen day (midnight after it, local time); the parent's expiry when left empty."""
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return self.parents[self.cleaned_data["parent"]].expires_at
        midnight = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
        return timezone.make_aware(midnight)


class RevokeForm(PortalForm):
    """Why the grant is withdrawn; kept with the grant and in the audit log."""

    reason = forms.CharField(label=_("撤销原因"), max_length=200)
