"""The second-factor form: the six-digit code an authenticator app shows. ``second_factor`` checks it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.workbench.forms.base import WorkbenchForm


class CodeForm(WorkbenchForm):
    """One field: the current code from the staff member's authenticator."""

    code = forms.CharField(
        label=_("动态码"), max_length=12,
        help_text=_("身份验证器（如 FreeOTP、Google Authenticator）当前显示的6位数字"),
        widget=forms.TextInput(attrs={
            "inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True, "pattern": "[0-9 ]*",
        }),
    )
