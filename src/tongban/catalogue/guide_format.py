"""The guide exchange format (``tongban.catalogue/1``): a JSON Schema of its structure.

Import, export, the API and the agency workbench all speak this one format, so
an item written out by ``tongban catalogue export`` reads back in unchanged.
The schema catches structural problems with their JSON path; the meaning
(codes, limits, situation references) is checked by ``services.guides``.
``docs/catalogue-format.md`` documents each field.
"""

from __future__ import annotations

from typing import Any

from tongban.catalogue.models.choices import (
    ApplicantKind,
    DeliveryMethod,
    HandlingKind,
    ItemType,
    LimitUnit,
    MaterialMedium,
    MaterialSource,
    OnlineDepth,
    PublicServiceField,
    ResultKind,
)

FORMAT_NAME = "tongban.catalogue/1"


def _enum(choices: type) -> dict[str, Any]:
    return {"type": "string", "enum": [member.value for member in choices]}  # type: ignore[attr-defined]


_TEXT = {"type": "string", "minLength": 1}
_OPTIONAL_TEXT = {"type": "string"}
_CODE = {"type": "string", "pattern": r"^[A-Za-z0-9_-]{1,16}$"}

LIMIT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["unit"],
    "properties": {
        "value": {"type": ["integer", "null"], "minimum": 0, "maximum": 3650},
        "unit": _enum(LimitUnit),
    },
}

MATERIAL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["code", "name", "source", "medium"],
    "properties": {
        "code": _CODE,
        "name": {"type": "string", "minLength": 1, "maxLength": 200},
        "description": _OPTIONAL_TEXT,
        "source": _enum(MaterialSource),
        "medium": _enum(MaterialMedium),
        "paper_copies": {"type": "integer", "minimum": 0, "maximum": 99},
        "is_required": {"type": "boolean"},
        "situation_options": {"type": "array", "items": {"type": "string", "pattern": r"^[^.]+\.[^.]+$"}},
        "sample_url": _OPTIONAL_TEXT,
        "blank_form_url": _OPTIONAL_TEXT,
        "licence_type": _OPTIONAL_TEXT,
        "shared_data_resource": _OPTIONAL_TEXT,
        "commitment_allowed": {"type": "boolean"},
    },
}

SITUATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["code", "text", "options"],
    "properties": {
        "code": _CODE,
        "text": _TEXT,
        "allows_several": {"type": "boolean"},
        "options": {
            "type": "array",
            "minItems": 2,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["code", "label"],
                "properties": {"code": _CODE, "label": _TEXT},
            },
        },
    },
}

GUIDE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "conditions", "eligible_applicants", "applicant_kinds", "process_steps", "handling_kind",
        "promised_limit", "result", "online_depth", "in_person_trips", "integration_mode", "materials",
    ],
    "properties": {
        "conditions": _TEXT,
        "eligible_applicants": _TEXT,
        "applicant_kinds": {"type": "array", "minItems": 1, "uniqueItems": True, "items": _enum(ApplicantKind)},
        "process_steps": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name"],
                "properties": {"name": _TEXT, "description": _OPTIONAL_TEXT},
            },
        },
        "handling_kind": _enum(HandlingKind),
        "statutory_limit": {"oneOf": [{"type": "null"}, LIMIT_SCHEMA]},
        "promised_limit": LIMIT_SCHEMA,
        "fees": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name"],
                "properties": {
                    "name": _TEXT,
                    "revenue_code": _OPTIONAL_TEXT,
                    "amount_fen": {"type": ["integer", "null"], "minimum": 0},
                    # A description, or a machine-readable rule checked by payments (docs/catalogue-format.md)
                    "rule": {"type": ["string", "object"]},
                    "basis": _OPTIONAL_TEXT,
                },
            },
        },
        "result": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "kind", "delivery_methods"],
            "properties": {
                "name": _TEXT,
                "kind": _enum(ResultKind),
                "licence_type": _OPTIONAL_TEXT,
                "delivery_methods": {
                    "type": "array", "minItems": 1, "uniqueItems": True, "items": _enum(DeliveryMethod)
                },
            },
        },
        "online_depth": _enum(OnlineDepth),
        "in_person_trips": {"type": "integer", "minimum": 0, "maximum": 9},
        "integration_mode": {"type": "integer", "enum": [2, 3]},
        "is_citywide": {"type": "boolean"},
        "required_real_name_level": {"type": "integer", "enum": [1, 2, 3, 4]},
        "service_location": _OPTIONAL_TEXT,
        "service_hours": _OPTIONAL_TEXT,
        "contact_phone": _OPTIONAL_TEXT,
        "complaint_phone": _OPTIONAL_TEXT,
        "form_schema": {"type": "object"},
        "optimisation_record": {"type": "object"},
        "situations": {"type": "array", "items": SITUATION_SCHEMA},
        "materials": {"type": "array", "items": MATERIAL_SCHEMA},
    },
}

ITEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["basic_item", "implementation_code", "agency", "guide"],
    "properties": {
        "basic_item": {
            "type": "object",
            "additionalProperties": False,
            "required": ["basic_code", "name", "item_type", "legal_basis"],
            "properties": {
                "basic_code": {"type": "string"},
                "name": {"type": "string", "minLength": 1, "maxLength": 200},
                "name_en": _OPTIONAL_TEXT,
                "item_type": _enum(ItemType),
                "public_service_field": {"type": "string", "enum": ["", *[m.value for m in PublicServiceField]]},
                "legal_basis": _TEXT,
            },
        },
        "implementation_code": {"type": "string"},
        "agency": {"type": "string", "minLength": 1},
        "business_unit": _OPTIONAL_TEXT,
        "is_community_delegated": {"type": "boolean"},
        "status": {"type": "string"},
        "version": {"type": "integer"},
        "guide": GUIDE_SCHEMA,
    },
}

DOCUMENT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Tongban catalogue exchange format",
    "type": "object",
    "additionalProperties": False,
    "required": ["format", "items"],
    "properties": {
        "format": {"const": FORMAT_NAME},
        "exported_at": {"type": "string"},
        "items": {"type": "array", "items": ITEM_SCHEMA},
    },
}
