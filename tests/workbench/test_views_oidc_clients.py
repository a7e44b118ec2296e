"""The operator's single sign-on client pages (ID-2): list, register (the secret shown once), disable; permissions.

A platform operator's role is platform-wide, so the refusals are tried with
nobody logged in, an applicant, and every other staff role.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from oauth2_provider.models import Application

from tests.factories import AgencyFactory, staff
from tests.identity.oidc_builders import REDIRECT_URI, person, registered_client
from tests.workbench.test_views_support import ANONYMOUS, agencies, page_messages
from tongban.core.models import AuditEvent
from tongban.identity.models import OidcClient, StaffRole
from tongban.identity.oidc import clients

pytestmark = pytest.mark.django_db

LIST = reverse("workbench:oidc_clients")
REGISTER = reverse("workbench:oidc_client_register")
APPLICANT = "applicant"
REFUSED = [ANONYMOUS, APPLICANT, *[role.value for role in StaffRole if role != StaffRole.PLATFORM_OPERATOR]]


def _disable_url(client_id: str) -> str:
    return reverse("workbench:oidc_client_disable", args=[client_id])


def _operator(client) -> None:  # noqa: ANN001 - Django test client
    client.force_login(staff(StaffRole.PLATFORM_OPERATOR, agencies().city))


def _log_in(client, actor: str) -> None:  # noqa: ANN001 - Django test client
    if actor == APPLICANT:
        client.force_login(person(level=4).user)
    elif actor != ANONYMOUS:
        client.force_login(staff(StaffRole(actor), AgencyFactory()))


def test_operator_sees_every_client(client):
    """ID-2: the list shows each client's name, agency, client id, redirect URIs and state."""
    # given two clients, one disabled
    agency = AgencyFactory(name="上海市民政局")
    active = registered_client(agency=agency, name="婚姻登记系统")
    gone = registered_client(name="旧系统")
    clients.disable_client(None, gone.client, "系统下线")
    _operator(client)

    # when the operator opens the list
    response = client.get(LIST)

    # then both are listed, newest first, with their state
    page = response.content.decode()
    assert response.status_code == 200
    assert [item.application.name for item in response.context["clients"]] == ["旧系统", "婚姻登记系统"]
    assert active.client.application.client_id in page and "上海市民政局" in page and REDIRECT_URI in page
    assert "系统下线" in page
    assert active.client_secret not in page


def test_operator_registers_a_client_and_sees_the_secret_once(client):
    """ID-2: registering shows the client id and secret on an uncached page; the list never shows the secret."""
    # given an operator and an agency
    agency = AgencyFactory(name="上海市公安局")
    _operator(client)

    # when the operator registers the agency's system
    response = client.post(REGISTER, {
        "name": "出入境业务系统", "agency": agency.pk,
        "redirect_uris": f"{REDIRECT_URI}\r\nhttps://rp.example.gov.cn/cb2\r\n", "post_logout_redirect_uris": "",
    })

    # then the page shows the id and the secret once, and is not cached
    registered = response.context["registered"]
    page = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert registered.client_secret in page and registered.client.application.client_id in page
    assert "客户端密钥只显示这一次" in page
    stored = OidcClient.objects.select_related("application").get()
    assert (stored.agency, stored.application.redirect_uris) == (agency, f"{REDIRECT_URI} https://rp.example.gov.cn/cb2")
    # and the list afterwards does not show it
    assert registered.client_secret not in client.get(LIST).content.decode()


def test_bad_registration_shows_the_reason_and_creates_nothing(client):
    """ID-2: a wrong redirect URI is refused on the form with its code; nothing is created."""
    _operator(client)
    before = (Application.objects.count(), AuditEvent.objects.count())

    # when the redirect URI is not https
    response = client.post(REGISTER, {"name": "系统", "redirect_uris": "ftp://rp.example.gov.cn/cb"})

    # then the form is shown again with the refusal, and nothing was created
    assert response.status_code == 400
    assert "IDENTITY_OIDC_REDIRECT_URI_INVALID" in response.content.decode()
    assert (Application.objects.count(), AuditEvent.objects.count()) == before


def test_operator_disables_a_client(client):
    """ID-2: disabling with a reason takes effect at once and says so."""
    registered = registered_client()
    _operator(client)

    # when the operator disables it
    response = client.post(_disable_url(registered.client.application.client_id), {"reason": "系统下线"}, follow=True)

    # then it is disabled, with the message
    assert page_messages(response) == ["接入系统“市民政局婚姻登记系统”已停用"]
    registered.client.refresh_from_db()
    assert (registered.client.is_enabled, registered.client.disabled_reason) == (False, "系统下线")


def test_disabling_without_a_reason_or_twice_is_refused(client):
    """ID-2: no reason, or a client already disabled: refused with a message; nothing changes."""
    registered = registered_client()
    _operator(client)
    url = _disable_url(registered.client.application.client_id)
    assert page_messages(client.post(url, {"reason": ""}, follow=True)) == ["请填写停用原因"]
    registered.client.refresh_from_db()
    assert registered.client.is_enabled
    client.post(url, {"reason": "下线"}, follow=True)
    response = client.post(url, {"reason": "再次下线"}, follow=True)
    assert page_messages(response) == [
        "接入系统“市民政局婚姻登记系统”已于2026-06-01 09:00停用（IDENTITY_OIDC_CLIENT_ALREADY_DISABLED）"]
    registered.client.refresh_from_db()
    assert registered.client.disabled_reason == "下线"


@pytest.mark.parametrize("actor", REFUSED)
def test_everyone_but_the_platform_operator_is_refused(client, actor):
    """ID-2: nobody, an applicant and every other staff role are refused on every page; nothing changes."""
    # given a registered client and the visitor
    registered = registered_client()
    _log_in(client, actor)
    before = (Application.objects.count(), OidcClient.objects.filter(disabled_at__isnull=True).count(),
              AuditEvent.objects.count())

    # when they open the pages, register and disable
    responses = [
        client.get(LIST), client.get(REGISTER),
        client.post(REGISTER, {"name": "越权系统", "redirect_uris": REDIRECT_URI}),
        client.post(_disable_url(registered.client.application.client_id), {"reason": "越权"}),
    ]

    # then each is refused (the login page for nobody, 403 otherwise) and nothing changed
    if actor == ANONYMOUS:
        assert all(response.status_code == 302 and "/workbench/login/" in response["Location"]
                   for response in responses)
    else:
        assert [response.status_code for response in responses] == [403, 403, 403, 403]
        assert "此操作需要“平台运营（大数据中心）”角色" in responses[0].content.decode()
    assert (Application.objects.count(), OidcClient.objects.filter(disabled_at__isnull=True).count(),
            AuditEvent.objects.count()) == before
