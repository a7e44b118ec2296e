"""An index of the sessions each account holds, so that disabling an account can end all of them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserSession(models.Model):
    """One logged-in session of ``user``, written by ``identity.sessions.record_login`` at every login.

    The session itself stays in the session engine; this row only names its
    key, so that ``end_sessions`` can delete every session of an account
    without decoding all sessions of the platform. A row whose session has
    already expired is harmless and is pruned at the user's next login.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="logged_in_sessions",
        verbose_name=_("账号"),
    )
    session_key = models.CharField(_("会话标识"), max_length=40, unique=True)
    logged_in_at = models.DateTimeField(_("登录时间"))
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("登录会话")
        verbose_name_plural = _("登录会话")
        indexes = [models.Index(fields=["user", "logged_in_at"], name="identity_session_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.logged_in_at:%Y-%m-%d %H:%M}"
