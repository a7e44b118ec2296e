"""Builders for case tests: an item ready for applications, its officers, an applicant, uploaded materials."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile

from tests.factories import AgencyFactory, published_item, staff
from tests.identity.factories import PersonFactory
from tongban.agencies.models import Agency, AgencyKind, AgencyLevel
from tongban.cases.models import Case, Channel, Document, DocumentVersion
from tongban.cases.services import applications
from tongban.catalogue.models import ServiceItem
from tongban.identity.models import Person, StaffRole, User

FORM = {"applicant_name": "张三", "reason": "就业"}
SCHEMA = {
    "type": "object",
    "required": ["applicant_name", "reason"],
    "properties": {
        "applicant_name": {"type": "string", "title": "申请人姓名", "minLength": 1},
        "reason": {"type": "string", "title": "申请事由", "enum": ["就业", "就学", "居住"]},
    },
}


@dataclass
class Scene:
    """A city with a bureau that implements the item, a street window, and the people who act."""

    city: Agency
    bureau: Agency
    street: Agency
    item: ServiceItem
    applicant: Person
    officer: User
    approver: User
    counter: User


def scene(**guide: Any) -> Scene:
    """Build a scene; keyword arguments change the item's guide (e.g. ``online_depth``, ``is_citywide``)."""
    city = AgencyFactory(name="上海市人民政府", kind=AgencyKind.GOVERNMENT)
    bureau = AgencyFactory(name="上海市公安局", parent=city)
    district = AgencyFactory(name="浦东新区人民政府", level=AgencyLevel.DISTRICT, parent=city, region_code="310115")
    street = AgencyFactory(name="陆家嘴街道社区事务受理服务中心", level=AgencyLevel.STREET,
                           kind=AgencyKind.COMMUNITY_CENTRE, parent=district, region_code="310115")
    guide.setdefault("form_schema", SCHEMA)
    item = published_item(bureau, name="居住证申领", **guide)
    return Scene(
        city=city, bureau=bureau, street=street, item=item, applicant=PersonFactory(level=2, full_name="张三"),
        officer=staff(StaffRole.CASE_OFFICER, bureau), approver=staff(StaffRole.APPROVER, bureau),
        counter=staff(StaffRole.COUNTER_STAFF, street),
    )


def upload(person: Person, name: str, content: bytes = b"%PDF-1.7 test material") -> DocumentVersion:
    """A document version in the person's library (stored as the documents service would)."""
    document = Document.objects.create(owner=person, title=name, material_name=name)
    number = document.versions.count() + 1
    return DocumentVersion.objects.create(
        document=document, number=number, file=ContentFile(content, name=f"{name}.pdf"), original_name=f"{name}.pdf",
        content_type="application/pdf", size=len(content), sha256=hashlib.sha256(content).hexdigest(),
    )


def ready_draft(the: Scene, *, answers: dict[str, list[str]] | None = None, channel: str = Channel.PC) -> Case:
    """A draft with the form filled and every required material provided."""
    case = applications.start_draft(the.applicant.user, the.item, channel=channel)
    case = applications.save_draft(the.applicant.user, case, form_data=FORM, situation_answers=answers or {})
    for material in case.version.materials_for(case.situation_answers):
        if material.licence_type:
            applications.mark_fetched(the.applicant.user, case, material.code, "LIC-0001")
        else:
            applications.attach_document(the.applicant.user, case, material.code, upload(the.applicant, material.name))
    return case


def submitted(the: Scene, **kwargs: Any) -> Case:
    case = applications.submit(the.applicant.user, ready_draft(the, **kwargs))
    case.refresh_from_db()
    return case
