"""Filters of the review queues."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.catalogue.models import RequestKind
from tongban.workbench.forms.base import WorkbenchForm


class QueueFilterForm(WorkbenchForm):
    """Narrow a queue to one kind of request and one agency (among those the role covers)."""

    kind = forms.ChoiceField(label=_("申请类型"), choices=[("", _("全部类型")), *RequestKind.choices], required=False)
    agency: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("单位"), queryset=None, required=False, empty_label=_("全部单位")
    )

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
