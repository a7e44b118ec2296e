"""Showing a guide version: readable labels for its coded lists, and what a change alters against the published one."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tongban.catalogue.models import ItemVersion
from tongban.catalogue.models.choices import ApplicantKind, DeliveryMethod
from tongban.catalogue.services.guides import item_document

ITEM_LEVEL_FIELDS = {"business_unit", "is_community_delegated"}
FIELD_LABELS: dict[str, str | Promise] = {
    "business_unit": _("业务办理项"),
    "is_community_delegated": _("下沉社区"),
    "conditions": _("受理条件"),
    "eligible_applicants": _("申请对象"),
    "applicant_kinds": _("申请人类型"),
    "process_steps": _("办理流程"),
    "handling_kind": _("办件类型"),
    "statutory_limit": _("法定时限"),
    "promised_limit": _("承诺时限"),
    "fees": _("收费"),
    "result": _("办理结果"),
    "online_depth": _("网办深度"),
    "in_person_trips": _("到现场次数"),
    "integration_mode": _("对接模式"),
    "is_citywide": _("全市通办"),
    "required_real_name_level": _("实名等级要求"),
    "service_location": _("办理地点"),
    "service_hours": _("办理时间"),
    "contact_phone": _("咨询电话"),
    "complaint_phone": _("监督投诉电话"),
    "form_schema": _("申请表结构"),
    "optimisation_record": _("优化记录"),
    "situations": _("办理情形"),
    "materials": _("申请材料"),
}


def changed_fields(new: dict[str, Any], old: dict[str, Any]) -> list[str | Promise]:
    """Labels of the fields whose values differ, shallowly: a changed material marks "申请材料" as a whole."""
    return [label for key, label in FIELD_LABELS.items() if _value(new, key) != _value(old, key)]


def _value(document: dict[str, Any], key: str) -> Any:
    return document.get(key) if key in ITEM_LEVEL_FIELDS else document["guide"].get(key)


def version_changes(version: ItemVersion, published: ItemVersion) -> list[str | Promise]:
    """What ``version`` changes against the published one."""
    return changed_fields(item_document(version, with_status=False), item_document(published, with_status=False))


def _labels(choices: type, values: list[str]) -> str:
    known = dict(choices.choices)  # type: ignore[attr-defined]
    return "、".join(str(known.get(value, value)) for value in values)


def with_labels(version: ItemVersion) -> ItemVersion:
    """Attach the readable forms of the version's coded lists for the guide template."""
    properties = (version.form_schema or {}).get("properties") or {}
    # Display-only attributes read by the template; the model stays untouched.
    version.applicant_kind_labels = _labels(ApplicantKind, version.applicant_kinds)  # type: ignore[attr-defined]
    version.delivery_method_labels = _labels(DeliveryMethod, version.delivery_methods)  # type: ignore[attr-defined]
    version.form_field_titles = [  # type: ignore[attr-defined]
        str(spec.get("title", name)) if isinstance(spec, dict) else name for name, spec in properties.items()
    ]
    return version
