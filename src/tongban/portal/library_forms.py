"""Forms of the material library pages (CASE-5); they only shape input, the document services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from tongban.cases.services.document_types import ALLOWED_EXTENSIONS
from tongban.portal.enterprise_forms import PortalForm

ACCEPT = ",".join(f".{extension}" for extension in ALLOWED_EXTENSIONS)


def _file_help() -> str:
    template = _("PDF、OFD、PNG 或 JPG 文件，不超过 {limit}；文件内容须与扩展名一致")
    return str(template).format(limit=filesizeformat(settings.TONGBAN_UPLOAD_MAX_BYTES))


file_help = lazy(_file_help, str)


def _file_options() -> dict[str, Any]:
    # Empty files reach the service, which refuses them with its own code (DOCUMENT_EMPTY).
    return {
        "allow_empty_file": True, "help_text": file_help(),
        "widget": forms.FileInput(attrs={"accept": ACCEPT}),
    }


class UploadForm(PortalForm):
    """A new material for the library: what it is, what guide material it serves, until when it is valid."""

    title = forms.CharField(label=_("材料名称"), max_length=200, help_text=_("例如“张三的居民身份证（正反面）”"))
    material_name = forms.CharField(
        label=_("对应办事指南中的材料"), max_length=200, required=False,
        help_text=_("例如“居民身份证”；申请事项时，同名且仍在有效期内的材料可直接复用，无需再次上传"),
    )
    valid_until = forms.DateField(
        label=_("有效期至（含当日）"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("留空表示长期有效"),
    )
    file = forms.FileField(label=_("文件"), **_file_options())


class VersionForm(PortalForm):
    """A corrected file for a material already in the library; the earlier versions are kept."""

    file = forms.FileField(label=_("更正后的文件"), **_file_options())
