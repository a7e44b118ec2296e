"""Reading and writing guides in the exchange format, and checking what a guide says.

``check_item_document`` reports every problem at once, each with its JSON path,
so an agency importing thousands of guides can fix them all in one pass.
``save_item_document`` turns one checked document into a draft version.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jsonschema
from django.db import transaction
from django.utils.translation import gettext

from tongban.agencies.models import Agency
from tongban.catalogue.errors import CatalogueError
from tongban.catalogue.form_schema import with_property_order, without_implied_order
from tongban.catalogue.guide_format import ITEM_SCHEMA
from tongban.catalogue.models import (
    BasicItem,
    ItemVersion,
    Material,
    ServiceItem,
    SituationOption,
    SituationQuestion,
)
from tongban.catalogue.models.choices import HandlingKind, ItemType, LimitUnit, ResultKind, VersionState
from tongban.catalogue.models.items import BASIC_CODE_PATTERN, IMPLEMENTATION_CODE_PATTERN
from tongban.core.errors import ErrorCode, ValidationProblems
from tongban.payments.services import fees as fee_rules

_ITEM_VALIDATOR = jsonschema.Draft202012Validator(ITEM_SCHEMA)


@dataclass(frozen=True)
class Limit:
    """A time limit as a guide states it: a value and its unit (value None for on-the-spot or absent)."""

    value: int | None
    unit: str

    @classmethod
    def from_document(cls, data: dict[str, Any] | None) -> Limit | None:
        if not data:
            return None
        return cls(data.get("value"), data["unit"])

    def describe(self) -> str:
        if self.unit == LimitUnit.ON_THE_SPOT:
            return str(LimitUnit.ON_THE_SPOT.label)
        return f"{self.value}{LimitUnit(self.unit).label}"


def promised_exceeds_statutory(promised: Limit, statutory: Limit | None) -> bool:
    """True when the promised limit may run longer than the statutory one.

    Same units compare by value. A working-day limit spans at least as many
    calendar days, so promised calendar days fit within equally many statutory
    working days; promised working days fit within statutory calendar days only
    at five working days per seven (the conservative reading, docs/catalogue-format.md).
    """
    if statutory is None or promised.unit == LimitUnit.ON_THE_SPOT:
        return False
    if statutory.unit == LimitUnit.ON_THE_SPOT:
        return True
    assert promised.value is not None and statutory.value is not None
    if promised.unit == statutory.unit or promised.unit == LimitUnit.CALENDAR_DAYS:
        return promised.value > statutory.value
    return promised.value * 7 > statutory.value * 5


class _Problems:
    """Collects problems with their JSON paths."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.items: list[dict[str, Any]] = []

    def add(self, path: str, error: ErrorCode, **params: Any) -> None:
        full_path = f"{self.base}.{path}" if path else self.base
        self.items.append({"path": full_path, "code": error.code, "message": error.format(**params)})


def check_item_document(document: Any, *, base: str = "$") -> list[dict[str, Any]]:
    """Every problem of one item document (structure first, then meaning); empty when it can be saved."""
    problems = _Problems(base)
    for error in sorted(_ITEM_VALIDATOR.iter_errors(document), key=lambda e: list(e.absolute_path)):
        path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.absolute_path)
        problems.add(path.lstrip("."), CatalogueError.FORMAT_INVALID, detail=error.message)
    if problems.items:
        return problems.items  # meaning cannot be checked on a broken structure
    _check_codes(document, problems)
    _check_guide(document["guide"], problems)
    return problems.items


def _check_codes(document: dict[str, Any], problems: _Problems) -> None:
    basic = document["basic_item"]
    code = basic["basic_code"]
    match = BASIC_CODE_PATTERN.match(code)
    item_type = ItemType(basic["item_type"])
    if not match:
        problems.add("basic_item.basic_code", CatalogueError.BASIC_CODE_MALFORMED, code=code)
    elif match.group(1) != item_type.code_prefix:
        problems.add(
            "basic_item.basic_code", CatalogueError.BASIC_CODE_TYPE_MISMATCH,
            code=code, prefix=match.group(1), item_type=item_type.label, expected=item_type.code_prefix,
        )
    if (item_type == ItemType.PUBLIC_SERVICE) != bool(basic.get("public_service_field")):
        problems.add("basic_item.public_service_field", CatalogueError.FORMAT_INVALID,
                     detail=gettext("公共服务事项必须填写服务领域，行政权力事项不填"))
    existing = BasicItem.objects.filter(basic_code=code).first()
    if existing is not None:
        fields = ((gettext("名称"), "name"), (gettext("类型"), "item_type"), (gettext("设定依据"), "legal_basis"))
        differing = [
            label for label, field in fields
            if getattr(existing, field) != basic[field]
        ]
        if differing:
            problems.add("basic_item", CatalogueError.BASIC_CODE_CLASH,
                         code=code, existing_name=existing.name, fields="、".join(differing))

    agency = Agency.objects.filter(code=document["agency"]).first()
    implementation_code = document["implementation_code"]
    if agency is None:
        problems.add("agency", CatalogueError.AGENCY_NOT_FOUND, code=document["agency"])
        return
    if not IMPLEMENTATION_CODE_PATTERN.match(implementation_code):
        problems.add("implementation_code", CatalogueError.IMPLEMENTATION_CODE_MALFORMED, code=implementation_code)
        return
    if not implementation_code.startswith(code + agency.uscc):
        problems.add("implementation_code", CatalogueError.IMPLEMENTATION_CODE_MISMATCH,
                     code=implementation_code, basic_code=code, uscc=agency.uscc)
    unit = document.get("business_unit", "")
    same_code = ServiceItem.objects.filter(implementation_code=implementation_code).select_related("agency").first()
    if same_code is not None and same_code.business_unit != unit:
        problems.add("implementation_code", CatalogueError.IMPLEMENTATION_CODE_TAKEN,
                     code=implementation_code, agency=same_code.agency.name)
    same_unit = (
        ServiceItem.objects.filter(basic_item__basic_code=code, agency=agency, business_unit=unit)
        .exclude(implementation_code=implementation_code)
        .first()
    )
    if same_unit is not None:
        problems.add("business_unit", CatalogueError.IMPLEMENTATION_DUPLICATE_UNIT,
                     agency=agency.name, unit=unit or "—", existing=same_unit.implementation_code)


def _check_guide(guide: dict[str, Any], problems: _Problems) -> None:
    _check_limits(guide, problems)
    if guide["result"]["kind"] == ResultKind.LICENCE and not guide["result"].get("licence_type"):
        problems.add("guide.result.licence_type", CatalogueError.FORMAT_INVALID,
                     detail=gettext("结果为证照时须填写证照类型"))
    for index, fee in enumerate(guide.get("fees", [])):
        if fee.get("amount_fen") is None and not fee.get("rule"):
            problems.add(f"guide.fees[{index}]", CatalogueError.FORMAT_INVALID,
                         detail=gettext("收费须填写固定金额或计费规则"))
        elif isinstance(fee.get("rule"), dict):
            for problem in fee_rules.rule_problems(fee["rule"]):
                problems.add(f"guide.fees[{index}].rule", CatalogueError.FORMAT_INVALID, detail=problem)
    option_keys: set[str] = set()
    seen_questions: set[str] = set()
    for q_index, question in enumerate(guide.get("situations", [])):
        if question["code"] in seen_questions:
            problems.add(f"guide.situations[{q_index}].code", CatalogueError.DUPLICATE_CODE, code=question["code"])
        seen_questions.add(question["code"])
        seen_options: set[str] = set()
        for o_index, option in enumerate(question["options"]):
            if option["code"] in seen_options:
                problems.add(f"guide.situations[{q_index}].options[{o_index}].code",
                             CatalogueError.DUPLICATE_CODE, code=option["code"])
            seen_options.add(option["code"])
            option_keys.add(f"{question['code']}.{option['code']}")
    seen_materials: set[str] = set()
    for m_index, material in enumerate(guide["materials"]):
        if material["code"] in seen_materials:
            problems.add(f"guide.materials[{m_index}].code", CatalogueError.DUPLICATE_CODE, code=material["code"])
        seen_materials.add(material["code"])
        for s_index, key in enumerate(material.get("situation_options", [])):
            if key not in option_keys:
                problems.add(f"guide.materials[{m_index}].situation_options[{s_index}]",
                             CatalogueError.SITUATION_UNKNOWN, key=key)
    schema = guide.get("form_schema") or {}
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as error:
        problems.add("guide.form_schema", CatalogueError.FORM_SCHEMA_INVALID, detail=error.message)


def _check_limits(guide: dict[str, Any], problems: _Problems) -> None:
    promised = Limit.from_document(guide["promised_limit"])
    statutory = Limit.from_document(guide.get("statutory_limit"))
    assert promised is not None
    for name, limit in (("promised_limit", promised), ("statutory_limit", statutory)):
        if limit is None:
            continue
        if limit.unit == LimitUnit.ON_THE_SPOT and limit.value not in (None, 0):
            problems.add(f"guide.{name}.value", CatalogueError.LIMIT_INCONSISTENT, detail=gettext("当场办结不填天数"))
            return
        if limit.unit != LimitUnit.ON_THE_SPOT and not limit.value:
            problems.add(f"guide.{name}.value", CatalogueError.LIMIT_INCONSISTENT, detail=gettext("须填写大于0的天数"))
            return
    on_the_spot = guide["handling_kind"] == HandlingKind.ON_THE_SPOT
    if on_the_spot != (promised.unit == LimitUnit.ON_THE_SPOT):
        problems.add("guide.handling_kind", CatalogueError.LIMIT_INCONSISTENT,
                     detail=gettext("即办件的承诺时限为当场办结，承诺件须填写承诺天数"))
    if promised_exceeds_statutory(promised, statutory):
        assert statutory is not None
        problems.add("guide.promised_limit", CatalogueError.PROMISED_OVER_STATUTORY,
                     promised=promised.describe(), statutory=statutory.describe())


def completeness_problems(version: ItemVersion) -> list[dict[str, Any]]:
    """What keeps a guide from opening (ITEM-4): the guide must be complete and carry an optimisation record."""
    problems = _Problems("guide")
    document = guide_document(version)
    for problem in check_item_document(_item_document(version, document), base="$"):
        problems.items.append(problem)
    if not version.contact_phone:
        problems.add("contact_phone", CatalogueError.FORMAT_INVALID, detail=gettext("须填写咨询电话"))
    if not version.service_location and version.in_person_trips > 0:
        problems.add("service_location", CatalogueError.FORMAT_INVALID, detail=gettext("需到现场的事项须填写办理地点"))
    if not (version.form_schema or {}).get("properties"):
        problems.add("form_schema", CatalogueError.FORMAT_INVALID, detail=gettext("须配置申请表字段"))
    record = version.optimisation_record or {}
    removed = record.get("removed_materials")
    if (
        not str(record.get("summary", "")).strip()
        or not isinstance(removed, list)
        or any(not (entry.get("name") and entry.get("reason")) for entry in removed)
        or not isinstance(record.get("trips_before"), int)
        or not isinstance(record.get("steps_before"), int)
    ):
        problems.add("optimisation_record", CatalogueError.OPTIMISATION_RECORD_MISSING)
    return problems.items


def guide_document(version: ItemVersion) -> dict[str, Any]:
    """The ``guide`` part of the exchange format for one version."""
    statutory = (
        {"value": version.statutory_limit_value, "unit": version.statutory_limit_unit}
        if version.statutory_limit_unit else None
    )
    return {
        "conditions": version.conditions,
        "eligible_applicants": version.eligible_applicants,
        "applicant_kinds": list(version.applicant_kinds),
        "process_steps": list(version.process_steps),
        "handling_kind": version.handling_kind,
        "statutory_limit": statutory,
        "promised_limit": {"value": version.promised_limit_value, "unit": version.promised_limit_unit},
        "fees": list(version.fees),
        "result": {
            "name": version.result_name,
            "kind": version.result_kind,
            "licence_type": version.result_licence_type,
            "delivery_methods": list(version.delivery_methods),
        },
        "online_depth": version.online_depth,
        "in_person_trips": version.in_person_trips,
        "integration_mode": version.integration_mode,
        "is_citywide": version.is_citywide,
        "required_real_name_level": version.required_real_name_level,
        "service_location": version.service_location,
        "service_hours": version.service_hours,
        "contact_phone": version.contact_phone,
        "complaint_phone": version.complaint_phone,
        "form_schema": without_implied_order(version.form_schema),
        "optimisation_record": version.optimisation_record,
        "situations": [
            {
                "code": question.code,
                "text": question.text,
                "allows_several": question.allows_several,
                "options": [{"code": option.code, "label": option.label} for option in question.options.all()],
            }
            for question in version.situation_questions.all()
        ],
        "materials": [
            {
                "code": material.code,
                "name": material.name,
                "description": material.description,
                "source": material.source,
                "medium": material.medium,
                "paper_copies": material.paper_copies,
                "is_required": material.is_required,
                "situation_options": list(material.situation_options),
                "sample_url": material.sample_url,
                "blank_form_url": material.blank_form_url,
                "licence_type": material.licence_type,
                "shared_data_resource": material.shared_data_resource,
                "commitment_allowed": material.commitment_allowed,
            }
            for material in version.materials.all()
        ],
    }


def _item_document(version: ItemVersion, guide: dict[str, Any]) -> dict[str, Any]:
    item = version.item
    basic = item.basic_item
    return {
        "basic_item": {
            "basic_code": basic.basic_code,
            "name": basic.name,
            "name_en": basic.name_en,
            "item_type": basic.item_type,
            "public_service_field": basic.public_service_field,
            "legal_basis": basic.legal_basis,
        },
        "implementation_code": item.implementation_code,
        "agency": item.agency.code,
        "business_unit": item.business_unit,
        "is_community_delegated": item.is_community_delegated,
        "guide": guide,
    }


def item_document(version: ItemVersion, *, with_status: bool = True) -> dict[str, Any]:
    """One item in the exchange format, its guide taken from ``version``."""
    document = _item_document(version, guide_document(version))
    if with_status:
        document["status"] = version.item.status
        document["version"] = version.number
    return document


@transaction.atomic
def save_item_document(document: dict[str, Any], *, actor_label: str) -> ItemVersion:
    """Create or replace the draft version an item document describes; refuses with every problem at once.

    A new basic item and implementation are created on first sight. An item
    that already has a frozen version gets a new draft numbered after it; an
    existing draft is rewritten in place (drafts are the agency's scratch pad).
    """
    problems = check_item_document(document)
    if problems:
        raise ValidationProblems(CatalogueError.GUIDE_INVALID, problems)
    basic_data = document["basic_item"]
    basic, _created = BasicItem.objects.get_or_create(
        basic_code=basic_data["basic_code"],
        defaults={
            "name": basic_data["name"],
            "name_en": basic_data.get("name_en", ""),
            "item_type": basic_data["item_type"],
            "public_service_field": basic_data.get("public_service_field", ""),
            "legal_basis": basic_data["legal_basis"],
        },
    )
    agency = Agency.objects.get(code=document["agency"])
    item, _created = ServiceItem.objects.select_for_update().get_or_create(
        implementation_code=document["implementation_code"],
        defaults={
            "basic_item": basic,
            "agency": agency,
            "business_unit": document.get("business_unit", ""),
            "is_community_delegated": document.get("is_community_delegated", False),
        },
    )
    if item.is_community_delegated != document.get("is_community_delegated", False):
        item.is_community_delegated = document.get("is_community_delegated", False)
        item.save(update_fields=["is_community_delegated"])
    draft = item.versions.filter(state=VersionState.DRAFT).first()
    if draft is None:
        last = item.versions.order_by("-number").values_list("number", flat=True).first() or 0
        draft = ItemVersion(item=item, number=last + 1)
    else:
        draft.materials.all().delete()
        draft.situation_questions.all().delete()
    _fill_version(draft, document["guide"], actor_label)
    return draft


def _fill_version(version: ItemVersion, guide: dict[str, Any], actor_label: str) -> None:
    statutory = guide.get("statutory_limit") or {}
    promised = guide["promised_limit"]
    result = guide["result"]
    version.conditions = guide["conditions"]
    version.eligible_applicants = guide["eligible_applicants"]
    version.applicant_kinds = guide["applicant_kinds"]
    version.process_steps = guide["process_steps"]
    version.handling_kind = guide["handling_kind"]
    version.statutory_limit_value = statutory.get("value")
    version.statutory_limit_unit = statutory.get("unit", "")
    version.promised_limit_value = promised.get("value")
    version.promised_limit_unit = promised["unit"]
    version.fees = guide.get("fees", [])
    version.result_name = result["name"]
    version.result_kind = result["kind"]
    version.result_licence_type = result.get("licence_type", "")
    version.delivery_methods = result["delivery_methods"]
    version.online_depth = guide["online_depth"]
    version.in_person_trips = guide["in_person_trips"]
    version.integration_mode = guide["integration_mode"]
    version.is_citywide = guide.get("is_citywide", False)
    version.required_real_name_level = guide.get("required_real_name_level", 2)
    for field in ("service_location", "service_hours", "contact_phone", "complaint_phone"):
        setattr(version, field, guide.get(field, ""))
    # jsonb forgets key order: the fields keep the guide's order through propertyOrder (catalogue.form_schema).
    version.form_schema = with_property_order(guide.get("form_schema", {}))
    version.optimisation_record = guide.get("optimisation_record", {})
    version.created_by_label = actor_label
    version.save()
    for q_position, question_data in enumerate(guide.get("situations", [])):
        question = SituationQuestion.objects.create(
            version=version, code=question_data["code"], position=q_position, text=question_data["text"],
            allows_several=question_data.get("allows_several", False),
        )
        SituationOption.objects.bulk_create(
            SituationOption(question=question, code=option["code"], position=o_position, label=option["label"])
            for o_position, option in enumerate(question_data["options"])
        )
    Material.objects.bulk_create(
        Material(
            version=version,
            position=position,
            code=data["code"],
            name=data["name"],
            description=data.get("description", ""),
            source=data["source"],
            medium=data["medium"],
            paper_copies=data.get("paper_copies", 0),
            is_required=data.get("is_required", True),
            situation_options=data.get("situation_options", []),
            sample_url=data.get("sample_url", ""),
            blank_form_url=data.get("blank_form_url", ""),
            licence_type=data.get("licence_type", ""),
            shared_data_resource=data.get("shared_data_resource", ""),
            commitment_allowed=data.get("commitment_allowed", False),
        )
        for position, data in enumerate(guide["materials"])
    )
