"""The applicant's address book and the delivery choice for a case's result (LOG-1)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.core import crypto
from tongban.core.identifiers import mask_phone
from tongban.logistics.models.choices import ResultDeliveryMethod

PHONE_CONTEXT = "logistics.address.phone"


class Address(models.Model):
    """One postal address of a person; the recipient's phone is encrypted at rest and shown masked to others."""

    person = models.ForeignKey("identity.Person", on_delete=models.CASCADE, related_name="addresses")
    label = models.CharField(_("名称"), max_length=20, blank=True)
    recipient = models.CharField(_("收件人"), max_length=60)
    phone_encrypted = models.TextField()
    province = models.CharField(_("省"), max_length=20)
    city = models.CharField(_("市"), max_length=20)
    district = models.CharField(_("区县"), max_length=20)
    detail = models.CharField(_("详细地址"), max_length=120)
    postal_code = models.CharField(_("邮政编码"), max_length=6, blank=True)
    is_default = models.BooleanField(_("默认地址"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("收件地址")
        verbose_name_plural = _("收件地址")
        ordering = ["-is_default", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.recipient} {self.one_line}"

    @property
    def phone(self) -> str:
        """The recipient's phone in clear (for the holder and the courier order only)."""
        return crypto.decrypt(self.phone_encrypted, context=PHONE_CONTEXT)

    @property
    def masked_phone(self) -> str:
        """``138****5678``: what anyone but the holder sees."""
        return mask_phone(self.phone)

    @property
    def one_line(self) -> str:
        """Province, city, district and street address on one line."""
        return f"{self.province}{self.city}{self.district}{self.detail}"


class DeliveryPreference(models.Model):
    """How the applicant wants the result of one case (chosen when applying or later, until the result is issued).

    Logistics sits below cases, so the case is referred to by its number, not a foreign key.
    """

    case_number = models.CharField(_("办件编号"), max_length=32, unique=True)
    person = models.ForeignKey("identity.Person", on_delete=models.CASCADE, related_name="delivery_preferences")
    method = models.CharField(_("送达方式"), max_length=16, choices=ResultDeliveryMethod.choices)
    address = models.ForeignKey(Address, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("送达方式选择")
        verbose_name_plural = _("送达方式选择")

    def __str__(self) -> str:
        return f"{self.case_number} {self.method}"
