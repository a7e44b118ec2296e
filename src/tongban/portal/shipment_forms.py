"""Forms of the applicant's address book and courier choices (LOG-1); they shape input, the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.logistics.models import ResultDeliveryMethod
from tongban.logistics.services.addresses import AddressInput
from tongban.portal.enterprise_forms import PortalForm


class AddressForm(PortalForm):
    """One address; every check (complete, mobile number, lengths) is the address service's."""

    label = forms.CharField(label=_("名称（如“家”“单位”）"), required=False, max_length=40)
    recipient = forms.CharField(label=_("收件人"), required=False, max_length=120)
    phone = forms.CharField(label=_("手机号码"), required=False, max_length=40,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    province = forms.CharField(label=_("省"), required=False, max_length=40)
    city = forms.CharField(label=_("市"), required=False, max_length=40)
    district = forms.CharField(label=_("区县"), required=False, max_length=40)
    detail = forms.CharField(label=_("详细地址"), required=False, max_length=240)
    postal_code = forms.CharField(label=_("邮政编码"), required=False, max_length=12)
    make_default = forms.BooleanField(label=_("设为默认地址"), required=False)

    def address(self) -> AddressInput:
        """The typed address, for the service to validate."""
        data = self.cleaned_data
        return AddressInput(recipient=data["recipient"], phone=data["phone"], province=data["province"],
                            city=data["city"], district=data["district"], detail=data["detail"],
                            label=data["label"], postal_code=data["postal_code"])


class DeliveryChoiceForm(PortalForm):
    """How the result should reach the applicant, and where for courier delivery."""

    method = forms.ChoiceField(label=_("送达方式"), choices=ResultDeliveryMethod.choices)
    address = forms.IntegerField(label=_("收件地址"), required=False)


class MaterialsShipmentForm(PortalForm):
    """Where the courier picks up the paper materials."""

    address = forms.IntegerField(label=_("取件地址"))
