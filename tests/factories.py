"""factory_boy factories and builders shared by the test suite.

Catalogue data is built through the real services (``save_item_document`` and
the lifecycle), so tests exercise the same paths users do.
"""

from __future__ import annotations

import copy
import itertools
from typing import Any

import factory

from tongban.agencies.models import Agency, AgencyKind, AgencyLevel
from tongban.identity.models import RoleAssignment, StaffRole, User

_USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def make_uscc(serial: int) -> str:
    """A valid unified social credit code (GB 32100) for a government organ ("11" + Shanghai region)."""
    body = f"11310000{serial:09d}"[:17]
    total = sum(_USCC_CHARSET.index(char) * weight for char, weight in zip(body, _USCC_WEIGHTS, strict=True))
    return body + _USCC_CHARSET[(31 - total % 31) % 31]


_serials = itertools.count(1)


class AgencyFactory(factory.django.DjangoModelFactory):
    """A city-level department unless told otherwise."""

    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"AG{n:04d}")
    uscc = factory.LazyFunction(lambda: make_uscc(next(_serials)))
    name = factory.Sequence(lambda n: f"上海市测试局{n}")
    level = AgencyLevel.CITY
    kind = AgencyKind.DEPARTMENT
    parent = None
    region_code = "310000"
    business_lead_name = "张业务"
    business_lead_phone = "021-12345678"
    technical_lead_name = "李技术"
    technical_lead_phone = "021-87654321"


class UserFactory(factory.django.DjangoModelFactory):
    """A staff account with a usable password ``correct-horse-battery``."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    display_name = factory.Sequence(lambda n: f"工作人员{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def save_password(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            self.save()


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = StaffRole.AGENCY_ADMIN
    agency = factory.SubFactory(AgencyFactory)


def staff(role: StaffRole, agency: Agency) -> User:
    """A new staff member holding ``role`` at ``agency``."""
    return RoleAssignmentFactory(role=role, agency=agency).user


def _material(code: str, name: str, **fields: Any) -> dict[str, Any]:
    """A material in the exchange format with every field present, as export writes it."""
    return {
        "code": code, "name": name, "description": "", "source": "applicant", "medium": "original",
        "paper_copies": 0, "is_required": True, "situation_options": [], "sample_url": "", "blank_form_url": "",
        "licence_type": "", "shared_data_resource": "", "commitment_allowed": False, **fields,
    }


BASE_GUIDE: dict[str, Any] = {
    "conditions": "本市户籍居民，材料齐全。",
    "eligible_applicants": "本市户籍居民",
    "applicant_kinds": ["person"],
    "process_steps": [{"name": "申请", "description": "网上提交"}, {"name": "审核"}, {"name": "办结"}],
    "handling_kind": "promised",
    "statutory_limit": {"value": 20, "unit": "working_days"},
    "promised_limit": {"value": 5, "unit": "working_days"},
    "fees": [],
    "result": {
        "name": "准予登记决定书", "kind": "approval_document", "licence_type": "", "delivery_methods": ["electronic"]
    },
    "online_depth": "full_online",
    "in_person_trips": 0,
    "integration_mode": 2,
    "is_citywide": False,
    "required_real_name_level": 2,
    "service_location": "上海市黄浦区人民大道200号",
    "service_hours": "工作日 9:00-17:00",
    "contact_phone": "12345",
    "complaint_phone": "12345",
    "form_schema": {
        "type": "object",
        "required": ["applicant_name"],
        "properties": {"applicant_name": {"type": "string", "title": "申请人姓名"}},
    },
    "optimisation_record": {
        "summary": "承诺时限由20个工作日压缩至5个工作日，取消户口本复印件。",
        "removed_materials": [{"name": "户口本复印件", "reason": "通过人口库数据共享获取"}],
        "trips_before": 2,
        "steps_before": 4,
    },
    "situations": [
        {
            "code": "Q1",
            "text": "是否委托他人办理？",
            "allows_several": False,
            "options": [{"code": "A", "label": "本人办理"}, {"code": "B", "label": "委托代理人办理"}],
        }
    ],
    "materials": [
        _material("M01", "申请表", source="agency_form", medium="electronic"),
        _material("M02", "居民身份证", source="government", licence_type="resident_id_card"),
        _material("M03", "授权委托书", paper_copies=1, situation_options=["Q1.B"]),
    ],
}

_basic_serials = itertools.count(1)


def item_document(agency: Agency, *, basic_code: str | None = None, unit_number: int = 1,
                  name: str | None = None, item_type: str = "licensing", **guide_changes: Any) -> dict[str, Any]:
    """A valid item document in the exchange format for ``agency``; keyword arguments override guide fields."""
    if basic_code is None:
        from tongban.catalogue.models.choices import ItemType

        basic_code = f"{ItemType(item_type).code_prefix}{next(_basic_serials):07d}000"
    guide = copy.deepcopy(BASE_GUIDE)
    guide.update(guide_changes)
    return {
        "basic_item": {
            "basic_code": basic_code,
            "name": name or f"测试事项{basic_code}",
            "item_type": item_type,
            "public_service_field": "social_services" if item_type == "public_service" else "",
            "legal_basis": "《中华人民共和国行政许可法》",
        },
        "implementation_code": f"{basic_code}{agency.uscc}{unit_number:02d}",
        "agency": agency.code,
        "business_unit": "" if unit_number == 1 else f"办理项{unit_number}",
        "guide": guide,
    }


def published_item(agency: Agency | None = None, **document_changes: Any):  # type: ignore[no-untyped-def]
    """An item taken through the whole lifecycle by the platform itself; returns the ServiceItem."""
    from tongban.catalogue.services import guides, lifecycle

    agency = agency or AgencyFactory()
    version = guides.save_item_document(item_document(agency, **document_changes), actor_label="test")
    request = lifecycle.file_version(None, version, "上线")
    lifecycle.decide_authority(None, request, approve=True)
    lifecycle.record_test(None, request, passed=True, report="联调测试通过")
    lifecycle.publish(None, request)
    version.item.refresh_from_db()
    return version.item
