"""Electronic licences: types, issued licences, their uses, show tokens, other regions' trust (LIC-1 … LIC-4)."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class HolderKind(models.TextChoices):
    """Who holds a licence of a type."""

    PERSON = "person", _("自然人")
    ENTERPRISE = "enterprise", _("法人")


class LicenceType(models.Model):
    """A kind of licence (证照类型): its field schema, issuer, holder kind and validity rule (LIC-1, LIC-2).

    ``field_schema`` is a JSON Schema (draft 2020-12) every issued licence's fields
    must satisfy; ``masked_fields`` name the personal numbers shown masked on
    public pages. ``validity_years`` 0 means valid until revoked. A proof
    certificate (证明, CASE-9) is a type like any other, flagged ``is_proof``.
    """

    code = models.SlugField(_("类型代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    holder_kind = models.CharField(_("持证主体"), max_length=16, choices=HolderKind.choices)
    issuing_agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="licence_types", verbose_name=_("发证单位"))
    field_schema = models.JSONField(_("字段定义"), default=dict)
    masked_fields = models.JSONField(_("脱敏字段"), default=list, blank=True)
    validity_years = models.PositiveSmallIntegerField(_("有效期（年）"), default=0)
    is_proof = models.BooleanField(_("证明类"), default=False)

    class Meta:
        verbose_name = _("证照类型")
        verbose_name_plural = _("证照类型")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def field_titles(self) -> dict[str, str]:
        """Field name → its Chinese title from the schema, in schema order."""
        properties = self.field_schema.get("properties", {})
        return {name: spec.get("title", name) for name, spec in properties.items()}


class LicenceSource(models.TextChoices):
    """How the licence came to be."""

    CASE = "case", _("办件结果")
    AGENCY_SYSTEM = "agency_system", _("部门系统签发")
    PLATFORM = "platform", _("平台签发")


class LicenceStatus(models.TextChoices):
    """Computed at read time from the stored validity and revocation, so a change shows everywhere at once."""

    VALID = "valid", _("有效")
    EXPIRED = "expired", _("已过期")
    REVOKED = "revoked", _("已注销")


def status_of(revoked_at: datetime.datetime | None, valid_until: datetime.date | None,
              today: datetime.date) -> LicenceStatus:
    """A licence's status from its stored revocation and validity (also used on rows read without a model)."""
    if revoked_at is not None:
        return LicenceStatus.REVOKED
    if valid_until is not None and valid_until < today:
        return LicenceStatus.EXPIRED
    return LicenceStatus.VALID


class Licence(models.Model):
    """One issued licence (电子证照), signed with the issuing agency's seal (LIC-1).

    The fields are personal data: stored encrypted (``fields_encrypted``), with a
    masked copy (``public_fields``) for public verification pages. ``signature``
    is the seal's data signature over :meth:`signed_document` (canonical JSON);
    ``pdf`` is the rendered licence, PAdES-signed with the same seal. The holder
    is matched by the keyed hash of their ID number or USCC (``holder_id_hash``),
    never by name. Higher modules are referred to by plain strings (``case_number``).
    """

    number = models.CharField(_("证照编号"), max_length=40, unique=True)
    licence_type = models.ForeignKey(LicenceType, on_delete=models.PROTECT, related_name="licences")
    holder_kind = models.CharField(_("持证主体"), max_length=16, choices=HolderKind.choices)
    holder_person = models.ForeignKey("identity.Person", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="licences")
    holder_enterprise = models.ForeignKey("identity.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="licences")
    holder_name = models.CharField(_("持证人"), max_length=200)
    holder_id_hash = models.CharField(max_length=64, db_index=True)
    fields_encrypted = models.TextField()
    public_fields = models.JSONField(_("公开字段（脱敏）"), default=dict)
    issuing_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="licences")
    issuer_name = models.CharField(_("发证单位"), max_length=200)
    seal = models.ForeignKey("seals.Seal", on_delete=models.PROTECT, related_name="+")
    signature = models.JSONField(default=dict)
    issued_at = models.DateTimeField(_("签发时间"))
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("注销时间"), null=True, blank=True)
    revoked_reason = models.CharField(_("注销原因"), max_length=200, blank=True)
    source = models.CharField(_("来源"), max_length=16, choices=LicenceSource.choices)
    case_number = models.CharField(_("办件编号"), max_length=32, blank=True)
    idempotency_key = models.CharField(max_length=80, blank=True)
    verify_code = models.CharField(max_length=24)
    pdf = models.BinaryField(default=b"")

    class Meta:
        verbose_name = _("电子证照")
        verbose_name_plural = _("电子证照")
        constraints = [
            models.CheckConstraint(
                name="licences_one_holder",
                condition=models.Q(holder_kind="person", holder_enterprise__isnull=True)
                | models.Q(holder_kind="enterprise", holder_person__isnull=True),
            ),
            models.UniqueConstraint(fields=["issuing_agency", "idempotency_key"], condition=~models.Q(
                idempotency_key=""), name="licences_one_issuance_per_key"),
        ]
        indexes = [models.Index(fields=["holder_person", "licence_type"]),
                   models.Index(fields=["holder_enterprise", "licence_type"])]

    def __str__(self) -> str:
        return self.number

    def status_on(self, today: datetime.date) -> LicenceStatus:
        """Revoked beats expired beats valid."""
        return status_of(self.revoked_at, self.valid_until, today)

    @property
    def status(self) -> LicenceStatus:
        return self.status_on(timezone.localdate())


class LicenceUsePurpose(models.TextChoices):
    """What the licence was used for."""

    CASE_MATERIAL = "case_material", _("作为申请材料")
    SHOWN = "shown", _("亮证")


class LicenceUse(models.Model):
    """One use of a licence, with the holder's consent where it is needed (LIC-2, CASE-5)."""

    licence = models.ForeignKey(Licence, null=True, blank=True, on_delete=models.PROTECT, related_name="uses")
    foreign_licence = models.ForeignKey("ForeignLicence", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="uses")
    purpose = models.CharField(_("用途"), max_length=16, choices=LicenceUsePurpose.choices)
    case_number = models.CharField(_("办件编号"), max_length=32, blank=True)
    material_code = models.CharField(max_length=16, blank=True)
    consented_at = models.DateTimeField(_("同意时间"), null=True, blank=True)
    actor_label = models.CharField(max_length=120)
    used_at = models.DateTimeField(_("使用时间"))

    class Meta:
        verbose_name = _("用证记录")
        verbose_name_plural = _("用证记录")
        constraints = [models.CheckConstraint(
            name="licences_use_names_one_licence",
            condition=models.Q(licence__isnull=False, foreign_licence__isnull=True)
            | models.Q(licence__isnull=True, foreign_licence__isnull=False),
        )]

    def __str__(self) -> str:
        return f"{self.purpose} {self.case_number}"


class ShowToken(models.Model):
    """A short-lived show token (亮证码, LIC-3): verified at most ``max_uses`` times before ``expires_at``."""

    token_id = models.CharField(max_length=32, unique=True)
    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="show_tokens")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    max_uses = models.PositiveSmallIntegerField()
    use_count = models.PositiveSmallIntegerField(default=0)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("亮证码")
        verbose_name_plural = _("亮证码")

    def __str__(self) -> str:
        return self.token_id


class TrustedIssuer(models.Model):
    """Another Yangtze River Delta platform's issuing key, kept by the operator (LIC-4)."""

    key_id = models.CharField(_("密钥标识"), max_length=80, unique=True)
    region = models.CharField(_("地区"), max_length=40)
    name = models.CharField(_("平台名称"), max_length=120)
    public_key_pem = models.TextField(_("公钥（PEM）"))
    added_by_label = models.CharField(max_length=120)
    added_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(_("撤销信任时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("外省市签发机构")
        verbose_name_plural = _("外省市签发机构")

    def __str__(self) -> str:
        return f"{self.region} {self.name}"


class ForeignLicence(models.Model):
    """A licence issued by another region's platform, verified under a trusted key and gathered by holder (LIC-4).

    ``document_encrypted`` keeps the whole signed document (canonical JSON +
    signature + key id) so it can be re-verified; ``holder_id_hash`` is the keyed
    hash of the holder's ID number, the only thing used to match the holder.
    """

    issuer = models.ForeignKey(TrustedIssuer, on_delete=models.PROTECT, related_name="licences")
    number = models.CharField(_("证照编号"), max_length=60)
    licence_type_code = models.CharField(_("证照类型"), max_length=64)
    type_name = models.CharField(_("证照名称"), max_length=100)
    holder_name = models.CharField(_("持证人"), max_length=200)
    holder_id_hash = models.CharField(max_length=64, db_index=True)
    holder_person = models.ForeignKey("identity.Person", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="foreign_licences")
    document_encrypted = models.TextField()
    public_fields = models.JSONField(default=dict)
    issued_on = models.DateField(_("签发日期"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    imported_at = models.DateTimeField()

    class Meta:
        verbose_name = _("外省市电子证照")
        verbose_name_plural = _("外省市电子证照")
        constraints = [models.UniqueConstraint(fields=["issuer", "number"], name="licences_foreign_once")]

    def __str__(self) -> str:
        return self.number

    @property
    def status(self) -> LicenceStatus:
        if self.issuer.withdrawn_at is not None:
            return LicenceStatus.REVOKED
        if self.valid_until is not None and self.valid_until < timezone.localdate():
            return LicenceStatus.EXPIRED
        return LicenceStatus.VALID
