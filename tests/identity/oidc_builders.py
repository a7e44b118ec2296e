"""Builders for the single sign-on tests (ID-2): registered clients, PKCE pairs, the authorize–consent–token steps.

The clients are registered through the real service, the steps go through the
real endpoints with Django's test client (host ``testserver``, so the issuer is
``http://testserver/o``); the end-to-end test drives the same flow with Authlib.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import secrets
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.test import Client
from django.utils import timezone
from jwcrypto import jwk, jwt

from tests.identity.factories import PersonFactory
from tongban.agencies.models import Agency
from tongban.identity.models import Enterprise, EnterpriseGrant, GrantRole, GrantScope, Person
from tongban.identity.oidc import clients
from tongban.identity.oidc.clients import RegisteredClient
from tongban.identity.services.enterprise_sessions import SESSION_KEY

ISSUER = "http://testserver/o"
REDIRECT_URI = "https://rp.example.gov.cn/callback"
LOGOUT_URI = "https://rp.example.gov.cn/logged-out"
AUTHORIZE = "/o/authorize/"
TOKEN = "/o/token/"
USERINFO = "/o/userinfo/"
LOGOUT = "/o/logout/"
JWKS = "/o/.well-known/jwks.json"
DISCOVERY = "/o/.well-known/openid-configuration"
DEMO_USCC = "91310000MA1FL0001R"
DEMO_ENTERPRISE = "上海通办示范科技有限公司"


def registered_client(*, agency: Agency | None = None, public: bool = False, name: str = "市民政局婚姻登记系统",
                      redirect_uris: list[str] | None = None) -> RegisteredClient:
    """A client registered by the platform itself, with the test redirect and logout URIs."""
    return clients.register_client(
        None, name=name, redirect_uris=redirect_uris or [REDIRECT_URI], agency=agency, public=public,
        post_logout_redirect_uris=[LOGOUT_URI],
    )


def pkce_pair() -> tuple[str, str]:
    """A fresh ``(code_verifier, code_challenge)`` for the S256 method (RFC 7636)."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_query(registered: RegisteredClient, challenge: str | None, *, scope: str = "openid profile",
                    redirect_uri: str = REDIRECT_URI, method: str = "S256", **extra: str) -> dict[str, str]:
    """The query string of an authorization request; ``challenge=None`` leaves PKCE out."""
    query = {
        "response_type": "code", "client_id": registered.client.application.client_id, "redirect_uri": redirect_uri,
        "scope": scope, "state": "state-1", "nonce": "nonce-1",
    }
    if challenge is not None:
        query.update(code_challenge=challenge, code_challenge_method=method)
    query.update(extra)
    return query


def consent_post_data(response: Any) -> dict[str, str]:
    """The consent form's hidden fields, as the browser would send them back, with "allow" pressed."""
    form = response.context["form"]
    data = {name: "" if value is None else str(value) for name, value in form.initial.items()}
    data["allow"] = "on"
    return data


def code_of(location: str) -> str:
    """The authorization code in a redirect to the client."""
    return parse_qs(urlsplit(location).query)["code"][0]


def authorize(client: Client, registered: RegisteredClient, *, scope: str = "openid profile") -> tuple[str, str]:
    """Consent as the logged-in person; returns ``(code, code_verifier)``."""
    verifier, challenge = pkce_pair()
    page = client.get(AUTHORIZE, authorize_query(registered, challenge, scope=scope))
    assert page.status_code == 200, page.content.decode()[:500]
    answer = client.post(AUTHORIZE, consent_post_data(page))
    assert answer.status_code == 302, answer.content.decode()[:500]
    return code_of(answer["Location"]), verifier


def basic_auth(registered: RegisteredClient) -> str:
    """The HTTP Basic header value of a confidential client."""
    pair = f"{registered.client.application.client_id}:{registered.client_secret}".encode()
    return "Basic " + base64.b64encode(pair).decode()


def exchange(client: Client, registered: RegisteredClient, code: str, verifier: str | None,
             *, redirect_uri: str = REDIRECT_URI) -> Any:
    """POST the code to the token endpoint as the client would (Basic auth when it has a secret)."""
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    if verifier is not None:
        data["code_verifier"] = verifier
    headers: dict[str, str] = {}
    if registered.client_secret:
        headers["HTTP_AUTHORIZATION"] = basic_auth(registered)
    else:
        data["client_id"] = registered.client.application.client_id
    return client.post(TOKEN, data, **headers)


def verified_claims(client: Client, id_token: str) -> dict[str, Any]:
    """The ID token's claims after checking its RS256 signature against the published JWKS."""
    key_set = jwk.JWKSet.from_json(client.get(JWKS).content.decode())
    token = jwt.JWT(jwt=id_token, key=key_set, algs=["RS256"])
    return json.loads(token.claims)


def person(level: int = 2, **fields: Any) -> Person:
    """A person at ``level`` with a phone and (from level 2) a registry-matched name."""
    fields.setdefault("full_name", "张伟" if level >= 2 else "")
    return PersonFactory(level=level, **fields)


def acting_grant(holder: Person, *, scope: str = GrantScope.ITEMS, values: list[str] | None = None,
                 expires_at: datetime.datetime | None = None) -> EnterpriseGrant:
    """An operator grant to ``holder`` under a legal representative's root grant of the demo enterprise."""
    representative = PersonFactory(level=2, full_name="法定代表人")
    enterprise = Enterprise.objects.create(
        uscc=DEMO_USCC, name=DEMO_ENTERPRISE, legal_representative=representative, verified_at=timezone.now(),
    )
    root = EnterpriseGrant.objects.create(
        enterprise=enterprise, person=representative, role=GrantRole.LEGAL_REPRESENTATIVE,
        scope=GrantScope.ALL_ITEMS, granted_at=timezone.now(),
    )
    return EnterpriseGrant.objects.create(
        enterprise=enterprise, person=holder, role=GrantRole.OPERATOR, scope=scope,
        scope_values=values if values is not None else ["310000000000000000000000000000000101"],
        parent=root, granted_at=timezone.now(), expires_at=expires_at,
    )


def act_for(client: Client, grant_row: EnterpriseGrant) -> None:
    """Put the session in "acting for the enterprise" as ``enterprises.act_as`` does."""
    session = client.session
    session[SESSION_KEY] = grant_row.pk
    session.save()
