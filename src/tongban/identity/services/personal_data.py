"""Showing a person's personal data (SEC-4): unmasked to the holder, masked to everyone else, audited reveals.

The document number and the phone are stored encrypted (``Person.set_document``,
``Person.set_phone``). Pages never decrypt them themselves: they ask
:func:`view_for`, which gives the holder the clear values and anyone else the
masked forms. A staff member who must read a full number (a counter clerk
comparing a document, a security administrator investigating) calls
:func:`reveal` with a reason; it requires the counter-staff or security-admin
role and writes the audit event ``identity.person.data_revealed`` with the reason.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser

from tongban.core import audit
from tongban.core.errors import TongbanError
from tongban.core.identifiers import mask_id_number, mask_phone
from tongban.identity.errors import IdentityError
from tongban.identity.models import DocumentType, Person, StaffRole, User
from tongban.identity.services.roles import agencies_where

REVEAL_ROLES = (StaffRole.COUNTER_STAFF, StaffRole.SECURITY_ADMIN)
REVEALABLE_FIELDS = ("document_number", "phone")
REVEAL_REASON_MIN_LENGTH = 4


@dataclass(frozen=True)
class PersonalData:
    """What a page may show of a person; ``masked`` tells which form the numbers are in."""

    full_name: str
    document_type: str
    document_type_label: str
    document_number: str
    phone: str
    nationality: str
    birth_date: datetime.date | None
    real_name_level: int
    masked: bool


def _document_label(person: Person) -> str:
    return str(DocumentType(person.document_type).label) if person.document_type else ""


def holder_view(person: Person) -> PersonalData:
    """The clear values, for the holder's own pages."""
    return PersonalData(
        full_name=person.full_name, document_type=person.document_type, document_type_label=_document_label(person),
        document_number=person.document_number, phone=person.phone, nationality=person.nationality,
        birth_date=person.birth_date, real_name_level=person.real_name_level, masked=False,
    )


def masked_view(person: Person) -> PersonalData:
    """The masked values (``3101**********1234``, ``138****5678``) and no birth date, for everyone but the holder."""
    return PersonalData(
        full_name=person.full_name, document_type=person.document_type, document_type_label=_document_label(person),
        document_number=mask_id_number(person.document_number) if person.document_number else "",
        phone=mask_phone(person.phone) if person.phone else "", nationality=person.nationality,
        birth_date=None, real_name_level=person.real_name_level, masked=True,
    )


def view_for(viewer: User | AnonymousUser | None, person: Person) -> PersonalData:
    """Clear values when ``viewer`` is the holder, masked otherwise."""
    is_holder = viewer is not None and viewer.is_authenticated and viewer.pk == person.user_id
    return holder_view(person) if is_holder else masked_view(person)


def may_reveal(actor: User | AnonymousUser | None) -> bool:
    """True when ``actor`` holds a role allowed to reveal (decides whether pages offer the button)."""
    return any(agencies_where(actor, role) for role in REVEAL_ROLES)


def reveal(actor: User | AnonymousUser | None, person: Person, field: str, reason: str) -> str:
    """The clear value of ``field`` for a staff member with a reason; the read is audited.

    Refuses anonymous visitors (``IDENTITY_LOGIN_REQUIRED``), anyone without the
    counter-staff or security-admin role (``IDENTITY_REVEAL_NOT_ALLOWED``), an
    unknown field and a missing or too short reason; a refusal reveals nothing
    and writes nothing.
    """
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise TongbanError(IdentityError.LOGIN_REQUIRED)
    held = [agency for role in REVEAL_ROLES for agency in agencies_where(actor, role)]
    if not held:
        raise TongbanError(IdentityError.REVEAL_NOT_ALLOWED)
    if field not in REVEALABLE_FIELDS:
        raise TongbanError(IdentityError.REVEAL_FIELD_UNKNOWN, field="field")
    reason = " ".join((reason or "").split())
    if len(reason) < REVEAL_REASON_MIN_LENGTH:
        raise TongbanError(IdentityError.REVEAL_REASON_REQUIRED, field="reason", minimum=REVEAL_REASON_MIN_LENGTH)
    value = person.document_number if field == "document_number" else person.phone
    if not value:
        raise TongbanError(IdentityError.REVEAL_NOTHING_ON_FILE, field="field")
    audit.record("identity.person.data_revealed", actor=actor, agency_id=held[0].pk, obj=person,
                 data={"field": field, "reason": reason[:200]})
    return value
