"""Forms of the operator's single sign-on client pages (ID-2). They only gather input; the service decides.

Redirect URIs are not checked here: ``identity.oidc.clients.register_client``
refuses a wrong one with ``IDENTITY_OIDC_REDIRECT_URI_INVALID``, and the page
shows that refusal with its code, as the command line does.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.agencies.models import Agency
from tongban.workbench.forms.base import WorkbenchForm


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class RegisterClientForm(WorkbenchForm):
    """Register an agency's system as an OpenID Connect client."""

    name = forms.CharField(label=_("接入系统名称"), max_length=200, help_text=_("显示在群众的授权确认页上"))
    agency = forms.ModelChoiceField(
        label=_("所属单位"), queryset=Agency.objects.order_by("path"), required=False,
        help_text=_("同一单位的各系统看到同一个用户标识（sub）"),
    )
    redirect_uris = forms.CharField(
        label=_("回调地址"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一个，须为 https 地址，与接入系统发起登录时的 redirect_uri 完全一致"),
    )
    post_logout_redirect_uris = forms.CharField(
        label=_("退出后返回地址"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("每行一个，可不填"),
    )
    public = forms.BooleanField(
        label=_("公开客户端（移动应用、单页应用等无法保管密钥的系统，仅凭 PKCE）"), required=False,
    )

    def service_arguments(self) -> dict[str, Any]:
        """The keyword arguments of ``register_client``."""
        data = self.cleaned_data
        return {
            "name": data["name"], "agency": data["agency"], "public": data["public"],
            "redirect_uris": _lines(data["redirect_uris"]),
            "post_logout_redirect_uris": _lines(data["post_logout_redirect_uris"]),
        }


class DisableClientForm(WorkbenchForm):
    """Disable a client, with the reason recorded in the audit log."""

    reason = forms.CharField(label=_("停用原因"))  # its length is the service's to refuse, with its code
