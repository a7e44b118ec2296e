"""One-time codes sent by SMS for sign-up, login and phone changes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OneTimeCodePurpose(models.TextChoices):
    SIGN_UP = "sign_up", _("注册")
    LOGIN = "login", _("登录")
    CHANGE_PHONE = "change_phone", _("更换手机号")


class OneTimeCode(models.Model):
    """A code sent to a phone: only its hash is stored; it expires, counts wrong guesses and is used once."""

    phone_hash = models.CharField(max_length=64, db_index=True)
    purpose = models.CharField(max_length=16, choices=OneTimeCodePurpose.choices)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    consumed_at = models.DateTimeField(null=True, blank=True)
    requested_from = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["phone_hash", "purpose", "created_at"], name="identity_code_lookup")]

    def __str__(self) -> str:
        return f"{self.purpose} {self.created_at:%Y-%m-%d %H:%M}"
