"""Builders for licence tests: the demo types issued by sealed agencies, holders, a second signing authority."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from tests.factories import AgencyFactory
from tests.seals.builders import applicant, enterprise_of
from tongban.agencies.models import Agency
from tongban.identity.models import Enterprise, Person
from tongban.licences.models import Licence
from tongban.licences.services import issuance, types
from tongban.seals.services import registry
from tongban.seals.services.signing import b64url, canonical


@dataclass
class Issuers:
    """The demo agencies with their seals and the demo licence types."""

    police: Agency
    market: Agency
    civil: Agency


def issuers() -> Issuers:
    """Police, market regulation and civil affairs, each with an active seal; the demo types defined."""
    police = AgencyFactory(name="上海市公安局", code="SHGAJ")
    market = AgencyFactory(name="上海市市场监督管理局", code="SHSCJ")
    civil = AgencyFactory(name="上海市民政局", code="SHMZJ")
    for agency in (police, market, civil):
        registry.create_agency_seal(None, agency)
    types.define_demo_types({"SHGAJ": police, "SHSCJ": market, "SHMZJ": civil})
    return Issuers(police, market, civil)


def id_card(holder: Person, agency: Agency, **fields: Any) -> Licence:
    """A resident ID card for ``holder`` (name and number come from the holder's profile)."""
    return issuance.issue(None, "resident_id_card", agency=agency, person=holder,
                          fields={"sex": "男", "ethnicity": "汉", "address": "上海市黄浦区人民大道200号", **fields})


def business_licence(agency: Agency) -> tuple[Enterprise, Licence]:
    """An enterprise (with its legal representative) and its business licence."""
    enterprise = enterprise_of(applicant(name="李娜"))
    licence = issuance.issue(None, "business_licence", agency=agency, enterprise=enterprise, fields={
        "registered_capital": "100万元人民币", "established_on": "2020-01-15", "address": "上海市浦东新区世纪大道1号",
        "business_scope": "软件开发；信息技术咨询服务"})
    return enterprise, licence


class OtherRegion:
    """A second signing authority made by the test: another region's platform with its own Ed25519 key."""

    def __init__(self, key_id: str = "zj-2026-01", name: str = "浙江政务服务网") -> None:
        self.key_id, self.name = key_id, name
        self._key = ed25519.Ed25519PrivateKey.generate()

    @property
    def public_key_pem(self) -> str:
        return self._key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    def licence(self, holder_name: str, id_number: str, *, number: str = "33ZJ2026000001",
                licence_type: str = "marriage_certificate", valid_until: str | None = None) -> dict[str, Any]:
        document = {
            "number": number, "licence_type": licence_type, "type_name": "结婚证", "issuer": "杭州市民政局",
            "holder": {"name": holder_name, "id_number": id_number},
            "fields": {"name": holder_name, "id_number": id_number, "spouse_name": "王芳",
                       "registered_on": "2024-05-20"},
            "issued_on": "2024-05-20", "valid_until": valid_until,
        }
        return {"document": document, "kid": self.key_id, "alg": "ed25519",
                "sig": b64url(self._key.sign(canonical(document)))}


def days_later(days: int) -> datetime.timedelta:
    """A shorthand for time travel in tests."""
    return datetime.timedelta(days=days)
