"""The platform as a relying party of another region's OpenID Connect provider (ID-5, YRD-1): the HTTP side.

Discovery (``<issuer>/.well-known/openid-configuration``) and the provider's
JWKS are fetched with ``requests`` and cached per provider for
:data:`CACHE_SECONDS`; an ID token signed with a key id the cached JWKS does not
know triggers one fresh fetch, so a provider's key rotation is picked up at
once. The authorization request (state, nonce, PKCE S256) and the token
exchange go through Authlib's ``OAuth2Session``; ID-token signatures are
checked with joserfc, the JOSE library Authlib itself moved to (``authlib.jose``
is deprecated since Authlib 1.7). Only asymmetric algorithms are accepted: an
unsigned token (``alg: none``) or one signed with the client secret is refused.

Everything here only fetches and verifies; the claims' meaning (issuer,
audience, expiry, nonce, ID number) is judged by
:func:`tongban.identity.federation.services.complete_login`.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from django.core.cache import cache
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from tongban.core import crypto
from tongban.core.errors import TongbanError
from tongban.identity.errors import IdentityError
from tongban.identity.models import ExternalProvider

CACHE_SECONDS = 300
HTTP_TIMEOUT_SECONDS = 10
# Asymmetric signatures only: HS* would make the client secret a signing key, "none" no signature at all.
ALLOWED_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
SECRET_CONTEXT = "federation.client_secret"
DISCOVERY_PATH = "/.well-known/openid-configuration"
REQUIRED_ENDPOINTS = ("authorization_endpoint", "token_endpoint", "jwks_uri")


@dataclass(frozen=True)
class ProviderMetadata:
    """The parts of a provider's discovery document the platform uses."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str = ""


@dataclass(frozen=True)
class AuthorizationRequest:
    """Where to send the browser, and the one-time values to keep until the provider sends it back."""

    url: str
    state: str
    nonce: str
    code_verifier: str


def client_secret(provider: ExternalProvider) -> str:
    """The provider's client secret in plaintext (stored encrypted, SEC-4)."""
    if not provider.client_secret_encrypted:
        return ""
    return crypto.decrypt(provider.client_secret_encrypted, context=SECRET_CONTEXT)


def _cache_key(kind: str, provider: ExternalProvider) -> str:
    # The issuer is part of the key, so an operator's edit of the issuer never serves the old provider's keys.
    issuer_digest = hashlib.sha256(provider.issuer.encode()).hexdigest()[:16]
    return f"identity.federation.{kind}.{provider.pk}.{issuer_digest}"


def forget(provider: ExternalProvider) -> None:
    """Drop the cached discovery document and JWKS (after the operator changed the provider)."""
    cache.delete_many([_cache_key("metadata", provider), _cache_key("jwks", provider)])


def _get_json(provider: ExternalProvider, url: str) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=HTTP_TIMEOUT_SECONDS, headers={"Accept": "application/json"})
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError):
        raise TongbanError(IdentityError.FEDERATION_PROVIDER_UNREACHABLE, provider=provider.name) from None
    if not isinstance(document, dict):
        raise TongbanError(
            IdentityError.FEDERATION_PROVIDER_METADATA_INVALID, provider=provider.name, detail=url
        )
    return document


def _is_web_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def discover(provider: ExternalProvider) -> ProviderMetadata:
    """The provider's endpoints from its discovery document (cached for :data:`CACHE_SECONDS`).

    The document must name exactly the configured issuer (OpenID Connect
    Discovery §4.3), otherwise a look-alike document could redirect the token exchange.
    """
    key = _cache_key("metadata", provider)
    cached = cache.get(key)
    if cached is not None:
        return ProviderMetadata(**cached)
    document = _get_json(provider, provider.issuer.rstrip("/") + DISCOVERY_PATH)
    if document.get("issuer") != provider.issuer:
        raise TongbanError(
            IdentityError.FEDERATION_PROVIDER_METADATA_INVALID, provider=provider.name,
            detail=f"issuer {document.get('issuer')!r} ≠ {provider.issuer!r}",
        )
    missing = [name for name in REQUIRED_ENDPOINTS if not _is_web_url(document.get(name))]
    if missing:
        raise TongbanError(
            IdentityError.FEDERATION_PROVIDER_METADATA_INVALID, provider=provider.name, detail=", ".join(missing)
        )
    userinfo = document.get("userinfo_endpoint")
    userinfo_endpoint: str = userinfo if isinstance(userinfo, str) and _is_web_url(userinfo) else ""
    metadata = ProviderMetadata(
        issuer=document["issuer"], authorization_endpoint=document["authorization_endpoint"],
        token_endpoint=document["token_endpoint"], jwks_uri=document["jwks_uri"],
        userinfo_endpoint=userinfo_endpoint,
    )
    cache.set(key, asdict(metadata), CACHE_SECONDS)
    return metadata


def signing_keys(provider: ExternalProvider, *, refresh: bool = False) -> KeySet:
    """The provider's public keys from its JWKS (cached; ``refresh`` fetches them again)."""
    key = _cache_key("jwks", provider)
    document = None if refresh else cache.get(key)
    if document is None:
        document = _get_json(provider, discover(provider).jwks_uri)
        cache.set(key, document, CACHE_SECONDS)
    try:
        return KeySet.import_key_set(document)  # type: ignore[arg-type]
    except (JoseError, ValueError, KeyError, TypeError):
        raise TongbanError(
            IdentityError.FEDERATION_PROVIDER_METADATA_INVALID, provider=provider.name, detail="jwks"
        ) from None


def _oauth_session(provider: ExternalProvider, redirect_uri: str, **extra: Any) -> OAuth2Session:
    return OAuth2Session(
        client_id=provider.client_id, client_secret=client_secret(provider), scope=provider.scopes,
        redirect_uri=redirect_uri, code_challenge_method="S256", default_timeout=HTTP_TIMEOUT_SECONDS, **extra,
    )


def authorization_request(provider: ExternalProvider, redirect_uri: str) -> AuthorizationRequest:
    """A fresh authorization-code request with a random state, nonce and PKCE verifier."""
    metadata = discover(provider)
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    code_verifier = secrets.token_urlsafe(64)  # 86 characters: within PKCE's 43 … 128
    with _oauth_session(provider, redirect_uri) as oauth:
        url, _state = oauth.create_authorization_url(
            metadata.authorization_endpoint, state=state, nonce=nonce, code_verifier=code_verifier
        )
    return AuthorizationRequest(url=url, state=state, nonce=nonce, code_verifier=code_verifier)


def exchange_code(provider: ExternalProvider, *, code: str, redirect_uri: str, code_verifier: str) -> dict[str, Any]:
    """Trade the authorization code for tokens at the token endpoint (client_secret_basic, PKCE verifier)."""
    metadata = discover(provider)
    with _oauth_session(provider, redirect_uri) as oauth:
        try:
            token = oauth.fetch_token(
                metadata.token_endpoint, grant_type="authorization_code", code=code, code_verifier=code_verifier
            )
        except OAuthError as error:
            detail = error.description or error.error or "error"
            raise TongbanError(IdentityError.FEDERATION_TOKEN_EXCHANGE_FAILED, detail=str(detail)[:200]) from None
        except (requests.RequestException, ValueError):
            raise TongbanError(IdentityError.FEDERATION_PROVIDER_UNREACHABLE, provider=provider.name) from None
    return dict(token)


def verify_id_token(provider: ExternalProvider, id_token: str) -> dict[str, Any]:
    """The ID token's claims once its signature checks out against the provider's JWKS.

    Claims are returned unjudged: issuer, audience, expiry and nonce are checked by ``complete_login``.
    """
    for refresh in (False, True):
        keys = signing_keys(provider, refresh=refresh)
        try:
            return dict(jwt.decode(id_token, keys, algorithms=ALLOWED_ALGORITHMS).claims)
        except InvalidKeyIdError:
            continue  # perhaps a rotated key: fetch the JWKS once more
        except (JoseError, ValueError, TypeError):
            break
    raise TongbanError(IdentityError.FEDERATION_TOKEN_SIGNATURE_INVALID)


def userinfo(provider: ExternalProvider, token: dict[str, Any]) -> dict[str, Any]:
    """The userinfo endpoint's claims for ``token`` (empty when the provider has no such endpoint)."""
    metadata = discover(provider)
    if not metadata.userinfo_endpoint or not token.get("access_token"):
        return {}
    with _oauth_session(provider, "", token=token) as oauth:
        try:
            response = oauth.get(metadata.userinfo_endpoint)
            response.raise_for_status()
            claims = response.json()
        except (requests.RequestException, ValueError, OAuthError):
            raise TongbanError(IdentityError.FEDERATION_PROVIDER_UNREACHABLE, provider=provider.name) from None
    return claims if isinstance(claims, dict) else {}
