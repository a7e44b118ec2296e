"""ID-4: the applicant's enterprise pages — my enterprises, registration, members and grants, acting as one."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import staff
from tests.identity.enterprise_builders import (
    DEMO_NAME,
    DEMO_REPRESENTATIVE_ID,
    DEMO_USCC,
    member,
    snapshot,
    three_levels,
)
from tests.identity.factories import PersonFactory
from tests.portal.factories import listed_item
from tongban.identity.models import Enterprise, EnterpriseGrant, GrantRole, GrantScope, StaffRole
from tongban.identity.services.enterprise_sessions import SESSION_KEY

pytestmark = pytest.mark.django_db

BANNER = f"正在以「{DEMO_NAME}」身份办理"


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _client(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


@pytest.mark.parametrize("name", ["enterprise:home", "enterprise:register"])
def test_id_4_enterprise_pages_need_the_applicant_login(client, name):
    """ID-4: anonymous visitors are sent to the applicant login page."""
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"] == f"/account/login/?next={reverse(name)}"


def test_id_4_staff_accounts_without_a_person_are_turned_away(client):
    """ID-4: a workbench account is not an applicant and has no enterprises."""
    from tests.factories import AgencyFactory

    client.force_login(staff(StaffRole.AGENCY_ADMIN, AgencyFactory()))
    response = client.get(reverse("enterprise:home"))
    assert response.status_code == 403
    assert "企业业务需要使用个人账号登录办理" in _text(response)


def test_id_4_the_legal_representative_registers_an_enterprise_through_the_page():
    """ID-4: the registration form creates the enterprise and shows it with the root grant."""
    person = PersonFactory(level=2, document=DEMO_REPRESENTATIVE_ID, full_name="张伟")
    client = _client(person)
    form = client.get(reverse("enterprise:register"))
    assert form.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in form.content.decode()
    response = client.post(reverse("enterprise:register"), {"uscc": DEMO_USCC, "name": DEMO_NAME}, follow=True)
    assert response.redirect_chain == [(reverse("enterprise:detail", args=[DEMO_USCC]), 302)]
    text = _text(response)
    assert f"企业“{DEMO_NAME}”已注册，您是其法定代表人" in text
    assert "张伟 我 法定代表人 全部事项 法人库核验" in text
    assert Enterprise.objects.get().legal_representative_id == person.pk


def test_id_4_a_refused_registration_shows_the_reason_and_creates_nothing():
    """ID-4: someone other than the registered legal representative is refused on the form."""
    client = _client(member())
    before = snapshot()
    response = client.post(reverse("enterprise:register"), {"uscc": DEMO_USCC, "name": DEMO_NAME})
    assert response.status_code == 200
    assert "IDENTITY_NOT_LEGAL_REPRESENTATIVE" in _text(response)
    assert snapshot() == before


def test_id_4_my_enterprises_lists_each_with_my_role_and_the_tree_shows_who_granted_whom():
    """ID-4: the home page lists my grants; the enterprise page shows the chain with scope, expiry, status."""
    chain = three_levels()
    home = _text(_client(chain.administrator).get(reverse("enterprise:home")))
    assert f"{DEMO_NAME} {DEMO_USCC} 管理员 全部事项 长期" in home
    page = _client(chain.representative).get(reverse("enterprise:detail", args=[DEMO_USCC]))
    text = _text(page)
    assert "法定代表人 我 法定代表人 全部事项" in text
    assert "管理员 管理员 全部事项 法定代表人" in text
    assert "经办人 经办人 全部事项 管理员" in text
    assert text.count(" 长期 有效 ") == 3
    html = page.content.decode()
    # revoke buttons for the two grants below, none for the root; the representative may act under the root
    assert (html.count('/revoke/"'), html.count(f'action="/enterprise/grants/{chain.root.pk}/act/"')) == (2, 1)
    assert " style=" not in html


def test_id_4_people_outside_the_enterprise_do_not_see_it(client):
    """ID-4: the enterprise page is a 404 for a person without a grant in it."""
    three_levels()
    response = _client(member()).get(reverse("enterprise:detail", args=[DEMO_USCC]))
    assert response.status_code == 404


def test_id_4_an_administrator_grants_an_item_scope_within_their_item_type_through_the_page():
    """ID-4: the grant form narrows item types to named items using the catalogue's item types."""
    licensing = listed_item("食品经营许可", item_type="licensing")
    filing = listed_item("企业备案", item_type="filing")
    chain = three_levels()
    EnterpriseGrant.objects.filter(pk=chain.admin_grant.pk).update(
        scope=GrantScope.ITEM_TYPES, scope_values=["licensing"]
    )
    grantee = member()
    client = _client(chain.administrator)
    url = reverse("enterprise:grant", args=[DEMO_USCC])
    data = {"parent": chain.admin_grant.pk, "grantee": grantee.phone, "scope": GrantScope.ITEMS}
    before = snapshot()
    refused = client.post(url, {**data, "items": f"{licensing.implementation_code} {filing.implementation_code}"})
    assert "IDENTITY_GRANT_WIDER_THAN_PARENT" in _text(refused)
    assert snapshot() == before
    response = client.post(url, {**data, "items": licensing.implementation_code.lower(), "expires_on": "2026-12-31"})
    assert response.status_code == 302
    created = EnterpriseGrant.objects.get(person=grantee)
    assert (created.role, created.scope, created.scope_values, created.parent_id) == (
        GrantRole.OPERATOR, GrantScope.ITEMS, [licensing.implementation_code], chain.admin_grant.pk
    )
    assert timezone.localtime(created.expires_at).isoformat() == "2027-01-01T00:00:00+08:00"


def test_id_4_an_operator_has_no_grant_form(client):
    """ID-4: operators grant nothing, so the form is not offered to them."""
    chain = three_levels()
    response = _client(chain.operator).get(reverse("enterprise:grant", args=[DEMO_USCC]))
    assert response.status_code == 404


def test_id_4_revoking_through_the_page_cascades_and_others_cannot(client):
    """ID-4: the legal representative's revoke button takes the operators along; an outsider's POST changes nothing."""
    chain = three_levels()
    url = reverse("enterprise:revoke", args=[chain.admin_grant.pk])
    before = snapshot()
    refused = _client(member()).post(url, {"reason": "越权"}, follow=True)
    assert "IDENTITY_REVOKE_NOT_ALLOWED" in _text(refused)
    assert snapshot() == before
    response = _client(chain.representative).post(url, {"reason": "离职"}, follow=True)
    assert "已撤销2项授权" in _text(response)
    assert set(EnterpriseGrant.objects.active().values_list("pk", flat=True)) == {chain.root.pk}


def test_id_4_acting_as_the_enterprise_shows_a_banner_until_switched_back():
    """ID-4: act-as puts the enterprise in the session and the header; 切换回个人 removes it."""
    chain = three_levels()
    client = _client(chain.operator)
    client.post(reverse("enterprise:act_as", args=[chain.operator_grant.pk]))
    assert client.session[SESSION_KEY] == chain.operator_grant.pk
    page = client.get(reverse("portal:home"))
    assert BANNER in _text(page)
    assert 'action="/enterprise/stop-acting/"' in page.content.decode()
    response = client.post(reverse("enterprise:stop_acting"), {"next": "/search/"})
    assert response["Location"] == "/search/"
    assert SESSION_KEY not in client.session
    assert BANNER not in _text(client.get(reverse("portal:home")))


def test_id_4_a_revoked_grant_drops_out_of_the_session_on_the_next_page():
    """ID-4: when the grant is revoked while acting, the next page no longer acts for the enterprise."""
    chain = three_levels()
    client = _client(chain.operator)
    client.post(reverse("enterprise:act_as", args=[chain.operator_grant.pk]))
    _client(chain.administrator).post(reverse("enterprise:revoke", args=[chain.operator_grant.pk]), {"reason": "调岗"})
    assert BANNER not in _text(client.get(reverse("portal:home")))
    assert SESSION_KEY not in client.session
    refused = client.post(reverse("enterprise:act_as", args=[chain.operator_grant.pk]), follow=True)
    assert "IDENTITY_GRANT_REVOKED" in _text(refused)


def test_id_4_state_changes_need_the_csrf_token():
    """ID-4: every change is a POST protected by CSRF."""
    chain = three_levels()
    client = Client(enforce_csrf_checks=True)
    client.force_login(chain.representative.user)
    before = snapshot()
    response = client.post(reverse("enterprise:revoke", args=[chain.admin_grant.pk]), {"reason": "离职"})
    assert response.status_code == 403
    assert snapshot() == before
