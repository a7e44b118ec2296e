"""Cross-province login end to end (ID-5, YRD-1): a second, real OpenID Connect provider started by the test.

``tests.federation_provider.RegionProvider`` plays another Yangtze River Delta
region's identity platform on 127.0.0.1; the platform runs on pytest-django's
live server; ``requests`` plays the browser, hop by hop: the platform's start
URL → the provider's authorization endpoint (auto-approves its user) → the
platform's callback, which exchanges the code over HTTP, checks the ID token
against the provider's JWKS and logs the matched person in.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from django.conf import settings
from django.core.cache import cache

from tests.conftest import FIXED_NOW
from tests.federation_provider import RegionProvider
from tests.identity.factories import PersonFactory, make_resident_id
from tongban.core import crypto
from tongban.core.models import AuditEvent
from tongban.identity.federation import services
from tongban.identity.models import ExternalIdentity, ExternalProvider, Person, RealNameCheck, RealNameMethod, User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NUMBER = make_resident_id(811, region="330106")  # a Hangzhou resident
WRONG_CHECKSUM = NUMBER[:17] + ("0" if NUMBER[17] != "0" else "1")


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    """Discovery and JWKS are cached per provider; each test talks to its own provider."""
    cache.clear()
    yield
    cache.clear()


def _start_region(live_server: Any, slug: str, name: str, user: dict[str, Any]) -> RegionProvider:
    region = RegionProvider(user=user).start()
    region.redirect_uris.add(f"{live_server.url}/account/federation/{slug}/callback/")
    services.create_provider(
        None, slug=slug, name=name, issuer=region.issuer, client_id=region.client_id,
        client_secret=region.client_secret, scopes="openid profile",
        id_number_claim="id_number", name_claim="name", level_claim="acr",
    )
    return region


@pytest.fixture
def zhejiang(live_server: Any) -> Iterator[RegionProvider]:
    """Zhejiang's provider, configured at the platform as ``zhejiang``, with one verified (L2) user."""
    region = _start_region(live_server, "zhejiang", "浙江政务服务网",
                           {"sub": "zj-0001", "name": "张三", "id_number": NUMBER, "acr": "2"})
    yield region
    region.stop()


@pytest.fixture
def jiangsu(live_server: Any) -> Iterator[RegionProvider]:
    """Jiangsu's provider, configured as ``jiangsu``."""
    region = _start_region(live_server, "jiangsu", "江苏政务服务网",
                           {"sub": "js-7777", "name": "张叁", "id_number": NUMBER, "acr": "3"})
    yield region
    region.stop()


class Browser:
    """``requests`` following the login's redirects one at a time, so every hop can be checked."""

    def __init__(self, live_server: Any) -> None:
        self.base = live_server.url
        self.session = requests.Session()

    def start(self, slug: str) -> str:
        """Open the platform's start URL; returns the provider's authorization URL it redirects to."""
        response = self.session.get(f"{self.base}/account/federation/{slug}/start/", allow_redirects=False, timeout=10)
        assert response.status_code == 302, response.text[:500]
        return response.headers["Location"]

    def authorize(self, authorization_url: str) -> str:
        """Visit the provider, which approves at once; returns the platform callback URL it redirects to."""
        response = self.session.get(authorization_url, allow_redirects=False, timeout=10)
        assert response.status_code == 302, response.text[:500]
        return response.headers["Location"]

    def callback(self, callback_url: str) -> requests.Response:
        return self.session.get(callback_url, allow_redirects=False, timeout=10)

    def log_in(self, slug: str) -> requests.Response:
        """The whole round trip; returns the platform's answer to the callback."""
        return self.callback(self.authorize(self.start(slug)))

    def user_id(self) -> int | None:
        """Who the platform's session cookie belongs to (read from the session store), or None."""
        key = self.session.cookies.get(settings.SESSION_COOKIE_NAME)
        if not key:
            return None
        stored = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
        user_id = stored.get("_auth_user_id")
        return int(user_id) if user_id else None


def _counts() -> dict[str, int]:
    return {
        "users": User.objects.count(), "persons": Person.objects.count(),
        "identities": ExternalIdentity.objects.count(), "checks": RealNameCheck.objects.count(),
    }


def _refusal_code(response: requests.Response) -> str:
    marker = 'data-refusal-code>'
    assert marker in response.text, response.text[:500]
    return response.text.split(marker, 1)[1].split("<", 1)[0]


def test_first_login_creates_the_person_and_links_the_identity_id_5(live_server, zhejiang):
    """ID-5 (1): a Zhejiang resident unknown here logs in; a person at L2 is created and the account linked."""
    # given the platform configured with Zhejiang's provider and a visitor's browser
    browser = Browser(live_server)

    # when the visitor starts the login, approves at Zhejiang and comes back
    authorization_url = browser.start("zhejiang")
    query = parse_qs(urlsplit(authorization_url).query)
    callback_url = browser.authorize(authorization_url)
    session_before_login = browser.session.cookies.get(settings.SESSION_COOKIE_NAME)
    response = browser.callback(callback_url)

    # then the authorization request carried state, nonce and an S256 PKCE challenge
    assert authorization_url.startswith(f"{zhejiang.issuer}/authorize?")
    assert query["response_type"] == ["code"] and query["code_challenge_method"] == ["S256"]
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32 and len(query["code_challenge"][0]) == 43
    # and the platform exchanged the code, created the person and logged them in
    assert response.status_code == 302 and response.headers["Location"] == "/account/"
    person = Person.objects.select_related("user").get()
    assert browser.user_id() == person.user_id
    assert (person.full_name, person.real_name_level, person.document_type) == ("张三", 2, "resident_id")
    assert person.document_number == NUMBER
    assert person.document_number_hash == crypto.lookup_hash("document:resident_id", NUMBER)
    assert person.user.has_usable_password() is False
    # with a new session id, and "my account" shows the person
    assert browser.session.cookies.get(settings.SESSION_COOKIE_NAME) not in (None, session_before_login)
    account_page = browser.session.get(f"{live_server.url}/account/", allow_redirects=False, timeout=10)
    assert account_page.status_code == 200 and "张三" in account_page.text
    identity = ExternalIdentity.objects.get()
    assert (identity.provider.slug, identity.subject, identity.person_id) == ("zhejiang", "zj-0001", person.pk)
    check = RealNameCheck.objects.get(person=person)
    assert (check.level, check.method, check.succeeded) == (2, RealNameMethod.OTHER_REGION, True)
    assert zhejiang.served["/token"] == 1 and zhejiang.token_errors == []


def test_same_id_number_with_another_subject_and_name_matches_the_same_person_id_5(live_server, zhejiang):
    """ID-5 (2): the same ID number under another ``sub`` and another name is the same local person (hash, not name)."""
    # given a first login that created the person
    first = Browser(live_server)
    assert first.log_in("zhejiang").status_code == 302
    person = Person.objects.get()
    # and the provider now answers with another account and another spelling of the name for that number
    zhejiang.user = {"sub": "zj-0002", "name": "张 叄", "id_number": NUMBER.lower(), "acr": "2"}

    # when a second browser logs in
    second = Browser(live_server)
    response = second.log_in("zhejiang")

    # then it is the same person, now linked to both accounts, with the name kept as it was
    assert response.status_code == 302
    assert second.user_id() == person.user_id
    assert Person.objects.count() == 1 and User.objects.count() == 1
    assert set(ExternalIdentity.objects.filter(person=person).values_list("subject", flat=True)) == {
        "zj-0001", "zj-0002"
    }
    assert Person.objects.get().full_name == "张三"
    # and the name mismatch is noted in the audit log, not used to refuse
    login_event = AuditEvent.objects.filter(action="identity.federation.login").order_by("-id").first()
    assert login_event.data["name_matches"] is False and login_event.data["identity_linked"] is True


def test_another_region_with_the_same_id_number_matches_the_same_person_id_5(live_server, zhejiang, jiangsu):
    """ID-5: the same resident logging in through Jiangsu after Zhejiang lands on the one local person."""
    # given a person created through Zhejiang
    assert Browser(live_server).log_in("zhejiang").status_code == 302
    person = Person.objects.get()

    # when the same ID number arrives through Jiangsu (another sub, another name spelling, L3 there)
    browser = Browser(live_server)
    response = browser.log_in("jiangsu")

    # then it is the same person, linked once per region, and still at L2 (L3 needs a check made here)
    assert response.status_code == 302 and browser.user_id() == person.user_id
    assert sorted(ExternalIdentity.objects.values_list("provider__slug", "subject")) == [
        ("jiangsu", "js-7777"), ("zhejiang", "zj-0001")
    ]
    assert Person.objects.get().real_name_level == 2


def test_local_person_with_that_document_is_matched_id_5(live_server, zhejiang):
    """ID-5 (3): a person registered here beforehand (L3, another name) is matched by the ID number's hash."""
    # given a local person with the same ID number, a different name and a higher level
    local = PersonFactory(level=3, document=NUMBER, full_name="张三丰")
    before = _counts()

    # when the Zhejiang user logs in
    browser = Browser(live_server)
    response = browser.log_in("zhejiang")

    # then the local person is logged in, linked, and neither renamed nor lowered; no account was created
    assert response.status_code == 302 and browser.user_id() == local.user_id
    after = _counts()
    assert after == {**before, "identities": before["identities"] + 1}
    local.refresh_from_db()
    assert (local.full_name, local.real_name_level) == ("张三丰", 3)
    assert ExternalIdentity.objects.get().person_id == local.pk


def test_token_signed_by_another_key_is_refused_and_creates_nothing_id_5(live_server, zhejiang):
    """ID-5 (4): an ID token signed with a key the provider does not publish is refused; nothing is created."""
    # given a provider that signs with a rogue key under its published key id
    zhejiang.sign_with_rogue_key = True
    before = _counts()

    # when the visitor goes through the login
    browser = Browser(live_server)
    response = browser.log_in("zhejiang")

    # then the platform refuses with the signature code, logs nobody in and creates nothing
    assert response.status_code == 400
    assert _refusal_code(response) == "IDENTITY_FEDERATION_TOKEN_SIGNATURE_INVALID"
    assert browser.user_id() is None
    assert _counts() == before


def test_tampered_state_is_refused_and_the_code_is_never_redeemed_id_5(live_server, zhejiang):
    """ID-5 (5): a callback whose state was altered is refused before the code is exchanged."""
    # given a login the provider approved
    browser = Browser(live_server)
    callback_url = browser.authorize(browser.start("zhejiang"))
    parts = urlsplit(callback_url)
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    before = _counts()

    # when the state is tampered with on the way back
    tampered = {**query, "state": query["state"][:-4] + "AAAA"}
    response = browser.callback(f"{parts.scheme}://{parts.netloc}{parts.path}?{urlencode(tampered)}")

    # then the login is refused, the code never reached the token endpoint, and nothing changed
    assert response.status_code == 400
    assert _refusal_code(response) == "IDENTITY_FEDERATION_STATE_INVALID"
    assert zhejiang.served["/token"] == 0
    assert browser.user_id() is None and _counts() == before


def test_replayed_callback_is_refused_id_5(live_server, zhejiang):
    """ID-5: the state (and with it the nonce) is used once; replaying a successful callback is refused."""
    # given a completed login
    browser = Browser(live_server)
    callback_url = browser.authorize(browser.start("zhejiang"))
    assert browser.callback(callback_url).status_code == 302
    before = _counts()

    # when the same callback URL is sent again, in the same browser and in a fresh one
    again = browser.callback(callback_url)
    elsewhere = Browser(live_server).callback(callback_url)

    # then both are refused as an unknown state and nothing changes
    assert (again.status_code, elsewhere.status_code) == (400, 400)
    assert _refusal_code(again) == _refusal_code(elsewhere) == "IDENTITY_FEDERATION_STATE_INVALID"
    assert _counts() == before


@pytest.mark.parametrize(("override", "code"), [
    ({"iss": "https://id.example.net"}, "IDENTITY_FEDERATION_TOKEN_ISSUER_INVALID"),
    ({"aud": "someone-else"}, "IDENTITY_FEDERATION_TOKEN_AUDIENCE_INVALID"),
    ({"exp": int(FIXED_NOW.timestamp()) - 3600}, "IDENTITY_FEDERATION_TOKEN_EXPIRED"),
    ({"nonce": "replayed-nonce"}, "IDENTITY_FEDERATION_NONCE_INVALID"),
    ({"id_number": WRONG_CHECKSUM}, "IDENTITY_FEDERATION_NO_ID_NUMBER"),
    ({"acr": "1"}, "IDENTITY_FEDERATION_LEVEL_TOO_LOW"),
])
def test_signed_but_wrong_tokens_are_refused_and_create_nothing_id_5(live_server, zhejiang, override, code):
    """ID-5: a correctly signed token with a wrong issuer, audience, expiry, nonce, ID number or level is refused."""
    # given a provider whose ID token carries one wrong claim
    zhejiang.id_token_overrides = override
    before = _counts()

    # when the visitor logs in
    browser = Browser(live_server)
    response = browser.log_in("zhejiang")

    # then the refusal names the problem and nothing was created
    assert response.status_code == 400 and _refusal_code(response) == code
    assert browser.user_id() is None and _counts() == before


def test_claims_missing_from_the_id_token_are_read_from_userinfo_id_5(live_server, zhejiang):
    """ID-5: a provider that keeps the ID number out of the ID token is asked at its userinfo endpoint."""
    # given a provider that puts only sub (and the protocol claims) in the ID token
    zhejiang.userinfo_only = ("name", "id_number", "acr")

    # when the visitor logs in
    browser = Browser(live_server)
    response = browser.log_in("zhejiang")

    # then the person is created from the userinfo claims
    assert response.status_code == 302
    person = Person.objects.get()
    assert (person.full_name, person.document_number) == ("张三", NUMBER)
    assert zhejiang.served["/userinfo"] == 1


def test_disabled_provider_cannot_be_used_id_5(live_server, zhejiang):
    """ID-5: after the operator disables a provider its start URL refuses and no request reaches it."""
    # given the provider disabled by the platform
    services.set_provider_enabled(None, ExternalProvider.objects.get(slug="zhejiang"), enabled=False)

    # when a visitor tries to start a login with it
    response = requests.get(f"{live_server.url}/account/federation/zhejiang/start/", allow_redirects=False,
                            timeout=10)

    # then the platform refuses with the provider-disabled code
    assert response.status_code == 403
    assert _refusal_code(response) == "IDENTITY_FEDERATION_PROVIDER_DISABLED"
    assert zhejiang.served["/authorize"] == 0
