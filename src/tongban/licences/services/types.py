"""Licence types (证照类型) with their field schemas; the demo's high-frequency types (LIC-2, CASE-9)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tongban.agencies.models import Agency
from tongban.core import audit
from tongban.core.errors import TongbanError
from tongban.identity.models import StaffRole, User
from tongban.identity.services import Actor, require_role
from tongban.licences.errors import LicenceError
from tongban.licences.models import HolderKind, LicenceType
from tongban.licences.services.show import field_titles


def _text(title: str, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "title": title, "minLength": 1, **extra}


ID_NUMBER = _text("公民身份号码", pattern=r"^[0-9]{17}[0-9X]$")
USCC = _text("统一社会信用代码", pattern=r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")
DATE = {"type": "string", "title": "日期", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}


def _schema(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties, "additionalProperties": False}


# code → (name, holder kind, issuing agency code in the demo, validity years, is proof, masked fields, schema)
DEMO_TYPES: dict[str, tuple[str, str, str, int, bool, list[str], dict[str, Any]]] = {
    "resident_id_card": ("中华人民共和国居民身份证", HolderKind.PERSON, "SHGAJ", 20, False, ["id_number", "address"],
                         _schema(["name", "id_number"], {
                             "name": _text("姓名"), "sex": _text("性别", enum=["男", "女"]),
                             "ethnicity": _text("民族"), "birth_date": {**DATE, "title": "出生"},
                             "address": _text("住址"), "id_number": ID_NUMBER})),
    "residence_permit": ("上海市居住证", HolderKind.PERSON, "SHGAJ", 1, False, ["id_number", "address"],
                         _schema(["name", "id_number"], {
                             "name": _text("姓名"), "id_number": ID_NUMBER, "address": _text("居住地址"),
                             "reason": _text("居住事由")})),
    "marriage_certificate": ("结婚证", HolderKind.PERSON, "SHMZJ", 0, False, ["id_number", "spouse_id_number"],
                             _schema(["name", "id_number"], {
                                 "name": _text("持证人"), "id_number": ID_NUMBER,
                                 "spouse_name": _text("配偶姓名"),
                                 "spouse_id_number": {**ID_NUMBER, "title": "配偶身份证号"},
                                 "registered_on": {**DATE, "title": "登记日期"}})),
    "business_licence": ("营业执照", HolderKind.ENTERPRISE, "SHSCJ", 0, False, [],
                         _schema(["enterprise_name", "uscc"], {
                             "enterprise_name": _text("名称"), "uscc": USCC,
                             "legal_representative": _text("法定代表人"), "registered_capital": _text("注册资本"),
                             "established_on": {**DATE, "title": "成立日期"}, "address": _text("住所"),
                             "business_scope": _text("经营范围")})),
    "food_business_licence": ("食品经营许可证", HolderKind.ENTERPRISE, "SHSCJ", 5, False, [],
                              _schema(["enterprise_name", "uscc"], {
                                  "enterprise_name": _text("经营者名称"), "uscc": USCC,
                                  "legal_representative": _text("法定代表人（负责人）"),
                                  "business_address": _text("经营场所"), "main_business": _text("主体业态"),
                                  "business_items": _text("经营项目")})),
    "no_criminal_record_proof": ("无犯罪记录证明", HolderKind.PERSON, "SHGAJ", 0, True, ["id_number"],
                                 _schema(["name", "id_number"], {
                                     "name": _text("姓名"), "id_number": ID_NUMBER,
                                     "purpose": _text("用途"), "statement": _text("证明内容")})),
}
PROOF_VALID_DAYS = 90  # a proof certificate speaks for the day it is issued; 3 months is the usual acceptance


@transaction.atomic
def define_type(actor: Actor, code: str, *, name: str, holder_kind: str, field_schema: dict[str, Any],
                issuing_agency: Agency | None = None, validity_years: int = 0, is_proof: bool = False,
                masked_fields: list[str] | None = None) -> LicenceType:
    """Create or update a licence type (the operator's collection of high-frequency types, LIC-2)."""
    if actor is not None:
        require_role(actor, StaffRole.PLATFORM_OPERATOR)
    if holder_kind not in HolderKind.values:
        raise TongbanError(LicenceError.HOLDER_KIND_MISMATCH, type=name, kind=holder_kind)
    licence_type, created = LicenceType.objects.update_or_create(code=code, defaults={
        "name": name, "holder_kind": holder_kind, "field_schema": field_schema, "issuing_agency": issuing_agency,
        "validity_years": validity_years, "is_proof": is_proof, "masked_fields": masked_fields or [],
    })
    field_titles.cache_clear()
    audit.record("licences.type.defined", actor=actor if isinstance(actor, User) else None, obj=licence_type,
                 data={"code": code, "created": created})
    return licence_type


def define_demo_types(agencies_by_code: dict[str, Agency]) -> list[LicenceType]:
    """The demo's types, issued by the demo agencies named in :data:`DEMO_TYPES`."""
    return [
        define_type(None, code, name=name, holder_kind=kind, field_schema=schema,
                    issuing_agency=agencies_by_code.get(agency_code), validity_years=years, is_proof=proof,
                    masked_fields=masked)
        for code, (name, kind, agency_code, years, proof, masked, schema) in DEMO_TYPES.items()
    ]


def get_type(code: str) -> LicenceType:
    """The type with ``code``, refusing an unknown one."""
    licence_type = LicenceType.objects.filter(code=code).select_related("issuing_agency").first()
    if licence_type is None:
        raise TongbanError(LicenceError.TYPE_UNKNOWN, code=code)
    return licence_type
