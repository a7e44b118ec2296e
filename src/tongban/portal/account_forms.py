"""Forms of the applicant account pages; they only shape input, the identity services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.core.errors import TongbanError
from tongban.identity.models import DocumentType


class AccountForm(forms.Form):
    """Labels above inputs, no trailing colon; refusals of the services land on the field they name."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def show_refusal(self, error: TongbanError) -> None:
        """Attach a service refusal (message and code) to its field, or to the whole form."""
        field = error.field if error.field in self.fields else None
        self.add_error(field, f"{error.message}（{error.code}）")


class PhoneForm(AccountForm):
    phone = forms.CharField(label=_("手机号码"), max_length=20,
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))


class CodeForm(AccountForm):
    code = forms.CharField(label=_("短信验证码"), max_length=6, min_length=6, widget=forms.TextInput(
        attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]{6}"}))


class PasswordLoginForm(AccountForm):
    phone = forms.CharField(label=_("手机号码"), max_length=20,
                            widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "tel"}))
    password = forms.CharField(label=_("密码"), max_length=128,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class ResidentLevelForm(AccountForm):
    full_name = forms.CharField(label=_("姓名"), max_length=120)
    id_number = forms.CharField(label=_("居民身份证号码"), max_length=24)


class ForeignerLevelForm(AccountForm):
    full_name = forms.CharField(label=_("姓名（与证件一致，拉丁字母）"), max_length=120)
    document_type = forms.ChoiceField(label=_("证件类型"), choices=[
        (DocumentType.PASSPORT.value, DocumentType.PASSPORT.label),
        (DocumentType.FOREIGN_PERMANENT_RESIDENCE.value, DocumentType.FOREIGN_PERMANENT_RESIDENCE.label),
    ])
    document_number = forms.CharField(label=_("证件号码"), max_length=24)
    nationality = forms.CharField(label=_("国籍（三位字母代码，如 USA）"), max_length=3)


class BankCardForm(AccountForm):
    card_number = forms.CharField(label=_("本人银行卡号"), max_length=30,
                                  widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    phone = forms.CharField(label=_("银行预留手机号码"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))


class FaceForm(AccountForm):
    image = forms.FileField(label=_("本人正面照片（PNG或JPEG）"),
                            widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}))


class PasswordForm(AccountForm):
    password = forms.CharField(label=_("新密码（至少10位）"), max_length=128,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    confirmation = forms.CharField(label=_("再次输入新密码"), max_length=128,
                                   widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
