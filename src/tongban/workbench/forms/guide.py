"""Draft guide forms: the main guide fields as inputs, the nested lists as JSON, or a whole uploaded document.

Every form here only gathers input; the item document it builds is checked and
saved by ``catalogue.services.guides.save_item_document``, whose problems (each
with its JSON path) are shown on the page.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.catalogue.models import ServiceItem
from tongban.catalogue.models.choices import (
    ApplicantKind,
    DeliveryMethod,
    HandlingKind,
    IntegrationMode,
    ItemType,
    LimitUnit,
    OnlineDepth,
    PublicServiceField,
    RealNameLevel,
    ResultKind,
)
from tongban.workbench.forms.base import WorkbenchForm

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class PrettyJSONField(forms.JSONField):
    """A JSON textarea that shows its value indented, Chinese unescaped, and insists on one JSON type."""

    def __init__(self, *, expected: type, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 8, "class": "code", "spellcheck": "false"}))
        super().__init__(**kwargs)
        self.expected = expected

    def prepare_value(self, value: Any) -> Any:
        """Indented JSON with Chinese kept readable; text that failed to parse is shown back as typed."""
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2, cls=self.encoder)

    def clean(self, value: Any) -> Any:
        """The parsed value; an empty box is an empty list or object."""
        cleaned = super().clean(value)
        if cleaned is None:
            return self.expected()
        if not isinstance(cleaned, self.expected):
            kind = _("数组（[...]）") if self.expected is list else _("对象（{...}）")
            raise forms.ValidationError(_("此处应为 JSON %(kind)s"), params={"kind": kind}, code="json_type")
        return cleaned


class NewItemForm(WorkbenchForm):
    """Who implements which basic item: asked only when a new item is created."""

    agency: forms.ModelChoiceField = forms.ModelChoiceField(label=_("实施机构"), queryset=None, empty_label=None)
    basic_code = forms.CharField(label=_("基本编码"), max_length=12, help_text=_("12位，前两位为事项类型代码"))
    name = forms.CharField(label=_("事项名称"), max_length=200)
    item_type = forms.ChoiceField(label=_("事项类型"), choices=ItemType.choices)
    public_service_field = forms.ChoiceField(
        label=_("公共服务领域"), choices=[("", _("（行政权力事项不填）")), *PublicServiceField.choices], required=False
    )
    legal_basis = forms.CharField(label=_("设定依据"), widget=forms.Textarea(attrs={"rows": 2}))
    business_unit = forms.CharField(label=_("业务办理项"), max_length=120, required=False)
    unit_number = forms.IntegerField(label=_("业务办理项编号"), min_value=1, max_value=99, initial=1)

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]

    def identity(self) -> dict[str, Any]:
        """The item-level part of the exchange document."""
        data = self.cleaned_data
        agency = data["agency"]
        return {
            "basic_item": {
                "basic_code": data["basic_code"].strip().upper(),
                "name": data["name"].strip(),
                "item_type": data["item_type"],
                "public_service_field": data["public_service_field"],
                "legal_basis": data["legal_basis"].strip(),
            },
            "implementation_code": f"{data['basic_code'].strip().upper()}{agency.uscc}{data['unit_number']:02d}",
            "agency": agency.code,
            "business_unit": data["business_unit"].strip(),
        }


def item_identity(item: ServiceItem) -> dict[str, Any]:
    """The item-level part of the exchange document for an existing item (never edited on the guide form)."""
    basic = item.basic_item
    return {
        "basic_item": {
            "basic_code": basic.basic_code, "name": basic.name, "name_en": basic.name_en,
            "item_type": basic.item_type, "public_service_field": basic.public_service_field,
            "legal_basis": basic.legal_basis,
        },
        "implementation_code": item.implementation_code,
        "agency": item.agency.code,
        "business_unit": item.business_unit,
    }


class GuideForm(WorkbenchForm):
    """The guide (办事指南) of a draft version: main fields as inputs, nested lists as JSON."""

    is_community_delegated = forms.BooleanField(label=_("下沉社区事务受理服务中心（需民政审核）"), required=False)
    conditions = forms.CharField(label=_("受理条件"), widget=forms.Textarea(attrs={"rows": 3}))
    eligible_applicants = forms.CharField(label=_("申请对象"), widget=forms.Textarea(attrs={"rows": 2}))
    applicant_kinds = forms.MultipleChoiceField(
        label=_("申请人类型"), choices=ApplicantKind.choices, widget=forms.CheckboxSelectMultiple
    )
    process_steps = forms.CharField(
        label=_("办理流程"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一个环节，格式：环节名称：说明（说明可省略）"),
    )
    handling_kind = forms.ChoiceField(label=_("办件类型"), choices=HandlingKind.choices)
    statutory_limit_value = forms.IntegerField(label=_("法定时限"), min_value=0, max_value=3650, required=False)
    statutory_limit_unit = forms.ChoiceField(
        label=_("法定时限单位"), choices=[("", _("无法定时限")), *LimitUnit.choices], required=False
    )
    promised_limit_value = forms.IntegerField(label=_("承诺时限"), min_value=0, max_value=3650, required=False)
    promised_limit_unit = forms.ChoiceField(label=_("承诺时限单位"), choices=LimitUnit.choices)
    result_name = forms.CharField(label=_("办理结果"), max_length=200)
    result_kind = forms.ChoiceField(label=_("结果类型"), choices=ResultKind.choices)
    result_licence_type = forms.CharField(label=_("结果证照类型"), max_length=64, required=False)
    delivery_methods = forms.MultipleChoiceField(
        label=_("送达方式"), choices=DeliveryMethod.choices, widget=forms.CheckboxSelectMultiple
    )
    online_depth = forms.ChoiceField(label=_("网办深度"), choices=OnlineDepth.choices)
    in_person_trips = forms.IntegerField(label=_("到现场次数"), min_value=0, max_value=9)
    integration_mode = forms.TypedChoiceField(label=_("对接模式"), choices=IntegrationMode.choices, coerce=int)
    is_citywide = forms.BooleanField(label=_("全市通办"), required=False)
    required_real_name_level = forms.TypedChoiceField(
        label=_("实名等级要求"), choices=RealNameLevel.choices, coerce=int, initial=RealNameLevel.L2
    )
    service_location = forms.CharField(label=_("办理地点"), max_length=300, required=False)
    service_hours = forms.CharField(label=_("办理时间"), max_length=200, required=False)
    contact_phone = forms.CharField(label=_("咨询电话"), max_length=60, required=False)
    complaint_phone = forms.CharField(label=_("监督投诉电话"), max_length=60, required=False)
    materials = PrettyJSONField(label=_("申请材料（JSON 数组）"), expected=list, required=False)
    situations = PrettyJSONField(label=_("办理情形（JSON 数组）"), expected=list, required=False)
    fees = PrettyJSONField(label=_("收费（JSON 数组）"), expected=list, required=False)
    form_schema = PrettyJSONField(label=_("申请表结构（JSON Schema）"), expected=dict, required=False)
    optimisation_record = PrettyJSONField(label=_("优化记录（JSON 对象）"), expected=dict, required=False)

    WIDE_FIELDS = ("conditions", "eligible_applicants", "process_steps")
    JSON_FIELDS = ("materials", "situations", "fees", "form_schema", "optimisation_record")

    def main_fields(self) -> list[forms.BoundField]:
        """The short inputs, laid out in a grid."""
        return [self[name] for name in self.fields if name not in self.WIDE_FIELDS + self.JSON_FIELDS]

    def wide_fields(self) -> list[forms.BoundField]:
        """The long texts, one per row."""
        return [self[name] for name in self.WIDE_FIELDS]

    def json_fields(self) -> list[forms.BoundField]:
        """The nested lists, as JSON text."""
        return [self[name] for name in self.JSON_FIELDS]

    # Where a problem path of the exchange format lands on this form.
    PATH_FIELDS = {
        "guide.promised_limit": "promised_limit_value", "guide.statutory_limit": "statutory_limit_value",
        "guide.result.licence_type": "result_licence_type", "guide.result": "result_name",
        "guide.process_steps": "process_steps", "guide.handling_kind": "handling_kind",
    }

    @classmethod
    def initial_from(cls, document: dict[str, Any]) -> dict[str, Any]:
        """Form values for an item document (the draft being edited, or a published version being copied)."""
        guide = document["guide"]
        statutory = guide.get("statutory_limit") or {}
        promised = guide["promised_limit"]
        result = guide["result"]
        simple = [
            "conditions", "eligible_applicants", "applicant_kinds", "handling_kind", "online_depth", "in_person_trips",
            "integration_mode", "is_citywide", "required_real_name_level", "service_location", "service_hours",
            "contact_phone", "complaint_phone", "materials", "situations", "fees", "form_schema", "optimisation_record",
        ]
        initial = {name: guide.get(name) for name in simple if name in guide}
        initial.update({
            "is_community_delegated": document.get("is_community_delegated", False),
            "process_steps": "\n".join(
                f"{step['name']}：{step['description']}" if step.get("description") else step["name"]
                for step in guide["process_steps"]
            ),
            "statutory_limit_value": statutory.get("value"),
            "statutory_limit_unit": statutory.get("unit", ""),
            "promised_limit_value": promised.get("value"),
            "promised_limit_unit": promised["unit"],
            "result_name": result["name"],
            "result_kind": result["kind"],
            "result_licence_type": result.get("licence_type", ""),
            "delivery_methods": result["delivery_methods"],
        })
        return initial

    def guide(self) -> dict[str, Any]:
        """The ``guide`` part of the exchange document from the cleaned data."""
        data = self.cleaned_data
        steps = []
        for line in data["process_steps"].splitlines():
            name, _separator, description = line.replace(":", "：", 1).partition("：")
            if name.strip():
                step = {"name": name.strip()}
                if description.strip():
                    step["description"] = description.strip()
                steps.append(step)
        statutory = (
            {"value": data["statutory_limit_value"], "unit": data["statutory_limit_unit"]}
            if data["statutory_limit_unit"] else None
        )
        return {
            "conditions": data["conditions"].strip(),
            "eligible_applicants": data["eligible_applicants"].strip(),
            "applicant_kinds": data["applicant_kinds"],
            "process_steps": steps,
            "handling_kind": data["handling_kind"],
            "statutory_limit": statutory,
            "promised_limit": {"value": data["promised_limit_value"], "unit": data["promised_limit_unit"]},
            "fees": data["fees"],
            "result": {
                "name": data["result_name"].strip(), "kind": data["result_kind"],
                "licence_type": data["result_licence_type"].strip(), "delivery_methods": data["delivery_methods"],
            },
            "online_depth": data["online_depth"],
            "in_person_trips": data["in_person_trips"],
            "integration_mode": data["integration_mode"],
            "is_citywide": data["is_citywide"],
            "required_real_name_level": data["required_real_name_level"],
            "service_location": data["service_location"].strip(),
            "service_hours": data["service_hours"].strip(),
            "contact_phone": data["contact_phone"].strip(),
            "complaint_phone": data["complaint_phone"].strip(),
            "form_schema": data["form_schema"],
            "optimisation_record": data["optimisation_record"],
            "situations": data["situations"],
            "materials": data["materials"],
        }

    def attach_problems(self, problems: list[dict[str, Any]]) -> None:
        """Put each problem on the field it concerns as well (the page also lists them all with their paths)."""
        for problem in problems:
            path = problem["path"].removeprefix("$.")
            field = self._field_for(path)
            if field is not None:
                self.add_error(field, problem["message"])

    def _field_for(self, path: str) -> str | None:
        for prefix, field in self.PATH_FIELDS.items():
            if path == prefix or path.startswith(prefix + ".") or path.startswith(prefix + "["):
                return field
        if path.startswith("guide."):
            name = path.removeprefix("guide.").split(".")[0].split("[")[0]
            return name if name in self.fields else None
        return None


class DocumentUploadForm(WorkbenchForm):
    """An item document in the exchange format (``tongban.catalogue/1``): one item, or a file holding one item."""

    document = forms.FileField(label=_("事项文件（JSON）"), help_text=_("交换格式 tongban.catalogue/1，一个事项"))

    def clean_document(self) -> dict[str, Any]:
        """The uploaded file parsed into one item document (its checks are the guide service's job)."""
        upload = self.cleaned_data["document"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件不能超过2MB"), code="too_large")
        try:
            parsed = json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise forms.ValidationError(
                _("不是有效的 UTF-8 JSON 文件：%(detail)s"), params={"detail": error}, code="invalid_json"
            ) from error
        if isinstance(parsed, dict) and "items" in parsed:
            items = parsed["items"]
            if not isinstance(items, list) or len(items) != 1:
                raise forms.ValidationError(_("文件中应恰好包含一个事项"), code="one_item")
            parsed = items[0]
        if not isinstance(parsed, dict):
            raise forms.ValidationError(_("事项文件应为 JSON 对象"), code="not_object")
        return parsed
