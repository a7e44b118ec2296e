"""Builders for seal tests: an agency with its seal, an enterprise with its legal representative, a PDF."""

from __future__ import annotations

import functools

from django.utils import timezone

from tests.factories import AgencyFactory, make_uscc, staff
from tests.identity.factories import PersonFactory
from tongban.agencies.models import Agency, AgencyKind
from tongban.identity.models import Enterprise, EnterpriseGrant, GrantRole, GrantScope, Person, StaffRole, User
from tongban.seals.models import Seal
from tongban.seals.services import registry


def operator() -> User:
    """A platform operator at the city government."""
    city = Agency.objects.filter(parent__isnull=True).first() or AgencyFactory(
        name="上海市人民政府", kind=AgencyKind.GOVERNMENT)
    return staff(StaffRole.PLATFORM_OPERATOR, city)


def agency_with_seal(name: str = "上海市市场监督管理局") -> tuple[Agency, Seal]:
    """An agency and its active official seal, made by the platform."""
    agency = AgencyFactory(name=name)
    return agency, registry.create_agency_seal(None, agency)


def enterprise_of(person: Person, serial: int = 7, name: str = "上海通办科技有限公司") -> Enterprise:
    """An enterprise whose legal representative is ``person``."""
    enterprise = Enterprise.objects.create(uscc=make_uscc(serial), name=name, legal_representative=person,
                                           verified_at=timezone.now())
    EnterpriseGrant.objects.create(enterprise=enterprise, person=person, role=GrantRole.LEGAL_REPRESENTATIVE,
                                   scope=GrantScope.ALL_ITEMS, granted_at=timezone.now())
    return enterprise


def applicant(level: int = 2, name: str = "张伟") -> Person:
    """A person at ``level``."""
    return PersonFactory(level=level, full_name=name)


@functools.cache
def plain_pdf() -> bytes:
    """A one-page PDF in Chinese made by WeasyPrint (the same engine that renders licences)."""
    from weasyprint import HTML

    return HTML(string="<html><body style='font-family: Noto Serif CJK SC'><h1>情况说明</h1>"
                       "<p>兹证明以上情况属实。</p></body></html>").write_pdf()
