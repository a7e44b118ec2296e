"""The seal registry: seals with their own keys and certificates, and the log of every use (SEAL-1, SEAL-2)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SealKind(models.TextChoices):
    """What a seal is and who holds it."""

    AGENCY_OFFICIAL = "agency_official", _("单位公章")
    AGENCY_BUSINESS = "agency_business", _("业务专用章")
    ENTERPRISE = "enterprise", _("企业电子印章")
    PERSONAL = "personal", _("个人电子签名")


AGENCY_KINDS = (SealKind.AGENCY_OFFICIAL, SealKind.AGENCY_BUSINESS)


class SealStatus(models.TextChoices):
    """A seal's life: applied, approved (active), suspended for a while, revoked for good."""

    PENDING = "pending", _("待审核")
    ACTIVE = "active", _("有效")
    SUSPENDED = "suspended", _("暂停使用")
    REVOKED = "revoked", _("已注销")
    REJECTED = "rejected", _("申请未通过")


class Seal(models.Model):
    """One electronic seal: the visible image, a key in the key store and a certificate under the platform CA.

    Exactly one holder matches the kind: an agency for agency seals, an enterprise
    for enterprise seals, a person for personal signatures. The private key is
    never stored here, only the key store's opaque ``key_id``; the key and the
    certificate exist only once the seal is approved (``ACTIVE``). Only an
    active seal signs; suspension and revocation take effect on the next use.
    """

    kind = models.CharField(_("印章类型"), max_length=24, choices=SealKind.choices)
    name = models.CharField(_("印章名称"), max_length=120)
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="seals")
    enterprise = models.ForeignKey("identity.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="seals")
    person = models.ForeignKey("identity.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="seals")
    status = models.CharField(_("状态"), max_length=16, choices=SealStatus.choices, default=SealStatus.PENDING)
    algorithm = models.CharField(_("签名算法"), max_length=16)
    key_id = models.CharField(max_length=64, blank=True)
    certificate_pem = models.TextField(blank=True)
    certificate_serial = models.CharField(_("证书序列号"), max_length=64, blank=True)
    image_png = models.BinaryField(blank=True, default=b"")
    applied_by_label = models.CharField(max_length=120, blank=True)
    applied_at = models.DateTimeField(_("申请时间"))
    decided_by_label = models.CharField(max_length=120, blank=True)
    activated_at = models.DateTimeField(_("启用时间"), null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_reason = models.CharField(_("状态说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("电子印章")
        verbose_name_plural = _("电子印章")
        constraints = [
            models.CheckConstraint(
                name="seals_one_holder_matching_kind",
                condition=(
                    models.Q(kind__in=[k.value for k in AGENCY_KINDS], agency__isnull=False,
                             enterprise__isnull=True, person__isnull=True)
                    | models.Q(kind=SealKind.ENTERPRISE, agency__isnull=True, enterprise__isnull=False)
                    | models.Q(kind=SealKind.PERSONAL, agency__isnull=True, enterprise__isnull=True,
                               person__isnull=False)
                ),
            ),
            # An active seal has its key and certificate.
            models.CheckConstraint(
                name="seals_active_has_certificate",
                condition=~models.Q(status="active") | (~models.Q(key_id="") & ~models.Q(certificate_pem="")),
            ),
        ]
        indexes = [models.Index(fields=["agency", "status"]), models.Index(fields=["certificate_serial"])]

    def __str__(self) -> str:
        return self.name

    @property
    def holder_label(self) -> str:
        """Who holds the seal, for pages and logs."""
        holder = self.agency or self.enterprise or self.person
        return str(holder) if holder else ""


class SealUsePurpose(models.TextChoices):
    """What the seal signed."""

    PDF = "pdf", _("PDF 签章")
    DATA = "data", _("数据签名")


class SealUse(models.Model):
    """One use of a seal (every signature is logged: what, for which reference, by whom, when)."""

    seal = models.ForeignKey(Seal, on_delete=models.PROTECT, related_name="uses")
    purpose = models.CharField(_("用途"), max_length=8, choices=SealUsePurpose.choices)
    reference = models.CharField(_("业务编号"), max_length=120, blank=True)
    digest = models.CharField(_("摘要（SHA-256）"), max_length=64)
    actor_label = models.CharField(max_length=120)
    used_at = models.DateTimeField(_("使用时间"))

    class Meta:
        verbose_name = _("用印记录")
        verbose_name_plural = _("用印记录")
        indexes = [models.Index(fields=["seal", "-used_at"])]

    def __str__(self) -> str:
        return f"{self.seal_id}:{self.purpose}:{self.reference}"
