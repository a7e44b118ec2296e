"""Agencies' systems as relying parties of the platform's OpenID provider, and what each sign-on carried (ID-2).

django-oauth-toolkit owns the client (``Application``), the authorization code
(``Grant``) and the tokens; these two models add what Tongban needs beside them
without swapping the toolkit's models.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings

from tongban.identity.models.enterprises import EnterpriseGrant


class OidcClient(models.Model):
    """An agency system registered as an OpenID Connect client; disabled rather than deleted, for the record.

    A disabled client is refused at the authorization and token endpoints and
    its outstanding codes and tokens are deleted when it is disabled.
    """

    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL, on_delete=models.CASCADE, related_name="tongban_client"
    )
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("所属单位"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="oidc_clients",
    )
    registered_at = models.DateTimeField(_("登记时间"))
    registered_by_label = models.CharField(_("登记人"), max_length=150, blank=True)
    disabled_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    disabled_by_label = models.CharField(_("停用人"), max_length=150, blank=True)
    disabled_reason = models.CharField(_("停用原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("单点登录接入系统")
        verbose_name_plural = _("单点登录接入系统")
        ordering = ["-registered_at", "-id"]

    def __str__(self) -> str:
        return str(self.application)

    @property
    def is_enabled(self) -> bool:
        return self.disabled_at is None


class OidcSignOn(models.Model):
    """One consent to an agency system: how the person had logged in and which enterprise grant they acted under.

    Created with the authorization code (``grant``), moved onto the access
    token when the code is exchanged, so the ID token and the userinfo answer
    carry the same context. Deleted with the code or the token.
    """

    grant = models.OneToOneField(
        oauth2_settings.GRANT_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="tongban_sign_on"
    )
    access_token = models.OneToOneField(
        oauth2_settings.ACCESS_TOKEN_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="tongban_sign_on",
    )
    enterprise_grant = models.ForeignKey(
        EnterpriseGrant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    authentication_methods = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("单点登录授权")
        verbose_name_plural = _("单点登录授权")

    def __str__(self) -> str:
        return f"sign-on {self.pk}"
