"""One cross-province login from start to finish (ID-5): the values kept between the two redirects.

:func:`begin_login` builds the authorization request and remembers its state,
nonce and PKCE verifier in the applicant's session (a ``MutableMapping``, so
this module needs no HTTP request); :func:`finish_login` takes them back out
exactly once — a second use of the same state, a state that was never issued,
or one older than :data:`PENDING_SECONDS` is refused — and then exchanges the
code, verifies the ID token and hands its claims to ``complete_login``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import MutableMapping
from dataclasses import asdict, dataclass
from typing import Any

from tongban.core.errors import TongbanError
from tongban.identity.errors import IdentityError
from tongban.identity.federation import client
from tongban.identity.federation.services import complete_login
from tongban.identity.models import ExternalProvider, Person

SESSION_KEY = "identity.federation.pending"
PENDING_SECONDS = 600  # the applicant has ten minutes at the other region's login page
MAXIMUM_PENDING = 5  # logins started in several tabs; older ones are forgotten
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PendingLogin:
    """What the callback needs to trust the provider's answer: kept in the session under its state."""

    provider_slug: str
    state: str
    nonce: str
    code_verifier: str
    redirect_uri: str
    next_url: str
    started_at: float


def provider_by_slug(slug: str) -> ExternalProvider:
    """The enabled provider called ``slug``; an unknown or disabled one is refused."""
    provider = ExternalProvider.objects.filter(slug=slug).first()
    if provider is None:
        raise TongbanError(IdentityError.FEDERATION_PROVIDER_UNKNOWN)
    if not provider.is_enabled:
        raise TongbanError(IdentityError.FEDERATION_PROVIDER_DISABLED, provider=provider.name)
    return provider


def _pending(session: MutableMapping[str, Any]) -> dict[str, dict[str, Any]]:
    stored = session.get(SESSION_KEY)
    now = time.time()
    if not isinstance(stored, dict):
        return {}
    return {state: entry for state, entry in stored.items()
            if isinstance(entry, dict) and now - entry.get("started_at", 0) < PENDING_SECONDS}


def begin_login(session: MutableMapping[str, Any], provider: ExternalProvider, *, redirect_uri: str,
                next_url: str = "") -> str:
    """Remember a new login in ``session`` and return the provider's authorization URL to redirect to."""
    request = client.authorization_request(provider, redirect_uri)
    pending = _pending(session)
    pending[request.state] = asdict(PendingLogin(
        provider_slug=provider.slug, state=request.state, nonce=request.nonce, code_verifier=request.code_verifier,
        redirect_uri=redirect_uri, next_url=next_url, started_at=time.time(),
    ))
    newest = sorted(pending.items(), key=lambda item: item[1]["started_at"])[-MAXIMUM_PENDING:]
    session[SESSION_KEY] = dict(newest)
    return request.url


def take_pending(session: MutableMapping[str, Any], provider: ExternalProvider, state: str) -> PendingLogin:
    """The login started with ``state`` at ``provider``, removed from ``session`` so it cannot be replayed."""
    pending = _pending(session)
    entry = pending.pop(state, None) if state else None
    session[SESSION_KEY] = pending
    if entry is None or entry.get("provider_slug") != provider.slug:
        raise TongbanError(IdentityError.FEDERATION_STATE_INVALID)
    return PendingLogin(**entry)


def _claims(provider: ExternalProvider, token: dict[str, Any]) -> dict[str, Any]:
    """The ID token's verified claims, completed from userinfo when the token lacks the configured ones."""
    id_token = token.get("id_token")
    if not isinstance(id_token, str) or not id_token:
        raise TongbanError(IdentityError.FEDERATION_TOKEN_MISSING)
    claims = client.verify_id_token(provider, id_token)
    wanted = (provider.id_number_claim, provider.name_claim, provider.level_claim)
    if all(name in claims for name in wanted):
        return claims
    extra = client.userinfo(provider, token)
    # OpenID Connect Core §5.3.2: userinfo about another subject must not be used.
    if extra.get("sub") != claims.get("sub"):
        return claims
    return {**{name: extra[name] for name in wanted if name in extra}, **claims}


def finish_login(session: MutableMapping[str, Any], provider: ExternalProvider, *, state: str, code: str,
                 error: str = "", error_description: str = "") -> tuple[Person, PendingLogin]:
    """Finish the login the provider redirected back with; returns the person and the login's pending values."""
    try:
        pending = take_pending(session, provider, state)
        if error:
            raise TongbanError(IdentityError.FEDERATION_PROVIDER_REFUSED, detail=(error_description or error)[:200])
        if not code:
            raise TongbanError(IdentityError.FEDERATION_PROVIDER_REFUSED, detail="code")
        token = client.exchange_code(
            provider, code=code, redirect_uri=pending.redirect_uri, code_verifier=pending.code_verifier
        )
        person = complete_login(provider, _claims(provider, token), expected_nonce=pending.nonce)
    except TongbanError as refusal:
        # Refusals write nothing to the database; operations still want to see attacks and misconfiguration.
        logger.warning("cross-province login refused: provider=%s code=%s", provider.slug, refusal.code)
        raise
    return person, pending
