"""The form for another region's identity provider (ID-5). It only parses input; the service checks and saves."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.identity.models import ExternalProvider
from tongban.workbench.forms.base import WorkbenchForm

CONFIGURATION_FIELDS = ("name", "issuer", "client_id", "scopes", "id_number_claim", "name_claim", "level_claim")


class ProviderForm(WorkbenchForm):
    """Every setting of a provider. On edit the slug is fixed and a blank secret keeps the stored one."""

    slug = forms.CharField(label=_("标识"), max_length=50,
                           help_text=_("小写字母、数字和短横线，例如 zhejiang；用于回调地址，创建后不可修改"))
    name = forms.CharField(label=_("名称"), max_length=120, help_text=_("登录页上显示，例如 浙江政务服务网"))
    issuer = forms.CharField(
        label=_("签发者（issuer）"), max_length=200,
        help_text=_("对方 OpenID Connect 的 issuer，平台从 issuer/.well-known/openid-configuration 读取配置"),
    )
    client_id = forms.CharField(label=_("客户端 ID"), max_length=200)
    client_secret = forms.CharField(
        label=_("客户端密钥"), max_length=500, required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("加密保存，不再显示"),
    )
    scopes = forms.CharField(label=_("申请范围"), max_length=200, initial="openid profile")
    id_number_claim = forms.CharField(label=_("身份证号声明名"), max_length=64, initial="id_number")
    name_claim = forms.CharField(label=_("姓名声明名"), max_length=64, initial="name")
    level_claim = forms.CharField(label=_("实名等级声明名"), max_length=64, initial="acr",
                                  help_text=_("对方须声明至少2级实名（姓名与身份证号已核验），本平台最多认定为2级"))
    is_enabled = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args: Any, provider: ExternalProvider | None = None, **kwargs: Any) -> None:
        if provider is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(provider, name) for name in ("slug", *CONFIGURATION_FIELDS)}
        super().__init__(*args, **kwargs)
        self.provider = provider
        if provider is not None:
            self.fields["slug"].disabled = True
            self.fields["client_secret"].help_text = _("留空则保留原密钥")
            del self.fields["is_enabled"]  # enabling and disabling have their own buttons on the list

    def service_arguments(self) -> dict[str, Any]:
        """Keyword arguments for ``create_provider`` (with slug and is_enabled) or ``update_provider``."""
        data = self.cleaned_data
        arguments = {name: data[name] for name in CONFIGURATION_FIELDS}
        arguments["client_secret"] = data["client_secret"]
        if self.provider is None:
            arguments["slug"] = data["slug"]
            arguments["is_enabled"] = data["is_enabled"]
        return arguments
