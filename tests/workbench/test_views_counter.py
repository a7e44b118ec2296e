"""The counter's real-name pages (ID-1, SEC-4): search masked, verify in person (L4), reveal with a reason."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import staff
from tests.identity.factories import PersonFactory
from tests.workbench.test_views_support import ACTORS, ANONYMOUS, ELSEWHERE, agencies, log_in, page_messages
from tongban.core.models import AuditEvent
from tongban.identity.models import Person, RealNameCheck, StaffRole

pytestmark = pytest.mark.django_db

NUMBER = "310101199003071310"
PHONE = "13800138000"
COUNTER = reverse("workbench:counter")


@pytest.fixture
def person():
    return PersonFactory(level=2, phone=PHONE, document=NUMBER, full_name="张伟")


def _state(person: Person) -> tuple[int, int, int]:
    return Person.objects.get(pk=person.pk).real_name_level, RealNameCheck.objects.count(), AuditEvent.objects.count()


def test_counter_staff_find_a_person_and_see_masked_numbers_only(client, person):
    """SEC-4: the search takes a full number; the results and the person page show masked numbers."""
    clerk = staff(StaffRole.COUNTER_STAFF, agencies().home)
    client.force_login(clerk)
    response = client.get(COUNTER, {"query": NUMBER})
    assert response.status_code == 200
    assert [found.pk for found, _data in response.context["results"]] == [person.pk]
    page = client.get(reverse("workbench:counter_person", args=[person.pk]))
    content = page.content.decode()
    assert "3101**********1310" in content and "138****8000" in content
    assert NUMBER not in content and PHONE not in content
    # and a partial number is not a search
    response = client.get(COUNTER, {"query": "3101"})
    assert response.context["refusal"].code == "IDENTITY_SEARCH_QUERY_INVALID"


def test_counter_staff_verify_in_person_to_level_4(client, person):
    """ID-1: the clerk types the number from the physical document and confirms: level 4, audited."""
    tree = agencies()
    clerk = staff(StaffRole.COUNTER_STAFF, tree.home)
    client.force_login(clerk)
    verify = reverse("workbench:counter_verify", args=[person.pk])
    # without the confirmation the page refuses with the reason
    response = client.post(verify, {"document_number": NUMBER})
    assert response.status_code == 400
    assert response.context["refusal"].code == "IDENTITY_COUNTER_CONFIRMATION_REQUIRED"
    # with it, the person is at level 4
    response = client.post(verify, {"document_number": NUMBER, "confirmed": "on"}, follow=True)
    assert page_messages(response) == ["已完成窗口现场核验，该用户实名等级升为四级"]
    person.refresh_from_db()
    assert person.real_name_level == 4
    event = AuditEvent.objects.get(action="identity.person.level_raised")
    assert (event.actor_id, event.agency_id) == (clerk.pk, tree.home.pk)


def test_sec_4_reveal_shows_the_full_number_once_and_audits_the_reason(client, person):
    """SEC-4: "显示完整证件号" after a reason: the number on this response only, the read in the audit log."""
    clerk = staff(StaffRole.COUNTER_STAFF, agencies().home)
    client.force_login(clerk)
    reveal = reverse("workbench:counter_reveal", args=[person.pk])
    response = client.post(reveal, {"field": "document_number", "reason": "核对证件原件"})
    assert response.status_code == 200
    assert response.context["revealed"]["value"] == NUMBER
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="identity.person.data_revealed")
    assert (event.actor_id, event.data) == (clerk.pk, {"field": "document_number", "reason": "核对证件原件"})
    # a short reason is refused and nothing is shown
    response = client.post(reveal, {"field": "document_number", "reason": "看"})
    assert response.status_code == 400 and "revealed" not in response.context
    assert AuditEvent.objects.filter(action="identity.person.data_revealed").count() == 1


@pytest.mark.parametrize("actor", [actor for actor in ACTORS if actor not in (StaffRole.COUNTER_STAFF.value,)])
def test_counter_pages_refuse_everyone_but_counter_staff_and_change_nothing(client, person, actor):
    """Permissions: anonymous → login page; applicants and other roles → 403; nothing changes or is revealed.

    The counter role at another agency is the right role (the counter serves every applicant), so
    ``ELSEWHERE`` succeeds; the security administrator may reveal but not verify.
    """
    tree = agencies()
    user = log_in(client, actor, StaffRole.COUNTER_STAFF, tree)
    before = _state(person)
    verify = client.post(reverse("workbench:counter_verify", args=[person.pk]),
                         {"document_number": NUMBER, "confirmed": "on"})
    reveal = client.post(reverse("workbench:counter_reveal", args=[person.pk]),
                         {"field": "document_number", "reason": "核对证件原件"})
    search = client.get(COUNTER, {"query": NUMBER})
    if actor == ANONYMOUS:
        assert [verify.status_code, reveal.status_code, search.status_code] == [302, 302, 302]
        assert verify["Location"].startswith(reverse("workbench:login"))
    elif actor == ELSEWHERE:
        assert [verify.status_code, reveal.status_code, search.status_code] == [302, 200, 200]
        return
    elif actor == StaffRole.SECURITY_ADMIN.value:
        assert [verify.status_code, reveal.status_code, search.status_code] == [403, 200, 403]
        assert AuditEvent.objects.filter(action="identity.person.data_revealed", actor_id=user.pk).count() == 1
        assert Person.objects.get(pk=person.pk).real_name_level == 2
        return
    else:
        assert [verify.status_code, reveal.status_code, search.status_code] == [403, 403, 403]
        assert NUMBER not in reveal.content.decode()
    assert _state(person) == before


def test_an_applicant_is_refused_at_the_counter(client, person):
    """An applicant logged in to the portal cannot use the counter pages, not even on himself."""
    client.force_login(person.user)
    response = client.post(reverse("workbench:counter_verify", args=[person.pk]),
                           {"document_number": NUMBER, "confirmed": "on"})
    assert response.status_code == 403
    assert response.context["refusal"].code == "IDENTITY_ROLE_REQUIRED"
    assert Person.objects.get(pk=person.pk).real_name_level == 2
