"""Applicants as persons: documents, phone, real-name level (ID-1, ID-3, SEC-4)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.core import crypto
from tongban.identity.models.accounts import User


class DocumentType(models.TextChoices):
    """The identity document a person registered with."""

    RESIDENT_ID = "resident_id", _("居民身份证")
    PASSPORT = "passport", _("护照")
    FOREIGN_PERMANENT_RESIDENCE = "foreign_permanent_residence", _("外国人永久居留身份证")


class RealNameMethod(models.TextChoices):
    """How a real-name level was reached."""

    PHONE_CODE = "phone_code", _("手机验证码")
    POPULATION_REGISTRY = "population_registry", _("人口库核验")
    EXIT_ENTRY_REGISTRY = "exit_entry_registry", _("出入境证件核验")
    BANK_CARD = "bank_card", _("银行卡四要素核验")
    FACE = "face", _("人脸识别")
    COUNTER = "counter", _("窗口现场核验")
    OTHER_REGION = "other_region", _("外省市认证源核验")


class Person(models.Model):
    """A natural person who applies: a citizen or a foreigner (ID-1, ID-3).

    The document number and the phone are personal data: stored encrypted
    (AES-GCM, ``core.crypto``), looked up by keyed hash, shown masked to anyone
    but the holder (SEC-4). ``real_name_level`` is the highest level reached:
    0 none, 1 phone verified, 2 name and document matched against the registry,
    3 an extra factor (bank card or face), 4 verified in person at a counter.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="person")
    full_name = models.CharField(_("姓名"), max_length=120, blank=True)
    document_type = models.CharField(_("证件类型"), max_length=32, choices=DocumentType.choices, blank=True)
    document_number_encrypted = models.TextField(blank=True)
    document_number_hash = models.CharField(max_length=64, blank=True, db_index=True)
    nationality = models.CharField(_("国籍"), max_length=3, blank=True, help_text=_("ISO 3166-1 三字母代码"))
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    phone_encrypted = models.TextField(blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    real_name_level = models.PositiveSmallIntegerField(_("实名等级"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("自然人")
        verbose_name_plural = _("自然人")
        constraints = [
            models.UniqueConstraint(
                fields=["document_number_hash"], condition=~models.Q(document_number_hash=""),
                name="identity_one_account_per_document",
            ),
            # A person who arrives through another region's login may have no phone yet.
            models.UniqueConstraint(
                fields=["phone_hash"], condition=~models.Q(phone_hash=""), name="identity_one_account_per_phone",
            ),
            models.CheckConstraint(
                condition=models.Q(real_name_level__gte=0, real_name_level__lte=4), name="identity_level_range"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or str(self.user)

    # The plaintext accessors are for the holder and for audited staff reads only;
    # everything else shows the masked forms.
    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_encrypted, context="person.phone") if self.phone_encrypted else ""

    def set_phone(self, phone: str) -> None:
        self.phone_encrypted = crypto.encrypt(phone, context="person.phone")
        self.phone_hash = crypto.lookup_hash("phone", phone)

    @property
    def document_number(self) -> str:
        if not self.document_number_encrypted:
            return ""
        return crypto.decrypt(self.document_number_encrypted, context="person.document_number")

    def set_document(self, document_type: str, number: str) -> None:
        self.document_type = document_type
        self.document_number_encrypted = crypto.encrypt(crypto.normalise(number), context="person.document_number")
        self.document_number_hash = crypto.lookup_hash(f"document:{document_type}", number)


class RealNameCheck(models.Model):
    """One verification that raised (or failed to raise) a person's real-name level; the level's evidence."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="real_name_checks")
    level = models.PositiveSmallIntegerField(_("目标等级"))
    method = models.CharField(_("核验方式"), max_length=32, choices=RealNameMethod.choices)
    succeeded = models.BooleanField(_("是否通过"))
    reference = models.CharField(_("核验流水号"), max_length=120, blank=True)
    detail = models.CharField(_("说明"), max_length=300, blank=True)
    checked_at = models.DateTimeField(auto_now_add=True)
    checked_by_label = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["person_id", "checked_at", "id"]
        verbose_name = _("实名核验记录")
        verbose_name_plural = _("实名核验记录")

    def __str__(self) -> str:
        return f"{self.person} L{self.level} {self.method}"
