"""Field encryption and keyed lookup hashes for personal data (SEC-4, DESIGN.md "Personal data").

* :func:`encrypt` / :func:`decrypt`: AES-256-GCM with a random 96-bit nonce; the
  stored text is ``v1.<key id>.<base64 nonce+ciphertext>`` so keys can rotate:
  new values use the first key, old values decrypt with whichever key id they name.
* :func:`lookup_hash`: HMAC-SHA256 under a separate key, namespaced by purpose
  (``"id_number"``, ``"phone"``) and over a normalised value, so equality
  lookups never need the plaintext and one purpose's hashes are useless for another.

Keys come from the environment: ``TONGBAN_FIELD_KEYS`` (comma-separated
``id:base64-32-bytes``, newest first) and ``TONGBAN_LOOKUP_KEY`` (base64, ≥ 32
bytes). In demo mode both are derived from the secret key with HKDF so a demo
needs no setup; production refuses to start without them (settings.py). An HSM
or a KMS can replace :class:`FieldCipher` behind the same two functions.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
import unicodedata

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

FORMAT_VERSION = "v1"


def _derive(purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"tongban-demo-keys", info=purpose).derive(
        settings.SECRET_KEY.encode()
    )


def _decode_key(text: str, name: str) -> bytes:
    try:
        key = base64.b64decode(text, validate=True)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be base64") from error
    if len(key) < 32:
        raise ImproperlyConfigured(f"{name} must hold at least 32 bytes")
    return key


class FieldCipher:
    """The configured AES-256-GCM keys: the first encrypts, every one decrypts the values that name it."""

    def __init__(self, keys: list[tuple[str, bytes]]) -> None:
        if not keys:
            raise ImproperlyConfigured("no field encryption key configured")
        self.current_id = keys[0][0]
        self.keys = {key_id: AESGCM(key[:32]) for key_id, key in keys}

    @classmethod
    def from_settings(cls) -> FieldCipher:
        configured = getattr(settings, "TONGBAN_FIELD_KEYS", "")
        if not configured:
            return cls([("demo", _derive(b"field-encryption"))])
        keys = []
        for entry in configured.split(","):
            key_id, _, encoded = entry.strip().partition(":")
            if not key_id or not encoded:
                raise ImproperlyConfigured("TONGBAN_FIELD_KEYS entries look like id:base64key")
            keys.append((key_id, _decode_key(encoded, "TONGBAN_FIELD_KEYS")))
        return cls(keys)

    def encrypt(self, plaintext: str, *, context: str) -> str:
        nonce = os.urandom(12)
        sealed = self.keys[self.current_id].encrypt(nonce, plaintext.encode(), context.encode())
        return f"{FORMAT_VERSION}.{self.current_id}.{base64.b64encode(nonce + sealed).decode()}"

    def decrypt(self, stored: str, *, context: str) -> str:
        version, key_id, payload = stored.split(".", 2)
        if version != FORMAT_VERSION or key_id not in self.keys:
            raise ValueError(f"unknown field-encryption key {key_id!r}")
        raw = base64.b64decode(payload)
        return self.keys[key_id].decrypt(raw[:12], raw[12:], context.encode()).decode()


@functools.cache
def cipher() -> FieldCipher:
    """The process-wide cipher (settings are read once)."""
    return FieldCipher.from_settings()


@functools.cache
def _lookup_key() -> bytes:
    configured = getattr(settings, "TONGBAN_LOOKUP_KEY", "")
    return _decode_key(configured, "TONGBAN_LOOKUP_KEY") if configured else _derive(b"lookup-hash")


def encrypt(plaintext: str, *, context: str) -> str:
    """Encrypt ``plaintext``; ``context`` (e.g. ``"person.phone"``) is bound as associated data,
    so a ciphertext copied into another column does not decrypt there."""
    return cipher().encrypt(plaintext, context=context)


def decrypt(stored: str, *, context: str) -> str:
    """Decrypt a value written by :func:`encrypt` with the same ``context``."""
    return cipher().decrypt(stored, context=context)


def normalise(value: str) -> str:
    """NFKC, no spaces or hyphens, upper case: "310101 19900307 123x" and "31010119900307123X" hash alike."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", value) if ch not in " -\t").upper()


def lookup_hash(purpose: str, value: str) -> str:
    """Keyed hash for equality lookups (hex); the same value under another purpose hashes differently."""
    message = f"{purpose}\x00{normalise(value)}".encode()
    return hmac.new(_lookup_key(), message, hashlib.sha256).hexdigest()
