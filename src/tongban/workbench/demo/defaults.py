"""Compact builders for demo guides: the item files state what differs, this module fills in the rest.

An item is an :class:`ItemSpec`; :func:`build_document` turns it into a
document in the exchange format (``tongban.catalogue/1``), which the loader
saves with ``save_item_document`` exactly as an agency's import would be.
Process steps, the application form, service hours and a default optimisation
record follow from the item's online depth, applicant kinds and limits.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from typing import Any

from tongban.workbench.demo.agencies import ROWS_BY_CODE, AgencyRow

WORKING = "working_days"
CALENDAR = "calendar_days"
SPOT = "on_the_spot"

HOURS = "周一至周五 9:00-17:00（法定节假日除外）"
CENTRE_HOURS = "周一至周五 8:30-17:00，周六 9:00-12:00（法定节假日除外）"
ONLINE_HOURS = "网上办理 24 小时；窗口 周一至周五 9:00-17:00（法定节假日除外）"


def limit(value: int | None, unit: str) -> dict[str, Any]:
    """A time limit in the exchange format (``value`` None for on-the-spot)."""
    return {"value": None if unit == SPOT else value, "unit": unit}


def material(
    name: str, *, source: str = "applicant", medium: str = "original", copies: int = 0, required: bool = True,
    when: tuple[str, ...] = (), licence: str = "", shared: str = "", commitment: bool = False,
    description: str = "",
) -> dict[str, Any]:
    """One material; the code (M01, M02 …) is given by position when the document is built.

    Sample and blank-form links are left empty: the demo ships no such files,
    and a guide must not link to pages that do not exist.
    """
    return {
        "name": name, "description": description, "source": source, "medium": medium, "paper_copies": copies,
        "is_required": required, "situation_options": list(when), "licence_type": licence,
        "shared_data_resource": shared, "commitment_allowed": commitment,
    }


def form(name: str, **options: Any) -> dict[str, Any]:
    """The application form the agency provides (filled in online as part of the application)."""
    return material(name, source="agency_form", medium="electronic", **options)


def id_card(holder: str = "申请人", **options: Any) -> dict[str, Any]:
    """A resident ID card, fetched from the e-licence library (ITEM-9)."""
    options.setdefault("source", "government")
    options.setdefault("description", "通过电子证照库调取，无需提交复印件")
    return material(f"{holder}居民身份证", licence="resident_id_card", **options)


def business_licence(**options: Any) -> dict[str, Any]:
    """The enterprise's business licence, fetched from the e-licence library."""
    options.setdefault("description", "通过电子证照库调取")
    return material("营业执照", source="government", licence="business_licence", **options)


def question(code: str, text: str, options: list[tuple[str, str]], *, several: bool = False) -> dict[str, Any]:
    """A situation question with its options (``[(code, label)]``)."""
    return {"code": code, "text": text, "allows_several": several,
            "options": [{"code": option, "label": label} for option, label in options]}


AGENT = question("AGENT", "是否委托他人代为办理？", [("SELF", "本人办理"), ("PROXY", "委托他人办理")])
"""The commonest situation: a proxy brings a power of attorney and their own ID card."""


def agent_materials() -> list[dict[str, Any]]:
    """The two materials a proxy adds."""
    return [
        material("授权委托书", copies=1, when=("AGENT.PROXY",), description="委托人签名的授权委托书原件"),
        id_card("受托人", when=("AGENT.PROXY",)),
    ]


def fee(name: str, amount_fen: int | None = None, *, rule: str = "", basis: str = "") -> dict[str, Any]:
    """A fee: a fixed amount in fen, or a rule for amounts that vary."""
    entry: dict[str, Any] = {"name": name, "amount_fen": amount_fen, "rule": rule, "basis": basis}
    return {key: value for key, value in entry.items() if value not in ("", None) or key == "amount_fen"}


_PERSON_FIELDS: list[tuple[str, str, dict[str, Any]]] = [
    ("applicant_name", "申请人姓名", {"type": "string", "maxLength": 60}),
    ("id_number", "公民身份号码", {"type": "string", "pattern": r"^\d{17}[\dX]$"}),
    ("mobile", "联系电话", {"type": "string", "pattern": r"^1\d{10}$"}),
]
_ENTERPRISE_FIELDS: list[tuple[str, str, dict[str, Any]]] = [
    ("enterprise_name", "单位名称", {"type": "string", "maxLength": 120}),
    ("uscc", "统一社会信用代码", {"type": "string", "pattern": r"^[0-9A-HJ-NPQRTUWXY]{18}$"}),
    ("legal_representative", "法定代表人（负责人）", {"type": "string", "maxLength": 60}),
    ("contact_mobile", "经办人联系电话", {"type": "string", "pattern": r"^1\d{10}$"}),
]


def form_schema(applicant_kinds: list[str], extra: list[tuple[str, str, str]]) -> dict[str, Any]:
    """A JSON Schema of the application form: the first applicant kind's fields, then ``extra`` (key, title, kind).

    ``kind`` is ``text``, ``date``, ``integer``, ``boolean`` or ``enum:A|B|C``.
    """
    base = _ENTERPRISE_FIELDS if applicant_kinds[0] == "enterprise" else _PERSON_FIELDS
    properties: dict[str, Any] = {key: {"title": title, **schema} for key, title, schema in base}
    for key, title, kind in extra:
        if kind.startswith("enum:"):
            schema: dict[str, Any] = {"type": "string", "enum": kind[5:].split("|")}
        elif kind == "date":
            schema = {"type": "string", "format": "date"}
        elif kind in ("integer", "boolean"):
            schema = {"type": kind}
        else:
            schema = {"type": "string", "maxLength": 200}
        properties[key] = {"title": title, **schema}
    return {"type": "object", "required": [key for key, _title, _schema in base], "properties": properties}


_STEPS = {
    "full_online": [("网上申请", "登录“一网通办”在线填写申请表、上传或调取材料"), ("审查", "承办部门在线审查"),
                    ("决定", "作出办理决定"), ("送达", "结果电子送达，需要纸质结果的可选择快递送达")],
    "online_prereview": [("网上预审", "在线提交申请，预审通过后预约窗口"), ("窗口受理", "到窗口核验原件并受理"),
                         ("审核决定", "承办部门审核并作出决定"), ("领取结果", "窗口领取或快递送达")],
    "counter": [("窗口申请", "携带材料到办理窗口提交申请"), ("受理", "窗口审查材料，当场决定是否受理"),
                ("审核决定", "承办部门审核并作出决定"), ("领取结果", "窗口领取或快递送达")],
}


@dataclass(frozen=True)
class ItemSpec:
    """One demo item: basic-item facts, the implementing agency, the guide and the lifecycle stage to reach.

    ``guide`` holds guide fields that override the defaults; ``materials``,
    ``situations`` and ``form_fields`` are compact lists; ``optimisation`` is
    ``(summary, [(removed material, reason)], trips_before, steps_before)``.
    ``change`` holds the guide overrides of a second version, for the stages
    that file a change.
    """

    key: str
    basic_code: str
    name: str
    item_type: str
    legal_basis: str
    agency: str
    guide: dict[str, Any]
    materials: list[dict[str, Any]]
    service_field: str = ""
    unit_number: int = 1
    business_unit: str = ""
    delegated: bool = False
    stage: str = "published"
    situations: list[dict[str, Any]] = field(default_factory=list)
    form_fields: list[tuple[str, str, str]] = field(default_factory=list)
    optimisation: tuple[str, list[tuple[str, str]], int, int] | None = None
    change: dict[str, Any] | None = None
    name_en: str = ""

    def elsewhere(self, key: str, agency: str, *, stage: str = "published", **changes: Any) -> ItemSpec:
        """The same basic item implemented by another agency (same basic code, its own implementation code)."""
        return replace(self, key=key, agency=agency, stage=stage, **changes)


def _default_optimisation(guide: dict[str, Any]) -> tuple[str, list[tuple[str, str]], int, int]:
    promised = guide["promised_limit"]
    promised_text = "当场办结" if promised["unit"] == SPOT else f"{promised['value']}个" + (
        "工作日" if promised["unit"] == WORKING else "自然日")
    trips = guide["in_person_trips"]
    summary = (f"承诺时限压缩至{promised_text}；身份证明通过电子证照库调取，"
               f"到现场次数由{trips + 1}次减为{trips}次。")
    removed = [("居民身份证复印件", "通过电子证照库调取居民身份证电子证照")]
    return summary, removed, trips + 1, len(guide["process_steps"]) + 1


def build_guide(spec: ItemSpec, row: AgencyRow, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``guide`` part of the document: defaults, the spec's fields, then ``overrides`` (a change)."""
    guide: dict[str, Any] = {
        "applicant_kinds": ["person"], "online_depth": "online_prereview", "in_person_trips": 1,
        "integration_mode": 2, "is_citywide": False, "required_real_name_level": 2, "statutory_limit": None,
        "fees": [], "service_location": row.address, "contact_phone": row.phone, "complaint_phone": "12345",
    }
    guide.update(copy.deepcopy(spec.guide))
    guide.update(copy.deepcopy(overrides or {}))
    depth = guide["online_depth"]
    guide.setdefault("process_steps", [{"name": name, "description": text} for name, text in _STEPS[depth]])
    guide["handling_kind"] = "on_the_spot" if guide["promised_limit"]["unit"] == SPOT else "promised"
    centre = ROWS_BY_CODE[spec.agency].kind == "community_centre"
    guide.setdefault("service_hours", CENTRE_HOURS if centre else ONLINE_HOURS if depth == "full_online" else HOURS)
    guide.setdefault("form_schema", form_schema(guide["applicant_kinds"], spec.form_fields))
    guide.setdefault("situations", copy.deepcopy(spec.situations))
    materials = copy.deepcopy(guide.pop("materials", spec.materials))
    guide["materials"] = [{"code": f"M{index:02d}", **entry} for index, entry in enumerate(materials, start=1)]
    if "optimisation_record" not in guide:
        summary, removed, trips_before, steps_before = spec.optimisation or _default_optimisation(guide)
        guide["optimisation_record"] = {
            "summary": summary, "removed_materials": [{"name": name, "reason": why} for name, why in removed],
            "trips_before": trips_before, "steps_before": steps_before,
        }
    return guide


def build_document(spec: ItemSpec, uscc: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The item document in the exchange format for the agency with ``uscc``."""
    row = ROWS_BY_CODE[spec.agency]
    return {
        "basic_item": {
            "basic_code": spec.basic_code, "name": spec.name, "name_en": spec.name_en, "item_type": spec.item_type,
            "public_service_field": spec.service_field, "legal_basis": spec.legal_basis,
        },
        "implementation_code": f"{spec.basic_code}{uscc}{spec.unit_number:02d}",
        "agency": spec.agency,
        "business_unit": spec.business_unit,
        "is_community_delegated": spec.delegated,
        "guide": build_guide(spec, row, overrides),
    }
