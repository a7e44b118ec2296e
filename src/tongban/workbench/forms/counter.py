"""Forms of the counter's real-name pages: search, in-person verification (L4) and audited reveal."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.workbench.forms.base import WorkbenchForm


class CounterSearchForm(WorkbenchForm):
    query = forms.CharField(label=_("证件号码或手机号码（完整号码）"), max_length=24)


class CounterVerifyForm(WorkbenchForm):
    document_number = forms.CharField(
        label=_("证件原件上的号码"), max_length=24,
        help_text=_("请照证件原件逐位输入，须与该账号实名认证的证件一致"),
    )
    confirmed = forms.BooleanField(label=_("我已当面核对本人与证件原件一致"), required=False)


class RevealForm(WorkbenchForm):
    FIELD_CHOICES = [("document_number", _("完整证件号码")), ("phone", _("完整手机号码"))]

    field = forms.ChoiceField(label=_("查看内容"), choices=FIELD_CHOICES)
    reason = forms.CharField(label=_("查看事由（将记入审计日志）"), max_length=200)
