"""The agency tree (接入单位): city → district → street/town → village, with leads and the cut-off switch."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyLevel(models.TextChoices):
    """Administrative level; the order of the members is top-down."""

    CITY = "city", _("市级")
    DISTRICT = "district", _("区级")
    STREET = "street", _("街镇级")
    VILLAGE = "village", _("村居级")


LEVEL_DEPTH = {AgencyLevel.CITY: 0, AgencyLevel.DISTRICT: 1, AgencyLevel.STREET: 2, AgencyLevel.VILLAGE: 3}


class AgencyKind(models.TextChoices):
    """What kind of body the agency is."""

    GOVERNMENT = "government", _("人民政府")
    DEPARTMENT = "department", _("政府部门")
    COMMITTEE = "committee", _("管理委员会")
    COMMUNITY_CENTRE = "community_centre", _("社区事务受理服务中心")
    PLATFORM = "platform", _("平台运营机构")
    PUBLIC_INSTITUTION = "public_institution", _("公共服务机构")


class Agency(models.Model):
    """A connected agency (接入单位) at one level of the tree.

    Each agency names a business lead and a technical lead (SH2020 §6).
    ``path`` is a materialised path of ancestor ids (``/1/4/9/``) so subtree
    checks – "does a role held here cover that agency?" – are one string test.
    """

    code = models.CharField(_("机构代码"), max_length=32, unique=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    level = models.CharField(_("层级"), max_length=16, choices=AgencyLevel.choices)
    kind = models.CharField(_("类型"), max_length=24, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    region_code = models.CharField(_("行政区划代码"), max_length=12)
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    business_lead_name = models.CharField(_("业务负责人"), max_length=60)
    business_lead_phone = models.CharField(_("业务负责人电话"), max_length=20)
    technical_lead_name = models.CharField(_("技术负责人"), max_length=60)
    technical_lead_phone = models.CharField(_("技术负责人电话"), max_length=20)
    is_cut_off = models.BooleanField(_("已中断连接"), default=False)
    cut_off_reason = models.TextField(_("中断原因"), blank=True)
    cut_off_at = models.DateTimeField(_("中断时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接入单位")
        verbose_name_plural = _("接入单位")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A child sits exactly one level below its parent, or at the same level (a department of a government)."""
        if self.parent_id is None:
            if self.level != AgencyLevel.CITY:
                raise ValidationError({"parent": _("只有市级单位可以没有上级")})
            return
        parent = self.parent
        assert parent is not None
        depth = LEVEL_DEPTH[AgencyLevel(self.level)]
        parent_depth = LEVEL_DEPTH[AgencyLevel(parent.level)]
        if depth not in (parent_depth, parent_depth + 1):
            raise ValidationError({"level": _("层级必须与上级相同或低一级")})

    def save(self, *args: object, **kwargs: object) -> None:
        """Keep the materialised path in step with the parent."""
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        expected = (self.parent.path if self.parent is not None else "/") + f"{self.pk}/"
        if self.path != expected:
            self.path = expected
            Agency.objects.filter(pk=self.pk).update(path=expected)

    def covers(self, other: Agency) -> bool:
        """True when ``other`` is this agency or one below it in the tree."""
        return other.path.startswith(self.path)


class ApiCredential(models.Model):
    """A bearer token an agency's business system calls the platform API with (DESIGN.md "Users").

    The token is ``tb_<key_id>_<secret>``: ``key_id`` finds the row, and only a
    SHA-256 hash of the secret is stored, so a database leak does not leak
    working tokens. A revoked credential stays for the audit trail.
    """

    agency = models.ForeignKey(
        Agency, verbose_name=_("接入单位"), on_delete=models.PROTECT, related_name="api_credentials"
    )
    name = models.CharField(_("名称"), max_length=120)
    key_id = models.CharField(_("凭证标识"), max_length=32, unique=True)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 凭证")
        verbose_name_plural = _("API 凭证")
        ordering = ["agency_id", "created_at"]

    def __str__(self) -> str:
        return f"{self.agency} · {self.name} ({self.key_id})"

    @property
    def is_active(self) -> bool:
        """Not revoked."""
        return self.revoked_at is None


class IdempotencyRecord(models.Model):
    """The first response to a POST carrying an ``Idempotency-Key``: a retry gets it back and changes nothing.

    ``request_hash`` fingerprints method, path and body, so reusing a key for a
    different request is refused rather than silently answered with the old response.
    """

    credential = models.ForeignKey(ApiCredential, on_delete=models.CASCADE, related_name="idempotency_records")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("幂等记录")
        verbose_name_plural = _("幂等记录")
        constraints = [
            models.UniqueConstraint(fields=["credential", "key"], name="agencies_idempotency_key_once"),
        ]

    def __str__(self) -> str:
        return f"{self.credential.key_id} · {self.key}"
