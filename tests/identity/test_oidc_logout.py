"""RP-initiated logout (ID-2): a client ends the person's platform session, after the person confirms.

``/o/logout/?id_token_hint=…&post_logout_redirect_uri=…&state=…`` shows a
confirmation page in Chinese; confirming logs the person out of the platform,
deletes the tokens issued to them and returns to the client's registered URI.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from oauth2_provider.models import AccessToken, IDToken

from tests.identity.oidc_builders import (
    LOGOUT,
    LOGOUT_URI,
    authorize,
    exchange,
    person,
    registered_client,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_on(client):  # noqa: ANN001, ANN201 - test client
    """A person signed in to a client: ``(registered client, id_token)``."""
    registered = registered_client()
    client.force_login(person(level=2).user)
    code, verifier = authorize(client, registered)
    return registered, exchange(client, registered, code, verifier).json()["id_token"]


def _logged_in(client) -> bool:  # noqa: ANN001 - test client
    return "_auth_user_id" in client.session


def test_logout_asks_then_ends_the_session_and_returns_to_the_client(client, signed_on):
    """ID-2: the confirmation page names the client; confirming logs out, deletes tokens and returns with state."""
    registered, id_token = signed_on
    query = {"id_token_hint": id_token, "post_logout_redirect_uri": LOGOUT_URI, "state": "bye"}

    # when the client sends the person to the logout endpoint
    page = client.get(LOGOUT, query)

    # then the person is asked first, and is still logged in
    assert page.status_code == 200
    assert "“市民政局婚姻登记系统”请求退出您在一网通办平台的登录" in page.content.decode()
    assert _logged_in(client)

    # when the person confirms
    form = page.context["form"]
    data = {name: value or "" for name, value in form.initial.items()} | {"allow": "on"}
    response = client.post(LOGOUT, data)

    # then the platform session has ended, the tokens are gone, and the person is back at the client with the state
    location = urlsplit(response["Location"])
    assert response.status_code == 302
    assert f"{location.scheme}://{location.netloc}{location.path}" == LOGOUT_URI
    assert parse_qs(location.query) == {"state": ["bye"]}
    assert not _logged_in(client)
    assert (AccessToken.objects.count(), IDToken.objects.count()) == (0, 0)
    assert registered.client.application.client_id  # the client itself stays registered


def test_logout_cancelled_keeps_the_session(client, signed_on):
    """ID-2: pressing "取消" keeps the person logged in and the tokens valid."""
    _registered, id_token = signed_on
    page = client.get(LOGOUT, {"id_token_hint": id_token, "post_logout_redirect_uri": LOGOUT_URI})

    # when the person cancels
    data = {name: value or "" for name, value in page.context["form"].initial.items()}
    response = client.post(LOGOUT, data)

    # then the person is told so, and nothing ended
    assert response.status_code == 400
    assert "您已取消退出，仍保持登录状态" in response.content.decode()
    assert _logged_in(client)
    assert AccessToken.objects.count() == 1


def test_logout_to_an_unregistered_address_is_refused(client, signed_on):
    """ID-2: a post-logout redirect URI the client did not register is refused; the session stays."""
    _registered, id_token = signed_on

    # when the logout names another address
    response = client.get(LOGOUT, {"id_token_hint": id_token, "post_logout_redirect_uri": "https://attacker.example/"})

    # then the platform refuses, shows why, and does not log out
    assert response.status_code == 400
    assert "退出请求无效，平台未执行退出" in response.content.decode()
    assert _logged_in(client)
    assert AccessToken.objects.count() == 1
