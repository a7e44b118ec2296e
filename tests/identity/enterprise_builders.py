"""Builders for the enterprise tests (ID-4): demo enterprises of the sandbox legal-person registry, chains of grants.

Everything is built through the real services, so the tests walk the paths users do.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpRequest
from django.test import RequestFactory

from tests.identity.factories import PersonFactory, make_resident_id
from tongban.core.models import AuditEvent
from tongban.identity.models import Enterprise, EnterpriseGrant, GrantScope, Person
from tongban.identity.services import enterprises
from tongban.identity.services.enterprise_scopes import ItemTypeOf

# Demo enterprises seeded in identity/adapters/sandbox_people.json, with their legal representatives.
DEMO_USCC = "91310000MA1FL0001R"
DEMO_NAME = "上海通办示范科技有限公司"
DEMO_REPRESENTATIVE_ID = "310101199003071310"  # 张伟
OTHER_USCC = "91310115MA1HB00029"
OTHER_NAME = "上海浦江贸易有限公司"
OTHER_REPRESENTATIVE_ID = "310104198512122424"  # 李娜
CANCELLED_USCC = "91310101MA1GK0004H"
CANCELLED_NAME = "上海已注销餐饮有限公司"
CANCELLED_REPRESENTATIVE_ID = "310115197806300155"  # 王强
FOREIGN_USCC = "91310000MA1KR0006A"
FOREIGN_NAME = "上海史密斯咨询有限公司"
FOREIGN_REPRESENTATIVE_PASSPORT = "567890123"  # JOHN SMITH


_member_serials = itertools.count(1)


def member(**fields: Any) -> Person:
    """A level-2 person whose ID number can never be one of the sandbox's demo people (another region)."""
    number = make_resident_id(next(_member_serials), region="320583", birth_date=datetime.date(1991, 1, 1))
    return PersonFactory(level=2, document=number, **fields)


def registered(
    document: str | tuple[str, str] = DEMO_REPRESENTATIVE_ID, uscc: str = DEMO_USCC, name: str = DEMO_NAME
) -> tuple[Person, Enterprise, EnterpriseGrant]:
    """The legal representative (level 2), the enterprise they registered, and its root grant."""
    representative = PersonFactory(level=2, document=document, full_name="法定代表人")
    enterprise = enterprises.register_enterprise(representative, uscc, name)
    return representative, enterprise, enterprise.grants.get(parent=None)


def delegate(
    actor: Person,
    parent: EnterpriseGrant,
    grantee: Person | None = None,
    *,
    scope: str = GrantScope.ALL_ITEMS,
    values: Iterable[str] = (),
    expires_at: datetime.datetime | None = None,
    item_type_of: ItemTypeOf | None = None,
) -> EnterpriseGrant:
    """``actor`` grants the role below ``parent``'s to ``grantee`` (a new level-2 person by default), by phone."""
    grantee = grantee or member()
    return enterprises.grant(
        actor, parent, grantee.phone, enterprises.CHILD_ROLE[parent.role], scope, list(values), expires_at,
        item_type_of=item_type_of,
    )


@dataclass
class Chain:
    """Legal representative → administrator → operator in one enterprise."""

    enterprise: Enterprise
    representative: Person
    root: EnterpriseGrant
    administrator: Person
    admin_grant: EnterpriseGrant
    operator: Person
    operator_grant: EnterpriseGrant


def three_levels(**registration: Any) -> Chain:
    """A full chain of delegation in the demo enterprise (or the one named by ``registration``)."""
    representative, enterprise, root = registered(**registration)
    administrator = member(full_name="管理员")
    admin_grant = delegate(representative, root, administrator)
    operator = member(full_name="经办人")
    operator_grant = delegate(administrator, admin_grant, operator)
    return Chain(enterprise, representative, root, administrator, admin_grant, operator, operator_grant)


def snapshot() -> tuple[int, int, list[tuple[Any, ...]]]:
    """Enterprises, audit events and every grant's state: a refusal must leave all three as they were."""
    grants = list(
        EnterpriseGrant.objects.order_by("pk").values_list(
            "pk", "person_id", "role", "scope", "scope_values", "parent_id", "expires_at", "revoked_at",
            "revoked_reason",
        )
    )
    return Enterprise.objects.count(), AuditEvent.objects.count(), grants


def session_request(person: Person | None) -> HttpRequest:
    """A request with a real session, logged in as ``person`` (anonymous for None)."""
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = person.user if person is not None else AnonymousUser()
    request.session = SessionStore()
    return request
