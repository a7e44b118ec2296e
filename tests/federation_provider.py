"""A small but real OpenID Connect provider standing in for another region's identity platform (ID-5 tests).

It runs in a background thread on 127.0.0.1 and a free port and speaks plain
HTTP with the standard library; keys and ID tokens are made with joserfc.
Endpoints: discovery, JWKS, authorization (auto-approves :attr:`user` and
redirects back with a code, or with ``error=`` for a bad request), token
(client_secret_basic or _post, single-use code, redirect URI, PKCE S256
verifier; returns an RS256-signed ID token with ``sub``, ``name``,
``id_number``, ``acr`` and ``nonce``) and userinfo (Bearer access token).

Misbehaviour on request, for the refusal tests: :attr:`sign_with_rogue_key`
signs with a key that is not in the JWKS but claims the published key id;
:attr:`id_token_overrides` replaces claims (a wrong ``iss`` or ``aud``, an old
``exp``); :attr:`userinfo_only` leaves claims out of the ID token so the
relying party must fetch them from userinfo.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

KEY_ID = "region-key-1"
ID_TOKEN_SECONDS = 300
CODE_SECONDS = 60


def s256(verifier: str) -> str:
    """The PKCE S256 challenge of ``verifier`` (RFC 7636 §4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class RegionProvider:
    """Another region's OpenID Connect provider with one registered client (the platform) and one user."""

    def __init__(self, *, client_id: str = "tongban-platform", client_secret: str | None = None,
                 user: dict[str, Any] | None = None) -> None:
        self.client_id = client_id
        self.client_secret = client_secret or secrets.token_urlsafe(24)
        self.redirect_uris: set[str] = set()
        self.user: dict[str, Any] = dict(user or {})
        self.signing_key = RSAKey.generate_key(2048, parameters={"kid": KEY_ID, "use": "sig", "alg": "RS256"})
        self.rogue_key = RSAKey.generate_key(2048, parameters={"kid": KEY_ID, "use": "sig", "alg": "RS256"})
        self.sign_with_rogue_key = False
        self.id_token_overrides: dict[str, Any] = {}
        self.userinfo_only: tuple[str, ...] = ()
        self.served: Counter[str] = Counter()
        self.token_errors: list[str] = []
        self._codes: dict[str, dict[str, Any]] = {}
        self._access_tokens: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="region-provider", daemon=True
        )

    # --- lifecycle -------------------------------------------------------------------
    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> RegionProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> RegionProvider:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # --- protocol ------------------------------------------------------------------------
    def discovery(self) -> dict[str, Any]:
        issuer = self.issuer
        return {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "userinfo_endpoint": f"{issuer}/userinfo",
            "jwks_uri": f"{issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "name", "id_number", "acr"],
        }

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.signing_key.as_dict(private=False)]}

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """Auto-approve :attr:`user`; a request that cannot be trusted gets a 400 page, not a redirect."""
        redirect_uri = query.get("redirect_uri", "")
        if query.get("client_id") != self.client_id or redirect_uri not in self.redirect_uris:
            return 400, {"Content-Type": "text/plain"}, b"unknown client or redirect_uri"
        state = query.get("state", "")
        problem = None
        if query.get("response_type") != "code":
            problem = "unsupported_response_type"
        elif "openid" not in query.get("scope", "").split():
            problem = "invalid_scope"
        elif query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            problem = "invalid_request"
        if problem:
            return 302, {"Location": f"{redirect_uri}?{urlencode({'error': problem, 'state': state})}"}, b""
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = {
                "redirect_uri": redirect_uri, "nonce": query.get("nonce"), "challenge": query["code_challenge"],
                "user": dict(self.user), "expires": time.time() + CODE_SECONDS,
            }
        return 302, {"Location": f"{redirect_uri}?{urlencode({'code': code, 'state': state})}"}, b""

    def _client_authenticated(self, headers: Any, form: dict[str, str]) -> bool:
        authorization = headers.get("Authorization", "")
        if authorization.startswith("Basic "):
            decoded = base64.b64decode(authorization[6:]).decode("latin1")
            client_id, _, secret = decoded.partition(":")
            client_id, secret = unquote(client_id), unquote(secret)
        else:
            client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        return client_id == self.client_id and secrets.compare_digest(secret, self.client_secret)

    def token(self, headers: Any, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """The token endpoint: every check an honest provider makes before it signs an ID token."""
        if not self._client_authenticated(headers, form):
            return self._token_error(401, "invalid_client")
        if form.get("grant_type") != "authorization_code":
            return self._token_error(400, "unsupported_grant_type")
        with self._lock:
            grant = self._codes.pop(form.get("code", ""), None)  # single use
        if grant is None or grant["expires"] < time.time():
            return self._token_error(400, "invalid_grant")
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return self._token_error(400, "invalid_grant")
        if s256(form.get("code_verifier", "")) != grant["challenge"]:
            return self._token_error(400, "invalid_grant")
        access_token = secrets.token_urlsafe(24)
        with self._lock:
            self._access_tokens[access_token] = grant["user"]
        return 200, {
            "access_token": access_token, "token_type": "Bearer", "expires_in": 300, "scope": "openid profile",
            "id_token": self.id_token(grant["user"], nonce=grant["nonce"]),
        }

    def _token_error(self, status: int, error: str) -> tuple[int, dict[str, Any]]:
        self.token_errors.append(error)
        return status, {"error": error}

    def id_token(self, user: dict[str, Any], *, nonce: str | None) -> str:
        """An RS256 ID token for ``user`` (with the overrides and omissions the test asked for)."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer, "aud": self.client_id, "iat": now, "exp": now + ID_TOKEN_SECONDS, "auth_time": now,
            **{name: value for name, value in user.items() if name not in self.userinfo_only},
        }
        if nonce is not None:
            claims["nonce"] = nonce
        claims.update(self.id_token_overrides)
        key = self.rogue_key if self.sign_with_rogue_key else self.signing_key
        return jwt.encode({"alg": "RS256", "kid": KEY_ID}, claims, key)

    def userinfo(self, headers: Any) -> tuple[int, dict[str, Any]]:
        authorization = headers.get("Authorization", "")
        user = self._access_tokens.get(authorization[7:]) if authorization.startswith("Bearer ") else None
        if user is None:
            return 401, {"error": "invalid_token"}
        return 200, dict(user)

    # --- HTTP -----------------------------------------------------------------------------
    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the standard library's name
                pass  # keep test output quiet

            def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _json(self, status: int, document: dict[str, Any]) -> None:
                self._send(status, {"Content-Type": "application/json", "Cache-Control": "no-store"},
                           json.dumps(document, ensure_ascii=False).encode())

            def do_GET(self) -> None:  # noqa: N802 - the standard library's name
                url = urlsplit(self.path)
                provider.served[url.path] += 1
                query = {name: values[0] for name, values in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    self._json(200, provider.discovery())
                elif url.path == "/jwks":
                    self._json(200, provider.jwks())
                elif url.path == "/authorize":
                    self._send(*provider.authorize(query))
                elif url.path == "/userinfo":
                    self._json(*provider.userinfo(self.headers))
                else:
                    self._send(404, {"Content-Type": "text/plain"}, b"not found")

            def do_POST(self) -> None:  # noqa: N802 - the standard library's name
                url = urlsplit(self.path)
                provider.served[url.path] += 1
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                form = {name: values[0] for name, values in parse_qs(body).items()}
                if url.path == "/token":
                    self._json(*provider.token(self.headers, form))
                else:
                    self._send(404, {"Content-Type": "text/plain"}, b"not found")

        return Handler
