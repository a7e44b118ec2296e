"""Other regions' identity providers (ID-5, YRD-1) and the local persons their users are matched to."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.identity.models.persons import Person


class ExternalProvider(models.Model):
    """Another region's OpenID Connect provider the platform trusts as a relying party (set by the operator).

    The client secret is stored encrypted. ``id_number_claim`` names the claim
    that carries the verified resident ID number; a returning user is matched to
    a local person by the keyed hash of that number, never by name.
    """

    slug = models.SlugField(_("标识"), unique=True)
    name = models.CharField(_("名称"), max_length=120)
    issuer = models.URLField(_("签发者（issuer）"))
    client_id = models.CharField(_("客户端 ID"), max_length=200)
    client_secret_encrypted = models.TextField(blank=True)
    scopes = models.CharField(_("申请范围"), max_length=200, default="openid profile")
    id_number_claim = models.CharField(_("身份证号声明名"), max_length=64, default="id_number")
    name_claim = models.CharField(_("姓名声明名"), max_length=64, default="name")
    level_claim = models.CharField(_("实名等级声明名"), max_length=64, default="acr")
    is_enabled = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("外省认证源")
        verbose_name_plural = _("外省认证源")

    def __str__(self) -> str:
        return self.name


class ExternalIdentity(models.Model):
    """A person's account at another region's provider, linked on first login by the ID-number hash."""

    provider = models.ForeignKey(ExternalProvider, on_delete=models.PROTECT, related_name="identities")
    subject = models.CharField(max_length=255)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="external_identities")
    linked_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="identity_external_subject_once"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} · {self.subject}"
