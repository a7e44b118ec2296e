"""Single sign-on (ID-2): discovery, JWKS, the consent page and the authorization code flow with PKCE.

Driven with Django's test client (issuer ``http://testserver/o``); the ID
token's signature is checked against the published JWKS every time.
"""

from __future__ import annotations

import json
import re

import pytest
from oauth2_provider.models import AccessToken, Grant, IDToken, RefreshToken

from tests.factories import AgencyFactory
from tests.identity.oidc_builders import (
    AUTHORIZE,
    DEMO_ENTERPRISE,
    DEMO_USCC,
    DISCOVERY,
    ISSUER,
    JWKS,
    USERINFO,
    act_for,
    acting_grant,
    authorize,
    authorize_query,
    exchange,
    person,
    pkce_pair,
    registered_client,
    verified_claims,
)
from tongban.core.identifiers import mask_phone
from tongban.core.models import AuditEvent
from tongban.identity.models import GrantScope, OidcSignOn
from tongban.identity.oidc.claims import AUTHENTICATION_METHODS_SESSION_KEY

pytestmark = pytest.mark.django_db


def _tokens(client, registered, scope: str = "openid profile") -> dict:  # noqa: ANN001 - test client
    code, verifier = authorize(client, registered, scope=scope)
    response = exchange(client, registered, code, verifier)
    assert response.status_code == 200, response.content
    return response.json()


def test_discovery_names_the_issuer_and_states_the_policy(client):
    """ID-2: discovery at <issuer>/.well-known/openid-configuration: code flow, S256 PKCE, RS256, pairwise subjects."""
    # when a relying party reads the discovery document
    document = client.get(DISCOVERY).json()

    # then the issuer is <site>/o and every endpoint lies under it
    assert document["issuer"] == ISSUER
    assert document["authorization_endpoint"] == f"{ISSUER}/authorize/"
    assert document["token_endpoint"] == f"{ISSUER}/token/"
    assert document["userinfo_endpoint"] == f"{ISSUER}/userinfo/"
    assert document["jwks_uri"] == f"{ISSUER}/.well-known/jwks.json"
    assert document["end_session_endpoint"] == f"{ISSUER}/logout/"
    # and only what the platform does is offered
    assert document["response_types_supported"] == ["code"]
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert document["id_token_signing_alg_values_supported"] == ["RS256"]
    assert document["subject_types_supported"] == ["pairwise"]
    assert document["scopes_supported"] == ["openid", "profile", "phone", "enterprise"]
    assert document["acr_values_supported"] == [f"urn:tongban:level:{level}" for level in range(5)]
    assert document["claims_supported"] == sorted([
        "acr", "amr", "enterprise_name", "grant_role", "grant_scope", "name", "phone_number",
        "phone_number_verified", "real_name_level", "sub", "uscc",
    ])


def test_jwks_publishes_only_the_public_signing_key(client):
    """ID-2: the JWKS holds one RS256 public key; its kid is the one ID tokens name."""
    # when the key set is read
    keys = client.get(JWKS).json()["keys"]

    # then it is one public RSA key, without any private part
    assert len(keys) == 1
    assert (keys[0]["kty"], keys[0]["alg"], keys[0]["use"]) == ("RSA", "RS256", "sig")
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(keys[0])


def test_anonymous_visitor_is_sent_to_the_applicant_login_page(client):
    """ID-2: the authorize endpoint sends a visitor to /account/login/ (not the staff login), coming back afterwards."""
    # given a registered client and nobody logged in
    registered = registered_client()
    query = authorize_query(registered, pkce_pair()[1])

    # when the relying party sends the visitor to the authorization endpoint
    response = client.get(AUTHORIZE, query)

    # then the visitor is sent to the applicant login page with next pointing back, and no code exists
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/?next=/o/authorize/%3F")
    assert Grant.objects.count() == 0


def test_consent_page_shows_the_agency_the_scopes_and_the_data_shared(client):
    """ID-2, SEC-4: the consent page names the agency and its system and lists exactly what will be shared."""
    # given a client of the civil affairs bureau and a level-2 person with a phone
    agency = AgencyFactory(name="上海市民政局")
    registered = registered_client(agency=agency)
    someone = person(level=2)
    client.force_login(someone.user)

    # when the person arrives at the authorization endpoint asking for profile and phone
    response = client.get(AUTHORIZE, authorize_query(registered, pkce_pair()[1], scope="openid profile phone"))

    # then the page names the agency and the system, the requested permissions and the values shared
    page = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "上海市民政局的“市民政局婚姻登记系统”请求使用您的一网通办账号登录" in page
    assert "您的姓名（实名核验通过后）" in page and "您的手机号码" in page
    shared = {item.label: item.value for item in response.context["shared_items"]}
    assert shared == {
        "平台账号标识": "仅供该接入单位使用的匿名编号，不含您的证件号码",
        "实名等级": "L2",
        "姓名": "张伟",
        "手机号码": mask_phone(someone.phone),
    }
    assert someone.phone not in page
    # and nothing is issued before the person decides
    assert Grant.objects.count() == 0


def test_code_flow_issues_a_signed_id_token_with_level_name_and_pairwise_subject(client):
    """ID-2: consent → code → token with the verifier → an RS256 ID token with sub, acr, level, name and amr."""
    # given a level-2 person who logged in by SMS code, and a registered client
    registered = registered_client()
    someone = person(level=2)
    client.force_login(someone.user)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = ["sms"]
    session.save()

    # when the flow completes
    tokens = _tokens(client, registered)

    # then the ID token verifies against the JWKS and carries the person's level and name
    claims = verified_claims(client, tokens["id_token"])
    assert claims["iss"] == ISSUER
    assert claims["aud"] == registered.client.application.client_id
    assert claims["nonce"] == "nonce-1"
    assert (claims["acr"], claims["real_name_level"], claims["name"], claims["amr"]) == (
        "urn:tongban:level:2", 2, "张伟", ["sms"])
    assert re.fullmatch(r"[0-9a-f]{64}", claims["sub"]) and claims["sub"] != str(someone.user.pk)
    assert "phone_number" not in claims  # the phone scope was not asked for
    assert claims["exp"] - claims["iat"] == 3600
    # and an access token of one hour, but no refresh token, is issued
    assert (tokens["expires_in"], "refresh_token" in tokens) == (3600, False)
    assert RefreshToken.objects.count() == 0
    # and the consent is audited with the client and the scopes
    event = AuditEvent.objects.get(action="identity.oidc.consented")
    assert (event.actor_id, event.data["client_id"], event.data["scopes"]) == (
        someone.user.pk, registered.client.application.client_id, ["openid", "profile"])


def test_name_is_released_only_from_level_two(client):
    """ID-2: a self-declared name at level 1 is not released; acr says level 1."""
    # given a level-1 person who typed a name
    registered = registered_client()
    someone = person(level=1, full_name="自报姓名")
    client.force_login(someone.user)

    # when the flow completes with the profile scope
    claims = verified_claims(client, _tokens(client, registered)["id_token"])

    # then no name is released
    assert (claims["acr"], claims["real_name_level"], "name" in claims, "amr" in claims) == (
        "urn:tongban:level:1", 1, False, False)


def test_subject_is_stable_per_agency_and_different_across_agencies(client):
    """ID-2, SEC-4: one agency's systems see the same sub; another agency's system sees an unrelated one."""
    # given two clients of one agency and one of another
    civil, education = AgencyFactory(), AgencyFactory()
    first, second = registered_client(agency=civil, name="甲"), registered_client(agency=civil, name="乙")
    elsewhere = registered_client(agency=education, name="丙")
    someone = person(level=2)
    client.force_login(someone.user)

    # when the person signs in to each, and to the first twice
    subjects = [verified_claims(client, _tokens(client, registered)["id_token"])["sub"]
                for registered in (first, first, second, elsewhere)]

    # then the sub repeats within the agency and differs outside it
    assert subjects[0] == subjects[1] == subjects[2]
    assert subjects[3] != subjects[0]


def test_phone_scope_releases_the_verified_phone(client):
    """ID-2: the phone scope releases the phone number in E.164 form, verified from level 1."""
    # given a level-1 person
    registered = registered_client()
    someone = person(level=1)
    client.force_login(someone.user)

    # when the flow completes with the phone scope
    claims = verified_claims(client, _tokens(client, registered, scope="openid phone")["id_token"])

    # then the phone is released, and nothing from the profile scope
    assert (claims["phone_number"], claims["phone_number_verified"]) == (f"+86{someone.phone}", True)
    assert "name" not in claims


def test_acting_for_an_enterprise_puts_the_uscc_and_grant_scope_in_the_token_and_userinfo(client):
    """ID-2, ID-4: acting for an enterprise, the ID token and userinfo carry the USCC, role and grant scope."""
    # given a person acting for the demo enterprise under an operator grant limited to one item
    registered = registered_client()
    someone = person(level=2)
    grant_row = acting_grant(someone, scope=GrantScope.ITEMS, values=["ITEM-0001"])
    client.force_login(someone.user)
    act_for(client, grant_row)

    # when the consent page is shown, it says so
    page = client.get(AUTHORIZE, authorize_query(registered, pkce_pair()[1], scope="openid enterprise"))
    assert f"您当前代表企业“{DEMO_ENTERPRISE}”（统一社会信用代码 {DEMO_USCC}）办事" in page.content.decode()

    # and when the flow completes with the enterprise scope
    tokens = _tokens(client, registered, scope="openid profile enterprise")

    # then the ID token names the enterprise and the grant
    claims = verified_claims(client, tokens["id_token"])
    expected = {"uscc": DEMO_USCC, "enterprise_name": DEMO_ENTERPRISE, "grant_role": "operator",
                "grant_scope": {"kind": "items", "values": ["ITEM-0001"]}}
    assert {name: claims[name] for name in expected} == expected
    # and so does the userinfo answer, with the same subject
    info = client.get(USERINFO, HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}").json()
    assert {name: info[name] for name in expected} == expected
    assert (info["sub"], info["acr"], info["name"]) == (claims["sub"], "urn:tongban:level:2", "张伟")
    # and the consent's audit event records the enterprise acted for
    event = AuditEvent.objects.get(action="identity.oidc.consented")
    assert (event.data["acting_for"], event.data["grant_id"]) == (DEMO_USCC, grant_row.pk)
    # and the sign-on context moved from the spent code onto the access token
    sign_on = OidcSignOn.objects.get()
    assert (sign_on.grant_id, sign_on.access_token_id, sign_on.enterprise_grant_id) == (
        None, AccessToken.objects.get().pk, grant_row.pk)


def test_enterprise_claims_need_the_enterprise_scope(client):
    """ID-2: without the enterprise scope the token says nothing about the enterprise acted for."""
    # given a person acting for an enterprise
    registered = registered_client()
    someone = person(level=2)
    client.force_login(someone.user)
    act_for(client, acting_grant(someone))

    # when the client asks only for openid and profile
    claims = verified_claims(client, _tokens(client, registered)["id_token"])

    # then no enterprise claim is released
    assert not {"uscc", "enterprise_name", "grant_role", "grant_scope"} & set(claims)


def test_a_grant_revoked_after_consent_is_not_put_in_the_token(client):
    """ID-2, ID-4: revoking the grant (here its parent) between consent and token leaves the enterprise out."""
    # given a person who consented while acting for an enterprise
    registered = registered_client()
    someone = person(level=2)
    grant_row = acting_grant(someone)
    client.force_login(someone.user)
    act_for(client, grant_row)
    code, verifier = authorize(client, registered, scope="openid enterprise")

    # when the legal representative's root grant is revoked before the code is exchanged
    root = grant_row.parent
    root.revoked_at = root.granted_at
    root.save(update_fields=["revoked_at"])
    claims = verified_claims(client, exchange(client, registered, code, verifier).json()["id_token"])

    # then the token is issued for the person alone
    assert "uscc" not in claims and claims["acr"] == "urn:tongban:level:2"


def test_userinfo_needs_a_valid_access_token(client):
    """ID-2: userinfo answers a bearer token of the openid scope and refuses anything else."""
    # given tokens issued to a client
    registered = registered_client()
    client.force_login(person(level=2).user)
    tokens = _tokens(client, registered)

    # when userinfo is asked without, with a wrong and with the right token
    missing = client.get(USERINFO)
    wrong = client.get(USERINFO, HTTP_AUTHORIZATION="Bearer not-a-token")
    right = client.get(USERINFO, HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")

    # then only the right token is answered
    assert (missing.status_code, wrong.status_code, right.status_code) == (401, 401, 200)
    assert json.loads(right.content)["name"] == "张伟"


def test_tokens_are_stored_hashed(client):
    """SEC-4: the access token itself is not stored, only its checksum (RFC 9700 token storage)."""
    # given an issued access token
    registered = registered_client()
    client.force_login(person(level=2).user)
    tokens = _tokens(client, registered)

    # then the database holds no copy of it
    stored = AccessToken.objects.get()
    assert stored.token == "" and stored.token_checksum != tokens["access_token"]
    assert IDToken.objects.count() == 1
