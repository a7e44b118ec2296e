"""The portal's cross-province login pages (ID-5) with Django's test client and a provider in a thread.

The provider is real (``tests.federation_provider``); only the browser's visit
to it is played by ``requests``. The end-to-end run over a live server is in
``tests/e2e/test_federation_provider.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.cache import cache
from django.urls import reverse

from tests.federation_provider import RegionProvider
from tests.identity.factories import make_resident_id
from tongban.core.models import AuditEvent
from tongban.identity.federation import flow, services
from tongban.identity.models import ExternalProvider, Person, UserSession

pytestmark = pytest.mark.django_db

START = reverse("account:federation_start", args=["anhui"])
CALLBACK = reverse("account:federation_callback", args=["anhui"])


@pytest.fixture
def region() -> Iterator[RegionProvider]:
    cache.clear()
    user = {"sub": "ah-9", "name": "王五", "id_number": make_resident_id(77, region="340104"), "acr": "2"}
    with RegionProvider(user=user) as started:
        started.redirect_uris.add(f"http://testserver{CALLBACK}")
        yield started
    cache.clear()


@pytest.fixture
def provider(region: RegionProvider) -> ExternalProvider:
    return services.create_provider(
        None, slug="anhui", name="安徽政务服务网", issuer=region.issuer, client_id=region.client_id,
        client_secret=region.client_secret, scopes="openid profile",
        id_number_claim="id_number", name_claim="name", level_claim="acr",
    )


def _pending(client: Any) -> dict[str, Any]:
    return next(iter(client.session[flow.SESSION_KEY].values()))


@pytest.mark.parametrize(("next_url", "kept"), [
    ("/items/?q=1", "/items/?q=1"), ("https://evil.example/steal", ""), ("//evil.example/", ""), ("", ""),
])
def test_start_redirects_to_the_provider_and_keeps_only_local_next_urls_id_5(client, provider, region, next_url,
                                                                               kept):
    """ID-5: the start page redirects to the provider; ``next`` survives only if it stays on this site."""
    # when the applicant starts the login
    response = client.get(START, {"next": next_url})

    # then the browser goes to the provider with this site's callback, and the pending login is kept
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{region.issuer}/authorize?")
    assert parse_qs(urlsplit(location).query)["redirect_uri"] == [f"http://testserver{CALLBACK}"]
    assert _pending(client)["next_url"] == kept


def test_callback_logs_in_with_a_new_session_and_goes_to_next_id_5(client, provider, region):
    """ID-5: the callback logs the person in (new session key, indexed session, login event) and goes on."""
    # given a started login the provider approved
    started = client.get(START, {"next": "/items/"})
    session_before = client.session.session_key
    answer = requests.get(started["Location"], allow_redirects=False, timeout=10)

    # when the browser comes back
    response = client.get(answer.headers["Location"].replace("http://testserver", ""))

    # then the person is logged in under a new session key and sent on
    person = Person.objects.get()
    assert response.status_code == 302 and response["Location"] == "/items/"
    assert int(client.session["_auth_user_id"]) == person.user_id
    assert client.session.session_key != session_before
    assert UserSession.objects.filter(user=person.user, session_key=client.session.session_key).exists()
    assert AuditEvent.objects.filter(action="identity.person.logged_in", data__method="other_region").count() == 1


@pytest.mark.parametrize(("path", "status", "code"), [
    (reverse("account:federation_start", args=["nowhere"]), 404, "IDENTITY_FEDERATION_PROVIDER_UNKNOWN"),
    (f"{CALLBACK}?state=forged&code=x", 400, "IDENTITY_FEDERATION_STATE_INVALID"),
    (f"{CALLBACK}", 400, "IDENTITY_FEDERATION_STATE_INVALID"),
])
def test_refusals_are_shown_with_their_code_id_5(client, provider, path, status, code):
    """ID-5: an unknown provider or a forged callback shows the refusal page with its code; nobody logs in."""
    # when the page is visited without a started login (or for a provider that does not exist)
    response = client.get(path)

    # then the refusal page shows the code and nobody is logged in
    assert response.status_code == status
    assert response.context["refusal"].code == code
    assert f"data-refusal-code>{code}<" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unreachable_provider_is_a_bad_gateway_id_5(client, provider, region):
    """ID-5: a provider that is down gives 502 with its code, not a server error."""
    # given the provider down
    region.stop()

    # when a login is started
    response = client.get(START)

    # then the page says the provider cannot be reached
    assert response.status_code == 502
    assert response.context["refusal"].code == "IDENTITY_FEDERATION_PROVIDER_UNREACHABLE"


def test_start_and_callback_accept_only_safe_methods_id_5(client, provider):
    """ID-5: both pages are GET-only (the provider redirects with GET)."""
    # when either page is posted to, then it is refused as a method not allowed
    assert (client.post(START).status_code, client.post(CALLBACK).status_code) == (405, 405)


def test_login_page_lists_enabled_providers_only_id_5(client, provider):
    """ID-5: the applicant login page shows "其他省市账号登录" with one link per enabled provider."""
    # given a second provider that is disabled
    services.create_provider(
        None, slug="jiangsu", name="江苏政务服务网", issuer="https://id.jszwfw.example.gov.cn", client_id="x",
        client_secret="y", scopes="openid", id_number_claim="id_number", name_claim="name", level_claim="acr",
        is_enabled=False,
    )

    # when the login page is shown with a next address
    page = client.get(reverse("account:login"), {"next": "/items/"}).content.decode()

    # then only the enabled provider is linked, carrying next
    assert "其他省市账号登录" in page
    assert f'href="{START}?next=/items/"' in page
    assert "安徽政务服务网" in page and "江苏政务服务网" not in page


def test_login_page_without_providers_has_no_federation_section_id_5(client):
    """ID-5: with no provider configured the section is not shown at all."""
    # when the login page is shown with no provider, then the section is absent
    assert "其他省市账号登录" not in client.get(reverse("account:login")).content.decode()
