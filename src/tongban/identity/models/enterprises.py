"""Enterprises and the chain of delegated authority over them (ID-4)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.identity.models.persons import Person


class Enterprise(models.Model):
    """A legal person bound by its USCC to a legal representative verified against the legal-person registry."""

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    legal_representative = models.ForeignKey(
        Person, verbose_name=_("法定代表人"), on_delete=models.PROTECT, related_name="represented_enterprises"
    )
    registry_reference = models.CharField(_("核验流水号"), max_length=120, blank=True)
    verified_at = models.DateTimeField(_("核验时间"))

    class Meta:
        verbose_name = _("法人")
        verbose_name_plural = _("法人")

    def __str__(self) -> str:
        return self.name


class GrantRole(models.TextChoices):
    """Levels of delegation: the legal representative grants administrators, administrators grant operators."""

    LEGAL_REPRESENTATIVE = "legal_representative", _("法定代表人")
    ADMINISTRATOR = "administrator", _("管理员")
    OPERATOR = "operator", _("经办人")


class GrantScope(models.TextChoices):
    """What a grant covers."""

    ALL_ITEMS = "all_items", _("全部事项")
    ITEM_TYPES = "item_types", _("指定事项类型")
    ITEMS = "items", _("指定事项")


class EnterpriseGrantQuerySet(models.QuerySet["EnterpriseGrant"]):
    def active(self) -> EnterpriseGrantQuerySet:
        """Not revoked and not expired now."""
        now = timezone.now()
        unexpired = models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        return self.filter(revoked_at__isnull=True).filter(unexpired)


class EnterpriseGrant(models.Model):
    """Authority of one person to act for an enterprise, granted by someone holding a wider grant.

    ``parent`` is the granter's own grant; revoking a grant revokes everything
    granted under it. The legal representative's grant is the root (no parent,
    no expiry, all items). ``scope_values`` lists item types or implementation
    codes for the narrower scopes.
    """

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="grants")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="enterprise_grants")
    role = models.CharField(_("角色"), max_length=24, choices=GrantRole.choices)
    scope = models.CharField(_("授权范围"), max_length=16, choices=GrantScope.choices)
    scope_values = models.JSONField(_("范围明细"), default=list, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("上级授权")
    )
    granted_at = models.DateTimeField(_("授权时间"))
    granted_by_label = models.CharField(max_length=120, blank=True)
    expires_at = models.DateTimeField(_("有效期至"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)

    objects = EnterpriseGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业授权")
        verbose_name_plural = _("企业授权")
        ordering = ["enterprise_id", "granted_at", "id"]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.person} · {self.get_role_display()}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())
