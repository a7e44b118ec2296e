"""Service items (政务服务事项): the basic item shared by every implementation, and each implementation."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.catalogue.models.choices import ItemStatus, ItemType, PublicServiceField

# The basic code (基本编码) is 12 characters: the two-digit item-type code, a
# four-digit main-item number, a three-digit sub-item number and three
# characters reserved for the national catalogue's extension (docs/catalogue-format.md).
BASIC_CODE_PATTERN = re.compile(r"^(0[1-8])\d{7}[0-9A-Z]{3}$")
# The implementation code (实施编码) = basic code + implementing agency's USCC + a
# two-digit business-unit number (业务办理项), 32 characters in all.
IMPLEMENTATION_CODE_PATTERN = re.compile(r"^[0-9A-Z]{12}[0-9A-HJ-NPQRTUWXY]{18}\d{2}$")


class BasicItem(models.Model):
    """The item as the national catalogue knows it: one code, name, type and legal basis everywhere (ITEM-2).

    Every implementing agency, at every level and in every region, reuses this
    record; the fields here are therefore not part of any agency's guide versions.
    """

    basic_code = models.CharField(_("基本编码"), max_length=12, unique=True)
    name = models.CharField(_("事项名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=300, blank=True)
    item_type = models.CharField(_("事项类型"), max_length=24, choices=ItemType.choices)
    public_service_field = models.CharField(
        _("公共服务领域"), max_length=24, choices=PublicServiceField.choices, blank=True
    )
    legal_basis = models.TextField(_("设定依据"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("基本目录事项")
        verbose_name_plural = _("基本目录事项")
        ordering = ["basic_code"]

    def __str__(self) -> str:
        return f"{self.basic_code} {self.name}"

    def clean(self) -> None:
        """The code's type prefix matches the type; public-service items name their field."""
        match = BASIC_CODE_PATTERN.match(self.basic_code or "")
        if not match:
            raise ValidationError({"basic_code": _("基本编码格式不正确")})
        if match.group(1) != ItemType(self.item_type).code_prefix:
            raise ValidationError({"basic_code": _("基本编码前两位与事项类型不符")})
        if (self.item_type == ItemType.PUBLIC_SERVICE) != bool(self.public_service_field):
            raise ValidationError({"public_service_field": _("公共服务事项必须且只有公共服务事项填写服务领域")})


class ServiceItem(models.Model):
    """One agency's implementation of a basic item (实施清单事项), identified by its implementation code.

    The guide lives in :class:`ItemVersion`; ``published_version`` is the one the
    public sees and new cases are filed under, and it stays live while a change
    goes through the lifecycle (ITEM-5).
    """

    implementation_code = models.CharField(_("实施编码"), max_length=32, unique=True)
    basic_item = models.ForeignKey(
        BasicItem, verbose_name=_("基本目录事项"), on_delete=models.PROTECT, related_name="implementations"
    )
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("实施机构"), on_delete=models.PROTECT, related_name="service_items"
    )
    business_unit = models.CharField(_("业务办理项"), max_length=120, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.DRAFT)
    is_community_delegated = models.BooleanField(
        _("下沉社区事务受理服务中心"), default=False,
        help_text=_("下沉至社区事务受理服务中心的事项，需先经民政部门审核（ITEM-7）"),
    )
    published_version = models.OneToOneField(
        "catalogue.ItemVersion", verbose_name=_("现行版本"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("实施事项")
        verbose_name_plural = _("实施事项")
        ordering = ["implementation_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["basic_item", "agency", "business_unit"], name="catalogue_one_implementation_per_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.agency}）"

    @property
    def name(self) -> str:
        """The item's name with its business unit, as guides print it."""
        base = self.basic_item.name
        return f"{base}（{self.business_unit}）" if self.business_unit else base

    @property
    def is_accepting_applications(self) -> bool:
        """In service with a published guide (maintenance windows are checked by the lifecycle service)."""
        return self.status == ItemStatus.IN_SERVICE and self.published_version_id is not None
