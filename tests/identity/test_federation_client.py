"""The relying party's HTTP side and the login flow (ID-5) against a real provider in a background thread.

No Django live server here: the test calls ``client`` and ``flow`` directly
and plays the browser's part by following the provider's redirect itself.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.cache import cache
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

from tests.federation_provider import RegionProvider, s256
from tests.identity.factories import make_resident_id
from tongban.core.errors import TongbanError
from tongban.identity.federation import client, flow, services
from tongban.identity.models import ExternalIdentity, ExternalProvider, Person

pytestmark = pytest.mark.django_db

NUMBER = make_resident_id(501, region="320102")  # a Nanjing resident
CALLBACK = "https://tongban.example/account/federation/jiangsu/callback/"


@pytest.fixture
def region() -> Iterator[RegionProvider]:
    cache.clear()
    with RegionProvider(user={"sub": "js-1", "name": "李四", "id_number": NUMBER, "acr": "2"}) as started:
        started.redirect_uris.add(CALLBACK)
        yield started
    cache.clear()


@pytest.fixture
def provider(region: RegionProvider) -> ExternalProvider:
    return services.create_provider(
        None, slug="jiangsu", name="江苏政务服务网", issuer=region.issuer, client_id=region.client_id,
        client_secret=region.client_secret, scopes="openid profile",
        id_number_claim="id_number", name_claim="name", level_claim="acr",
    )


def _base64url(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


def signed(region: RegionProvider, **claims: Any) -> str:
    return region.id_token({"sub": "js-1", **claims}, nonce="n")


def test_discovery_and_jwks_are_cached_per_provider_id_5(region, provider):
    """ID-5: within five minutes the platform asks the provider's discovery and JWKS once."""
    # when the platform verifies three tokens
    for _ in range(3):
        assert client.verify_id_token(provider, signed(region))["sub"] == "js-1"

    # then discovery and JWKS were fetched once each
    assert (region.served["/.well-known/openid-configuration"], region.served["/jwks"]) == (1, 1)


def test_cache_expires_after_five_minutes_id_5(region, provider, fixed_clock):
    """ID-5: after :data:`client.CACHE_SECONDS` the discovery document is fetched again."""
    # given the document fetched and cached
    client.discover(provider)
    client.discover(provider)
    assert region.served["/.well-known/openid-configuration"] == 1

    # when five minutes have passed
    fixed_clock.shift(client.CACHE_SECONDS + 1)
    client.discover(provider)

    # then the provider was asked again
    assert region.served["/.well-known/openid-configuration"] == 2


def test_rotated_key_is_fetched_once_more_id_5(region, provider):
    """ID-5: a token under a key id the cached JWKS lacks makes the platform refetch the JWKS, once."""
    # given the JWKS cached with the first key
    client.verify_id_token(provider, signed(region))

    # when the provider rotates to a new key and signs with it
    region.signing_key = RSAKey.generate_key(2048, parameters={"kid": "region-key-2", "use": "sig", "alg": "RS256"})
    token = jwt.encode({"alg": "RS256", "kid": "region-key-2"}, {"sub": "js-1"}, region.signing_key)

    # then the token verifies after one more JWKS fetch
    assert client.verify_id_token(provider, token)["sub"] == "js-1"
    assert region.served["/jwks"] == 2


def test_rogue_key_under_the_published_key_id_is_refused_id_5(region, provider):
    """ID-5: a signature by a key the provider does not publish is refused, even under its key id."""
    # given a provider signing with a key it does not publish
    region.sign_with_rogue_key = True

    # when the platform checks such a token
    with pytest.raises(TongbanError) as refusal:
        client.verify_id_token(provider, signed(region))

    # then it is refused
    assert refusal.value.code == "IDENTITY_FEDERATION_TOKEN_SIGNATURE_INVALID"


@pytest.mark.parametrize("kind", ["none", "hs256_with_client_secret", "garbage", "unknown_kid"])
def test_unsigned_symmetric_or_malformed_tokens_are_refused_id_5(region, provider, kind):
    """ID-5: ``alg: none``, an HMAC with the client secret, junk, or a key id nobody publishes are refused."""
    # given a token of that kind
    if kind == "none":
        token = _base64url('{"alg":"none"}') + "." + _base64url('{"sub":"js-1"}') + "."
    elif kind == "hs256_with_client_secret":
        token = jwt.encode({"alg": "HS256"}, {"sub": "js-1"}, OctKey.import_key(region.client_secret.encode() * 2))
    elif kind == "garbage":
        token = "not.a.token"
    else:
        other = RSAKey.generate_key(2048, parameters={"kid": "nobody"})
        token = jwt.encode({"alg": "RS256", "kid": "nobody"}, {"sub": "js-1"}, other)

    # when the platform checks it
    with pytest.raises(TongbanError) as refusal:
        client.verify_id_token(provider, token)

    # then it is refused as a bad signature
    assert refusal.value.code == "IDENTITY_FEDERATION_TOKEN_SIGNATURE_INVALID"


def test_discovery_naming_another_issuer_is_refused_id_5(region, provider):
    """ID-5: a discovery document must name exactly the configured issuer (OIDC Discovery §4.3)."""
    # given a configured issuer that differs from the document's by a trailing slash
    ExternalProvider.objects.filter(pk=provider.pk).update(issuer=region.issuer + "/")
    provider.refresh_from_db()

    # when the platform reads the discovery document
    with pytest.raises(TongbanError) as refusal:
        client.discover(provider)

    # then it is refused
    assert refusal.value.code == "IDENTITY_FEDERATION_PROVIDER_METADATA_INVALID"


def test_unreachable_provider_is_reported_id_5(region, provider):
    """ID-5: a provider that does not answer gives a clear refusal, not a crash."""
    # given a provider that is down
    region.stop()

    # when the platform asks it for its configuration
    with pytest.raises(TongbanError) as refusal:
        client.discover(provider)

    # then the refusal says it cannot be reached
    assert refusal.value.code == "IDENTITY_FEDERATION_PROVIDER_UNREACHABLE"


def _approve(url: str) -> dict[str, str]:
    """Play the browser at the provider: follow the authorization URL, return the callback's query."""
    response = requests.get(url, allow_redirects=False, timeout=10)
    assert response.status_code == 302
    return {name: values[0] for name, values in parse_qs(urlsplit(response.headers["Location"]).query).items()}


def test_flow_logs_in_once_per_state_id_5(region, provider):
    """ID-5: begin → provider → finish logs the person in; the same state cannot be used twice."""
    # given a session and a started login
    session: dict[str, Any] = {}
    url = flow.begin_login(session, provider, redirect_uri=CALLBACK, next_url="/items/")
    pending = next(iter(session[flow.SESSION_KEY].values()))
    query = parse_qs(urlsplit(url).query)
    assert query["code_challenge"] == [s256(pending["code_verifier"])]
    assert query["nonce"] == [pending["nonce"]] and query["state"] == [pending["state"]]

    # when the provider approves and the callback is finished
    answer = _approve(url)
    person, finished = flow.finish_login(session, provider, state=answer["state"], code=answer["code"])

    # then the person is created and the pending login is gone
    assert (person.full_name, finished.next_url) == ("李四", "/items/")
    assert session[flow.SESSION_KEY] == {}
    # and a replay of the same answer is refused before the provider is asked again
    with pytest.raises(TongbanError) as refusal:
        flow.finish_login(session, provider, state=answer["state"], code=answer["code"])
    assert refusal.value.code == "IDENTITY_FEDERATION_STATE_INVALID"
    assert region.served["/token"] == 1


def test_provider_error_answer_is_refused_id_5(region, provider):
    """ID-5: ``error=access_denied`` from the provider ends the login with its description."""
    # given a started login
    session: dict[str, Any] = {}
    flow.begin_login(session, provider, redirect_uri=CALLBACK)
    state = next(iter(session[flow.SESSION_KEY]))

    # when the provider answers with an error
    with pytest.raises(TongbanError) as refusal:
        flow.finish_login(session, provider, state=state, code="", error="access_denied",
                          error_description="用户取消了授权")

    # then the login ends with the provider's reason and nothing was created
    assert refusal.value.code == "IDENTITY_FEDERATION_PROVIDER_REFUSED"
    assert "用户取消了授权" in refusal.value.message
    assert Person.objects.count() == 0


def test_wrong_code_verifier_or_reused_code_fails_at_the_provider_id_5(region, provider):
    """ID-5: the provider checks PKCE; a code exchanged with another verifier is refused and creates nothing."""
    # given an approved login whose stored verifier was replaced (a stolen code used from another session)
    session: dict[str, Any] = {}
    answer = _approve(flow.begin_login(session, provider, redirect_uri=CALLBACK))
    session[flow.SESSION_KEY][answer["state"]]["code_verifier"] = "x" * 64

    # when the platform exchanges the code
    with pytest.raises(TongbanError) as refusal:
        flow.finish_login(session, provider, state=answer["state"], code=answer["code"])

    # then the provider refuses the grant and nothing is created
    assert refusal.value.code == "IDENTITY_FEDERATION_TOKEN_EXCHANGE_FAILED"
    assert region.token_errors == ["invalid_grant"]
    assert (Person.objects.count(), ExternalIdentity.objects.count()) == (0, 0)


def test_pending_login_expires_after_ten_minutes_id_5(region, provider, fixed_clock):
    """ID-5: a state older than ten minutes is refused."""
    # given a login the provider approved
    session: dict[str, Any] = {}
    answer = _approve(flow.begin_login(session, provider, redirect_uri=CALLBACK))

    # when the browser comes back more than ten minutes later
    fixed_clock.shift(flow.PENDING_SECONDS + 1)
    with pytest.raises(TongbanError) as refusal:
        flow.finish_login(session, provider, state=answer["state"], code=answer["code"])

    # then the state is no longer accepted and the code was never redeemed
    assert refusal.value.code == "IDENTITY_FEDERATION_STATE_INVALID"
    assert region.served["/token"] == 0


def test_state_of_another_provider_is_refused_id_5(region, provider):
    """ID-5: a state issued for one provider cannot finish a login at another."""
    # given a login started at Jiangsu and another provider
    other = services.create_provider(
        None, slug="anhui", name="安徽政务服务网", issuer="https://id.ahzwfw.example.gov.cn", client_id="x",
        client_secret="y", scopes="openid", id_number_claim="id_number", name_claim="name", level_claim="acr",
    )
    session: dict[str, Any] = {}
    flow.begin_login(session, provider, redirect_uri=CALLBACK)
    state = next(iter(session[flow.SESSION_KEY]))

    # when the state is presented at the other provider's callback
    with pytest.raises(TongbanError) as refusal:
        flow.take_pending(session, other, state)

    # then it is refused
    assert refusal.value.code == "IDENTITY_FEDERATION_STATE_INVALID"


def test_only_the_newest_pending_logins_are_kept_id_5(region, provider):
    """ID-5: a session keeps at most five started logins (several tabs), the newest ones."""
    # when seven logins are started in one session
    session: dict[str, Any] = {}
    states = []
    for _ in range(flow.MAXIMUM_PENDING + 2):
        flow.begin_login(session, provider, redirect_uri=CALLBACK)
        states.append(list(session[flow.SESSION_KEY])[-1])

    # then the five newest are kept
    assert sorted(session[flow.SESSION_KEY]) == sorted(states[-flow.MAXIMUM_PENDING:])


def test_unknown_and_disabled_providers_are_refused_id_5(provider):
    """ID-5: the start URL of a provider that does not exist or is disabled leads nowhere."""
    # when an unknown slug is asked for, and a disabled provider's
    with pytest.raises(TongbanError) as unknown:
        flow.provider_by_slug("nowhere")
    services.set_provider_enabled(None, provider, enabled=False)
    with pytest.raises(TongbanError) as disabled:
        flow.provider_by_slug("jiangsu")

    # then each is refused with its own code
    assert (unknown.value.code, disabled.value.code) == (
        "IDENTITY_FEDERATION_PROVIDER_UNKNOWN", "IDENTITY_FEDERATION_PROVIDER_DISABLED"
    )
