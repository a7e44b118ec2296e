"""Single sign-on refusals (ID-2): each bad request is refused with a reason and issues nothing.

Wrong redirect URI, missing or "plain" PKCE, a wrong verifier, a reused or
expired code, a wrong secret, a disabled client, an implicit-flow request, a
refused consent, ``prompt=none``, a disabled account: no code, no token.
"""

from __future__ import annotations

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from oauth2_provider.models import AccessToken, Grant, IDToken

from tests.identity.oidc_builders import (
    AUTHORIZE,
    REDIRECT_URI,
    TOKEN,
    authorize,
    authorize_query,
    consent_post_data,
    exchange,
    person,
    pkce_pair,
    registered_client,
)
from tongban.core.models import AuditEvent
from tongban.identity.models import OidcSignOn
from tongban.identity.oidc import clients

pytestmark = pytest.mark.django_db


def _error_redirect(response) -> dict[str, list[str]]:  # noqa: ANN001 - test response
    """The OAuth error parameters of a redirect back to the client (which must be the registered URI)."""
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    parameters = parse_qs(location.query)
    assert "code" not in parameters
    return parameters


def _nothing_issued() -> None:
    assert (Grant.objects.count(), AccessToken.objects.count(), IDToken.objects.count()) == (0, 0, 0)


@pytest.fixture
def signed_in(client):  # noqa: ANN001, ANN201 - test client
    """A registered client and a logged-in level-2 person."""
    registered = registered_client()
    client.force_login(person(level=2).user)
    return registered


def test_wrong_redirect_uri_is_refused_without_redirecting(client, signed_in):
    """ID-2: an unregistered redirect URI gets an error page (never a redirect to it) and no code."""
    # when the request names a redirect URI the client did not register
    response = client.get(AUTHORIZE, authorize_query(signed_in, pkce_pair()[1],
                                                     redirect_uri="https://attacker.example/callback"))

    # then the platform shows the error itself, in Chinese, and issues nothing
    assert response.status_code == 400
    assert "Location" not in response
    assert "该接入系统发出的登录请求不正确，平台已拒绝" in response.content.decode()
    _nothing_issued()


def test_consent_post_with_a_tampered_redirect_uri_issues_no_code(client, signed_in):
    """ID-2: changing the redirect URI in the consent form's hidden field is refused at the POST as well."""
    # given the consent page
    page = client.get(AUTHORIZE, authorize_query(signed_in, pkce_pair()[1]))
    data = consent_post_data(page)

    # when the hidden redirect URI is changed before consenting
    data["redirect_uri"] = "https://attacker.example/callback"
    response = client.post(AUTHORIZE, data)

    # then no code is issued and nothing is sent to the other address
    assert response.status_code == 400
    assert "attacker.example" not in response.get("Location", "")
    _nothing_issued()


def test_missing_pkce_is_refused(client, signed_in):
    """ID-2: an authorization request without a code challenge is refused (invalid_request), no code."""
    # when the request carries no PKCE challenge
    response = client.get(AUTHORIZE, authorize_query(signed_in, None))

    # then the client is told why and nothing is issued
    parameters = _error_redirect(response)
    assert parameters["error"] == ["invalid_request"]
    assert parameters["error_description"] == ["Code challenge required."]
    assert parameters["state"] == ["state-1"]
    _nothing_issued()


@pytest.mark.parametrize("method", ["plain", ""])
def test_pkce_other_than_s256_is_refused_before_the_consent_page(client, signed_in, method):
    """ID-2: "plain" PKCE (or a challenge without a method, which means plain) is refused at once."""
    # when the challenge uses the plain method (or names none)
    verifier, _challenge = pkce_pair()
    query = authorize_query(signed_in, verifier, method=method)
    if not method:
        del query["code_challenge_method"]
    response = client.get(AUTHORIZE, query)

    # then it is refused before any consent page
    parameters = _error_redirect(response)
    assert parameters["error"] == ["invalid_request"]
    assert parameters["error_description"] == ['Only the "S256" code_challenge_method is supported.']
    _nothing_issued()


def test_wrong_code_verifier_is_refused_at_the_token_endpoint(client, signed_in):
    """ID-2: a code exchanged with another verifier (or none) gets no token."""
    # given a code issued for one verifier
    code, _verifier = authorize(client, signed_in)

    # when it is exchanged with another verifier, and with none
    wrong = exchange(client, signed_in, code, pkce_pair()[0])
    missing = exchange(client, signed_in, code, None)

    # then both are refused and no token exists
    assert (wrong.status_code, wrong.json()) == (400, {"error": "invalid_grant"})
    assert (missing.status_code, missing.json()["error"]) == (400, "invalid_request")
    assert (AccessToken.objects.count(), IDToken.objects.count()) == (0, 0)


def test_reused_authorization_code_is_refused(client, signed_in):
    """ID-2: a code works once; the second exchange is refused and issues nothing more."""
    # given a code exchanged once
    code, verifier = authorize(client, signed_in)
    assert exchange(client, signed_in, code, verifier).status_code == 200

    # when the same code is exchanged again
    again = exchange(client, signed_in, code, verifier)

    # then it is refused, and still only one token exists
    assert (again.status_code, again.json()) == (400, {"error": "invalid_grant"})
    assert (AccessToken.objects.count(), IDToken.objects.count(), Grant.objects.count()) == (1, 1, 0)


def test_expired_authorization_code_is_refused(client, signed_in, fixed_clock):
    """ID-2: a code lives 60 seconds."""
    # given a code
    code, verifier = authorize(client, signed_in)

    # when it is exchanged after 61 seconds
    fixed_clock.shift(datetime.timedelta(seconds=61))
    response = exchange(client, signed_in, code, verifier)

    # then it is refused
    assert (response.status_code, response.json()) == (400, {"error": "invalid_grant"})
    assert AccessToken.objects.count() == 0


def test_wrong_client_secret_is_refused(client, signed_in):
    """ID-2: a confidential client must authenticate with its secret."""
    # given a code
    code, verifier = authorize(client, signed_in)

    # when the client presents a wrong secret
    response = client.post(TOKEN, {
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI, "code_verifier": verifier,
        "client_id": signed_in.client.application.client_id, "client_secret": "wrong",
    })

    # then it is refused as an unauthenticated client
    assert (response.status_code, response.json()) == (401, {"error": "invalid_client"})
    assert AccessToken.objects.count() == 0


def test_implicit_flow_is_refused(client, signed_in):
    """ID-2: only the authorization code flow exists; response_type=token is refused."""
    # when the client asks for tokens in the redirect
    response = client.get(AUTHORIZE, authorize_query(signed_in, pkce_pair()[1], response_type="token"))

    # then it is refused
    assert _error_redirect(response)["error"] == ["unauthorized_client"]
    _nothing_issued()


def test_refused_consent_issues_nothing(client, signed_in):
    """ID-2: pressing "拒绝" sends the person back with access_denied; no code, no audit of a consent."""
    # given the consent page
    page = client.get(AUTHORIZE, authorize_query(signed_in, pkce_pair()[1]))
    data = consent_post_data(page)

    # when the person refuses
    del data["allow"]
    response = client.post(AUTHORIZE, data)

    # then the client learns it was refused and nothing was issued or recorded
    assert _error_redirect(response)["error"] == ["access_denied"]
    _nothing_issued()
    assert (OidcSignOn.objects.count(), AuditEvent.objects.filter(action="identity.oidc.consented").count()) == (0, 0)


def test_prompt_none_gets_consent_required(client, signed_in):
    """ID-2: the platform never signs in silently: prompt=none from a logged-in person gets consent_required."""
    # when the client asks for a silent sign-in
    response = client.get(AUTHORIZE, authorize_query(signed_in, pkce_pair()[1], prompt="none"))

    # then it is told consent is required
    assert _error_redirect(response)["error"] == ["consent_required"]
    _nothing_issued()


def test_prompt_none_without_a_session_gets_login_required(client):
    """ID-2: prompt=none from a visitor who is not logged in gets login_required, not the login page."""
    # given a client and nobody logged in
    registered = registered_client()

    # when the client asks for a silent sign-in
    response = client.get(AUTHORIZE, authorize_query(registered, pkce_pair()[1], prompt="none"))

    # then it is told a login is required
    assert _error_redirect(response)["error"] == ["login_required"]
    _nothing_issued()


def test_disabled_client_is_refused_everywhere(client, signed_in):
    """ID-2: once disabled, a client gets no consent page and cannot exchange a code it already holds."""
    # given a code the client obtained before being disabled
    code, verifier = authorize(client, signed_in)
    clients.disable_client(None, signed_in.client, "停止接入")

    # when it starts a new sign-in, and exchanges the old code
    page = client.get(AUTHORIZE, authorize_query(signed_in, pkce_pair()[1]))
    token = exchange(client, signed_in, code, verifier)

    # then both are refused and nothing is issued
    assert page.status_code == 400
    assert token.status_code == 401
    _nothing_issued()


def test_disabled_account_gets_no_token(client, signed_in):
    """ID-2: an account disabled between consent and exchange gets no token."""
    # given a code issued to a person
    code, verifier = authorize(client, signed_in)
    user = Grant.objects.get().user

    # when the account is disabled before the exchange
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = exchange(client, signed_in, code, verifier)

    # then the code is refused
    assert (response.status_code, response.json()) == (400, {"error": "invalid_grant"})
    assert AccessToken.objects.count() == 0
