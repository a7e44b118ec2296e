"""Personal data (SEC-4): clear to the holder, masked to everyone else, and every staff reveal audited."""

from __future__ import annotations

import pytest

from tests.factories import AgencyFactory, staff
from tests.identity.factories import PersonFactory
from tongban.core.errors import TongbanError
from tongban.core.models import AuditEvent
from tongban.identity.models import StaffRole
from tongban.identity.services import personal_data

pytestmark = pytest.mark.django_db

NUMBER = "310101199003071310"
PHONE = "13800138000"


@pytest.fixture
def person():
    return PersonFactory(level=2, phone=PHONE, document=NUMBER, full_name="张伟")


def test_sec_4_the_holder_sees_his_numbers_and_everyone_else_sees_them_masked(person):
    """SEC-4: ``view_for`` decides by who is looking."""
    own = personal_data.view_for(person.user, person)
    assert (own.document_number, own.phone, own.masked) == (NUMBER, PHONE, False)
    assert own.birth_date is not None
    clerk = staff(StaffRole.COUNTER_STAFF, AgencyFactory())
    for viewer in (None, clerk, PersonFactory().user):
        shown = personal_data.view_for(viewer, person)
        assert (shown.document_number, shown.phone, shown.masked, shown.birth_date) == (
            "3101**********1310", "138****8000", True, None)
        assert shown.full_name == "张伟"


@pytest.mark.parametrize("role", [StaffRole.COUNTER_STAFF, StaffRole.SECURITY_ADMIN])
def test_sec_4_an_allowed_staff_member_reveals_with_a_reason_and_the_read_is_audited(person, role):
    """SEC-4: the full number for counter staff or the security administrator, the reason in the audit log."""
    agency = AgencyFactory()
    reader = staff(role, agency)
    assert personal_data.reveal(reader, person, "document_number", "  核对证件原件  ") == NUMBER
    assert personal_data.reveal(reader, person, "phone", "回拨确认办件") == PHONE
    events = AuditEvent.objects.filter(action="identity.person.data_revealed").order_by("id")
    assert [(event.actor_id, event.agency_id, event.object_id, event.data) for event in events] == [
        (reader.pk, agency.pk, str(person.pk), {"field": "document_number", "reason": "核对证件原件"}),
        (reader.pk, agency.pk, str(person.pk), {"field": "phone", "reason": "回拨确认办件"}),
    ]


ACTORS = ["anonymous", "applicant", "holder",
          *[role.value for role in StaffRole if role not in (StaffRole.COUNTER_STAFF, StaffRole.SECURITY_ADMIN)]]


@pytest.mark.parametrize("actor", ACTORS)
def test_sec_4_everyone_else_is_refused_and_nothing_is_revealed_or_logged(person, actor):
    """Permissions: anonymous, applicants (even the holder: his own page shows him everything) and other roles."""
    if actor == "anonymous":
        user, expected = None, "IDENTITY_LOGIN_REQUIRED"
    elif actor == "applicant":
        user, expected = PersonFactory().user, "IDENTITY_REVEAL_NOT_ALLOWED"
    elif actor == "holder":
        user, expected = person.user, "IDENTITY_REVEAL_NOT_ALLOWED"
    else:
        user, expected = staff(StaffRole(actor), AgencyFactory()), "IDENTITY_REVEAL_NOT_ALLOWED"
    before = AuditEvent.objects.count()
    with pytest.raises(TongbanError) as refused:
        personal_data.reveal(user, person, "document_number", "核对证件原件")
    assert refused.value.code == expected
    assert NUMBER not in refused.value.message
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(("field", "reason", "code"), [
    ("document_number", "看看", "IDENTITY_REVEAL_REASON_REQUIRED"),
    ("document_number", "   ", "IDENTITY_REVEAL_REASON_REQUIRED"),
    ("full_name", "核对证件原件", "IDENTITY_REVEAL_FIELD_UNKNOWN"),
])
def test_a_reveal_needs_a_known_field_and_a_real_reason(person, field, reason, code):
    """Bad input: refused, nothing revealed, nothing logged."""
    clerk = staff(StaffRole.COUNTER_STAFF, AgencyFactory())
    before = AuditEvent.objects.count()
    with pytest.raises(TongbanError) as refused:
        personal_data.reveal(clerk, person, field, reason)
    assert refused.value.code == code
    assert AuditEvent.objects.count() == before
