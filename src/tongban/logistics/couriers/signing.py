"""Signing of courier pushes: HMAC-SHA256 over ``<timestamp>.<body>`` with the courier's own secret.

Headers: ``X-Courier-Timestamp`` (Unix seconds) and ``X-Courier-Signature``
(``sha256=<hex>``). The secret of courier ``code`` comes from
``settings.TONGBAN_COURIER_SECRETS`` (environment); in demo mode an unset one
is derived from the secret key so the sandbox works out of the box.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from django.conf import settings


def courier_secret(code: str) -> str | None:
    """The shared secret of courier ``code``, or None for a courier we do not know."""
    secrets = getattr(settings, "TONGBAN_COURIER_SECRETS", {})
    if code not in secrets:
        return None
    configured = secrets[code]
    if configured:
        return str(configured)
    return hmac.new(settings.SECRET_KEY.encode(), f"courier:{code}".encode(), hashlib.sha256).hexdigest()


def encode(payload: dict[str, Any]) -> bytes:
    """The exact bytes pushed and signed: compact UTF-8 JSON with sorted keys."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` HMAC over ``timestamp + "." + body``."""
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """True when ``signature`` is the right one (constant-time comparison)."""
    try:
        expected = sign(secret, timestamp, body)
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(expected, signature)
