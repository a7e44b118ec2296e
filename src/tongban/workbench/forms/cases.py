"""Forms of the case pages: queue filters and the handling actions (CASE-2, CASE-3, CASE-4, CASE-7).

The forms only gather input; the case services decide. Every action form
carries the case's ``lock_version`` as a hidden field, passed to the service as
``expected_lock``: of two officers acting on the same page at once, one wins and
the other is told the case has moved on (CASE_STALE). Reasons and opinions are
not required here: the services refuse an empty one with their own code.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.cases.models import Case, CaseState, Channel, DeadlineStatus, RetentionClass
from tongban.catalogue.models import Material
from tongban.catalogue.models.choices import DeliveryMethod
from tongban.workbench.forms.base import WorkbenchForm

_TEXT = forms.Textarea(attrs={"rows": 3})
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CaseQueueFilterForm(WorkbenchForm):
    """Narrow a case queue: case number, item, state, channel, deadline status and submission dates."""

    number = forms.CharField(label=_("办件编号"), max_length=32, required=False)
    item = forms.CharField(label=_("事项名称或实施编码"), max_length=100, required=False)
    state = forms.ChoiceField(
        label=_("状态"), required=False,
        choices=[("", _("全部状态")), *[(state.value, state.label) for state in CaseState if state != CaseState.DRAFT]],
    )
    channel = forms.ChoiceField(label=_("渠道"), required=False, choices=[("", _("全部渠道")), *Channel.choices])
    deadline = forms.ChoiceField(
        label=_("时限状态"), required=False, choices=[("", _("全部")), *DeadlineStatus.choices]
    )
    submitted_from = forms.DateField(label=_("提交日期自"), required=False, widget=_DATE)
    submitted_to = forms.DateField(label=_("提交日期至"), required=False, widget=_DATE)

    def clean(self) -> dict[str, Any]:
        """The date range may not run backwards."""
        cleaned = super().clean() or {}
        start, end = cleaned.get("submitted_from"), cleaned.get("submitted_to")
        if start and end and start > end:
            self.add_error("submitted_to", _("结束日期不能早于开始日期"))
        return cleaned


class CaseLockForm(WorkbenchForm):
    """An action on a case as the officer saw it (the hidden ``lock_version``)."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, data: Any = None, *, case: Case, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"lock_version": case.lock_version})
        super().__init__(data, **kwargs)
        self.case = case

    @property
    def expected_lock(self) -> int:
        """The lock version the page was rendered with, for the service's stale check."""
        return int(self.cleaned_data["lock_version"])


class PreReviewForm(CaseLockForm):
    """The pre-review opinion (网上预审, CASE-2): pass or fail, with the next steps for the applicant."""

    outcome = forms.ChoiceField(choices=[("pass", _("预审通过")), ("fail", _("预审不通过"))])
    opinion = forms.CharField(label=_("预审意见（告知申请人下一步）"), widget=_TEXT, required=False, max_length=2000)

    @property
    def passed(self) -> bool:
        return self.cleaned_data["outcome"] == "pass"


class RefuseForm(CaseLockForm):
    """Refuse to accept (不予受理), with the reasons the decision record keeps."""

    reasons = forms.CharField(label=_("不予受理理由"), widget=_TEXT, required=False, max_length=2000)


class CorrectionNoticeForm(CaseLockForm):
    """A one-time correction notice (一次性告知, CASE-3): every defect at once, only guide materials (CASE-4).

    One checkbox and one reason per material of the case's guide version; a
    material outside the guide has no field, so it cannot be demanded.
    """

    note = forms.CharField(label=_("告知说明"), widget=_TEXT, required=False, max_length=2000)

    def __init__(self, data: Any = None, *, case: Case, materials: Iterable[Material] = (), **kwargs: Any) -> None:
        super().__init__(data, case=case, **kwargs)
        self.materials = list(materials)
        for material in self.materials:
            self.fields[self.pick_name(material.code)] = forms.BooleanField(
                label=f"{material.code} {material.name}", required=False
            )
            self.fields[self.reason_name(material.code)] = forms.CharField(
                label=_("补正要求"), required=False, max_length=300
            )

    @staticmethod
    def pick_name(code: str) -> str:
        return f"pick_{code}"

    @staticmethod
    def reason_name(code: str) -> str:
        return f"reason_{code}"

    def rows(self) -> list[tuple[Material, forms.BoundField, forms.BoundField]]:
        """Each guide material with its checkbox and reason field, for the template."""
        return [(material, self[self.pick_name(material.code)], self[self.reason_name(material.code)])
                for material in self.materials]

    def items(self) -> list[tuple[str, str]]:
        """The chosen materials with their reasons, as ``request_correction`` takes them."""
        return [(material.code, self.cleaned_data[self.reason_name(material.code)])
                for material in self.materials if self.cleaned_data[self.pick_name(material.code)]]

    def field_for(self, code: str) -> str | None:
        """The reason field a refusal naming material ``code`` belongs on."""
        name = self.reason_name(code)
        return name if name in self.fields else None


class DecideForm(CaseLockForm):
    """The decision (决定): approve or deny, reasons, effective and expiry dates, archive retention."""

    outcome = forms.ChoiceField(choices=[("approve", _("准予许可")), ("deny", _("不予许可"))])
    reasons = forms.CharField(label=_("决定理由"), widget=_TEXT, required=False, max_length=4000)
    effective_on = forms.DateField(label=_("生效日期（准予时，默认为今日）"), required=False, widget=_DATE)
    expires_on = forms.DateField(label=_("有效期至"), required=False, widget=_DATE)
    retention_class = forms.ChoiceField(
        label=_("归档保管期限"), choices=RetentionClass.choices, initial=RetentionClass.THIRTY_YEARS
    )

    @property
    def approve(self) -> bool:
        return self.cleaned_data["outcome"] == "approve"

    def clean(self) -> dict[str, Any]:
        """An expiry before the effective date is a typing error."""
        cleaned = super().clean() or {}
        effective: datetime.date | None = cleaned.get("effective_on")
        expires: datetime.date | None = cleaned.get("expires_on")
        if effective and expires and expires < effective:
            self.add_error("expires_on", _("有效期至不能早于生效日期"))
        return cleaned


class DeliverForm(CaseLockForm):
    """How the result reached the applicant; the guide's first delivery method is proposed."""

    method = forms.ChoiceField(label=_("送达方式"), choices=DeliveryMethod.choices)

    def __init__(self, data: Any = None, *, case: Case, **kwargs: Any) -> None:
        methods = list(case.version.delivery_methods or [])
        kwargs.setdefault("initial", {"lock_version": case.lock_version,
                                      "method": methods[0] if methods else DeliveryMethod.ELECTRONIC})
        super().__init__(data, case=case, **kwargs)

    @property
    def method_label(self) -> str:
        return str(DeliveryMethod(self.cleaned_data["method"]).label)
