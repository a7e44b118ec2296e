"""Single sign-on end to end (ID-2): Authlib's OAuth 2 client signs a person in against the running platform.

pytest-django's live server runs the platform; Authlib's ``OAuth2Session``
plays the agency's system (discovery, an authorization URL with PKCE S256,
the code exchange, userinfo); ``requests`` plays the person's browser with the
session of a person logged in on the platform. The ID token is checked the way
a relying party must: signature against the published JWKS, then issuer,
audience, expiry, nonce and at_hash (Authlib's ``CodeIDToken``).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.common.security import generate_token
from authlib.deprecate import AuthlibDeprecationWarning
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings

from tests.identity.oidc_builders import DEMO_ENTERPRISE, DEMO_USCC, LOGOUT_URI, REDIRECT_URI, act_for, acting_grant
from tests.identity.oidc_builders import person as make_person
from tongban.core.models import AuditEvent
from tongban.identity.models import GrantScope, OidcSignOn
from tongban.identity.oidc import clients

with warnings.catch_warnings():
    # Authlib 1.x announces joserfc for 2.0; authlib.jose is what relying parties built on Authlib use today.
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.jose import JsonWebKey, jwt
    from authlib.oidc.core import CodeIDToken

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


class _FormFields(HTMLParser):
    """The input fields of the page's own POST form (the one without an ``action``; not the language switch)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self._inside = (attributes.get("method") or "").lower() == "post" and "action" not in attributes
        elif tag == "input" and self._inside and attributes.get("name"):
            self.fields[str(attributes["name"])] = attributes.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False


def _form_fields(html: str) -> dict[str, str]:
    parser = _FormFields()
    parser.feed(html)
    return parser.fields


@pytest.fixture
def http_sessions(live_server: Any) -> Iterator[list[requests.Session]]:
    """Every HTTP session the test opens, closed before the live server goes, so no keep-alive thread outlives it."""
    opened: list[requests.Session] = []
    yield opened
    for session in opened:
        session.close()


def _browser_of(client: Any, opened: list[requests.Session]) -> requests.Session:
    """A browser carrying the session cookie of the person logged in through Django's test client."""
    browser = requests.Session()
    browser.cookies.set(settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)
    opened.append(browser)
    return browser


def _sign_in(browser: requests.Session, metadata: dict[str, Any], client_id: str, client_secret: str,
             scope: str, opened: list[requests.Session]) -> tuple[OAuth2Session, dict[str, Any], dict[str, Any]]:
    """One complete sign-on: returns the relying party's session, its token and the validated ID token claims."""
    relying_party = OAuth2Session(
        client_id, client_secret, scope=scope, redirect_uri=REDIRECT_URI, code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",
    )
    opened.append(relying_party)
    code_verifier, nonce = generate_token(48), generate_token(20)
    url, state = relying_party.create_authorization_url(
        metadata["authorization_endpoint"], code_verifier=code_verifier, nonce=nonce)

    # the browser arrives at the consent page and the person consents
    page = browser.get(url, allow_redirects=False)
    assert page.status_code == 200, page.headers.get("Location")
    assert "授权登录" in page.text
    fields = _form_fields(page.text)
    assert fields["code_challenge_method"] == "S256" and fields["client_id"] == client_id
    answer = browser.post(metadata["authorization_endpoint"], data={**fields, "allow": "on"}, allow_redirects=False)
    assert answer.status_code == 302, answer.text[:300]
    location = answer.headers["Location"]
    returned = parse_qs(urlsplit(location).query)
    assert location.startswith(REDIRECT_URI) and returned["state"] == [state]
    assert returned["iss"] == [metadata["issuer"]]  # RFC 9207 mix-up defence

    # the relying party exchanges the code with its verifier
    token = relying_party.fetch_token(metadata["token_endpoint"], authorization_response=location,
                                      code_verifier=code_verifier)
    assert "refresh_token" not in token

    # and validates the ID token against the published keys
    key_set = JsonWebKey.import_key_set(requests.get(metadata["jwks_uri"], timeout=10).json())
    claims = jwt.decode(
        token["id_token"], key_set, claims_cls=CodeIDToken,
        claims_options={"iss": {"essential": True, "value": metadata["issuer"]},
                        "aud": {"essential": True, "value": client_id}},
        claims_params={"nonce": nonce, "client_id": client_id, "access_token": token["access_token"]},
    )
    claims.validate()
    return relying_party, token, dict(claims)


def test_authlib_relying_party_signs_a_person_in_and_out(live_server, client, monkeypatch, http_sessions):
    """ID-2: discovery → PKCE authorization → consent → code → token → verified ID token → userinfo → logout."""
    # given the platform on the live server (plain http on localhost: demo mode) and an agency's system registered
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
    issuer = f"{live_server.url}/o"
    registered = clients.register_client(None, name="市场监管业务系统", redirect_uris=[REDIRECT_URI],
                                         post_logout_redirect_uris=[LOGOUT_URI])
    client_id = registered.client.application.client_id
    someone = make_person(level=3, full_name="李娜")
    client.force_login(someone.user)
    browser = _browser_of(client, http_sessions)

    # when the relying party reads the discovery document
    metadata = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10).json()
    assert metadata["issuer"] == issuer
    assert metadata["code_challenge_methods_supported"] == ["S256"]

    # and signs the person in
    relying_party, token, claims = _sign_in(browser, metadata, client_id, registered.client_secret,
                                            "openid profile", http_sessions)

    # then the verified ID token carries the real-name level, a pairwise subject and the name
    assert (claims["acr"], claims["real_name_level"], claims["name"]) == ("urn:tongban:level:3", 3, "李娜")
    assert len(claims["sub"]) == 64 and claims["sub"] != str(someone.user.pk)
    assert "uscc" not in claims

    # and userinfo answers the access token with the same subject
    info = relying_party.get(metadata["userinfo_endpoint"]).json()
    assert (info["sub"], info["acr"], info["name"]) == (claims["sub"], "urn:tongban:level:3", "李娜")

    # when the person, now acting for an enterprise, signs in again asking for the enterprise scope
    grant_row = acting_grant(someone, scope=GrantScope.ITEM_TYPES, values=["licensing"])
    act_for(client, grant_row)
    relying_party, token, claims = _sign_in(browser, metadata, client_id, registered.client_secret,
                                            "openid profile enterprise", http_sessions)

    # then the token names the enterprise and the grant's scope, for the same subject
    assert (claims["uscc"], claims["enterprise_name"], claims["grant_role"]) == (DEMO_USCC, DEMO_ENTERPRISE, "operator")
    assert claims["grant_scope"] == {"kind": "item_types", "values": ["licensing"]}
    assert claims["sub"] == info["sub"]
    enterprise_info = relying_party.get(metadata["userinfo_endpoint"]).json()
    assert (enterprise_info["uscc"], enterprise_info["grant_scope"]["kind"]) == (DEMO_USCC, "item_types")
    assert AuditEvent.objects.filter(action="identity.oidc.consented").count() == 2
    assert OidcSignOn.objects.filter(access_token__isnull=False).count() == 2

    # when the relying party logs the person out (RP-initiated logout) and the person confirms
    confirmation = browser.get(metadata["end_session_endpoint"], params={
        "id_token_hint": token["id_token"], "post_logout_redirect_uri": LOGOUT_URI, "state": "bye"})
    assert confirmation.status_code == 200 and "退出登录" in confirmation.text
    done = browser.post(metadata["end_session_endpoint"], data={**_form_fields(confirmation.text), "allow": "on"},
                        allow_redirects=False)

    # then the person is back at the relying party, logged out of the platform, and the tokens no longer work
    assert done.status_code == 302 and done.headers["Location"] == f"{LOGOUT_URI}?state=bye"
    again = browser.get(relying_party.create_authorization_url(
        metadata["authorization_endpoint"], code_verifier=generate_token(48))[0], allow_redirects=False)
    assert again.status_code == 302 and again.headers["Location"].startswith("/account/login/?next=")
    assert relying_party.get(metadata["userinfo_endpoint"]).status_code == 401
