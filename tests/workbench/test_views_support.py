"""Builders shared by the workbench view tests (this module holds no tests of its own).

Every state is reached through the real catalogue services, acting as the
platform (``actor=None``), so the views are tested against the data users make.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.test import Client

from tests.factories import AgencyFactory, item_document, published_item, staff
from tongban.agencies.models import Agency, AgencyKind
from tongban.catalogue.models import ItemVersion, LifecycleRequest, RequestKind, ServiceItem
from tongban.catalogue.services import guides, lifecycle
from tongban.identity.errors import IdentityError
from tongban.identity.models import StaffRole, User

ANONYMOUS = "anonymous"
ELSEWHERE = "right_role_elsewhere"
# Every kind of visitor a permission test tries: nobody, each role at the item's agency, the right role elsewhere.
ACTORS = [ANONYMOUS, *[role.value for role in StaffRole], ELSEWHERE]


@dataclass(frozen=True)
class Agencies:
    """A city government with two departments below it: ``home`` owns the items, ``other`` does not."""

    city: Agency
    home: Agency
    other: Agency


def agencies() -> Agencies:
    """The agency tree every test starts from."""
    city = AgencyFactory(name="上海市人民政府", kind=AgencyKind.GOVERNMENT)
    home = AgencyFactory(parent=city, name="上海市民政局")
    other = AgencyFactory(parent=city, name="上海市教育委员会")
    return Agencies(city, home, other)


def log_in(client: Client, actor: str, right_role: StaffRole, tree: Agencies) -> User | None:
    """Log ``client`` in as ``actor``: a role at the home agency, the right role at the other agency, or nobody."""
    if actor == ANONYMOUS:
        return None
    user = staff(right_role, tree.other) if actor == ELSEWHERE else staff(StaffRole(actor), tree.home)
    client.force_login(user)
    return user


def role_refusal(role: StaffRole) -> str:
    """The message a user without ``role`` sees (the service's ROLE_REQUIRED refusal with its code)."""
    error = IdentityError.ROLE_REQUIRED
    return f"{error.format(role=role.label)}（{error.code}）"


def page_messages(response: Any) -> list[str]:
    """The messages shown on a followed response."""
    return [str(message) for message in response.context["messages"]]


def draft(agency: Agency, **document_changes: Any) -> ItemVersion:
    """A new item with a complete draft guide."""
    return guides.save_item_document(item_document(agency, **document_changes), actor_label="test")


def filed(agency: Agency, *, community: bool = False) -> LifecycleRequest:
    """An opening request waiting for the authority (or for civil affairs, for a community-centre item)."""
    document = item_document(agency)
    document["is_community_delegated"] = community
    version = guides.save_item_document(document, actor_label="test")
    return lifecycle.file_version(None, version, "申请上线")


def awaiting_test(agency: Agency) -> LifecycleRequest:
    """An opening request the authority approved, waiting for the operator's test."""
    request = filed(agency)
    return lifecycle.decide_authority(None, request, approve=True)


def awaiting_publication(agency: Agency) -> LifecycleRequest:
    """An opening request that passed its test."""
    return lifecycle.record_test(None, awaiting_test(agency), passed=True, report="联调测试通过")


def returned_for_retest(agency: Agency) -> LifecycleRequest:
    """An opening request whose test failed, back with the agency."""
    return lifecycle.record_test(None, awaiting_test(agency), passed=False, report="接口超时")


def awaiting_execution(agency: Agency) -> LifecycleRequest:
    """An approved suspension of a published item, waiting for the operator to carry it out."""
    item = published_item(agency)
    request = lifecycle.file_status_change(None, item, RequestKind.SUSPEND, "系统升级")
    return lifecycle.decide_authority(None, request, approve=True)


def in_service(agency: Agency) -> ServiceItem:
    """A published item in service."""
    return published_item(agency)


def guide_post_data(document: dict[str, Any]) -> dict[str, Any]:
    """The guide form's POST data for an item document (what a browser would send)."""
    from tongban.workbench.forms.guide import GuideForm

    data: dict[str, Any] = {}
    for name, value in GuideForm.initial_from(document).items():
        if name in GuideForm.JSON_FIELDS:
            data[name] = json.dumps(value, ensure_ascii=False)
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else value
    return data


def new_item_post_data(document: dict[str, Any], agency: Agency) -> dict[str, Any]:
    """The new-item form's POST data for an item document: identity fields plus the guide."""
    basic = document["basic_item"]
    return {
        "agency": agency.pk, "basic_code": basic["basic_code"], "name": basic["name"],
        "item_type": basic["item_type"], "public_service_field": basic["public_service_field"],
        "legal_basis": basic["legal_basis"], "business_unit": document["business_unit"],
        "unit_number": int(document["implementation_code"][-2:]),
        **guide_post_data(document),
    }
