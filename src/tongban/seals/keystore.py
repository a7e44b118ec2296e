"""Seal signing keys behind one interface (adapter role ``seal_key_store``), so that an HSM can replace them.

Services never hold a private key: they ask the key store to create a key
(getting back an opaque key id) and to sign bytes with it. The default
:class:`FileKeyStore` keeps each key as a PKCS#8 PEM file under
``settings.TONGBAN_TRUST_DIR / "keys"``, the PEM text itself encrypted with the
field cipher (``core.crypto``), so a copied key folder is useless without the
field keys. An HSM adapter implements the same three methods over PKCS#11.

Algorithms:

* ``ecdsa-p256`` (default): ECDSA over P-256 with SHA-256, DER signatures —
  what PAdES validators (pyHanko, poppler/NSS ``pdfsig``, Acrobat) all accept.
* ``ed25519``: pure Ed25519 (RFC 8032), fine for data signatures and accepted by
  pyHanko; some PDF readers do not validate it yet, so it is not the default.
* ``sm2``: the slot exists (GB/T 32918 / GM/T 0003) but no maintained SM2
  implementation is installable from PyPI for ``cryptography`` 50, and hand-made
  elliptic-curve code is not acceptable for legal signatures; it is refused with
  ``SEAL_ALGORITHM_UNAVAILABLE``. An HSM adapter that supports SM2 lifts the refusal.
"""

from __future__ import annotations

import secrets
import threading
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tongban.core import crypto
from tongban.core.errors import TongbanError
from tongban.seals.errors import SealError

ECDSA_P256 = "ecdsa-p256"
ED25519 = "ed25519"
SM2 = "sm2"
ALGORITHMS = (ECDSA_P256, ED25519, SM2)
DEFAULT_ALGORITHM = ECDSA_P256
SM2_UNAVAILABLE_REASON = _("未安装经维护的 SM2 实现，须接入支持 SM2 的密码机（HSM）")

PrivateKey = ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey
PublicKey = ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey


class SealKeyStore(Protocol):
    """Where seal keys live; the only place a private key is used."""

    def generate(self, algorithm: str) -> str:
        """Create a key pair and return its key id."""

    def public_key(self, key_id: str) -> PublicKey:
        """The public half of a key."""

    def sign(self, key_id: str, data: bytes) -> bytes:
        """Sign ``data`` (hashed with SHA-256 for ECDSA; Ed25519 hashes internally)."""


def check_algorithm(algorithm: str) -> None:
    """Refuse an algorithm this deployment cannot use, with the reason."""
    if algorithm == SM2:
        raise TongbanError(SealError.ALGORITHM_UNAVAILABLE, algorithm=algorithm, reason=SM2_UNAVAILABLE_REASON)
    if algorithm not in ALGORITHMS:
        raise TongbanError(SealError.ALGORITHM_UNAVAILABLE, algorithm=algorithm, reason=_("未知算法"))


def new_private_key(algorithm: str) -> PrivateKey:
    """A fresh key of a supported algorithm."""
    check_algorithm(algorithm)
    if algorithm == ED25519:
        return ed25519.Ed25519PrivateKey.generate()
    return ec.generate_private_key(ec.SECP256R1())


def sign_with(private_key: PrivateKey, data: bytes) -> bytes:
    """One signature with a key object (used by key stores and by the platform CA)."""
    if isinstance(private_key, ed25519.Ed25519PrivateKey):
        return private_key.sign(data)
    return private_key.sign(data, ec.ECDSA(hashes.SHA256()))


def save_encrypted_key(path: Path, private_key: PrivateKey, context: str) -> None:
    """Write a private key as PKCS#8 PEM encrypted with the field cipher, readable by the owner only."""
    pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(crypto.encrypt(pem, context=context))
    path.chmod(0o600)


def load_encrypted_key(path: Path, context: str) -> PrivateKey:
    """Read a key written by :func:`save_encrypted_key`."""
    pem = crypto.decrypt(path.read_text(), context=context).encode()
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey):
        raise ValueError(f"unsupported key type in {path}")
    return key


class FileKeyStore:
    """Software key store: encrypted PEM files under ``TONGBAN_TRUST_DIR/keys`` (loaded keys cached per process)."""

    CONTEXT = "seals.key"

    def __init__(self) -> None:
        self._loaded: dict[str, PrivateKey] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _path(key_id: str) -> Path:
        if not key_id.isalnum():
            raise TongbanError(SealError.KEY_UNKNOWN, key_id=key_id)
        return Path(settings.TONGBAN_TRUST_DIR) / "keys" / f"{key_id}.pem.enc"

    def generate(self, algorithm: str) -> str:
        """Create and store a key; the id is random, so it says nothing about the seal."""
        private_key = new_private_key(algorithm)
        key_id = secrets.token_hex(16)
        save_encrypted_key(self._path(key_id), private_key, self.CONTEXT)
        with self._lock:
            self._loaded[key_id] = private_key
        return key_id

    def _key(self, key_id: str) -> PrivateKey:
        with self._lock:
            if key_id in self._loaded:
                return self._loaded[key_id]
        path = self._path(key_id)
        if not path.exists():
            raise TongbanError(SealError.KEY_UNKNOWN, key_id=key_id)
        private_key = load_encrypted_key(path, self.CONTEXT)
        with self._lock:
            self._loaded[key_id] = private_key
        return private_key

    def public_key(self, key_id: str) -> PublicKey:
        """The public half of a stored key."""
        return self._key(key_id).public_key()

    def sign(self, key_id: str, data: bytes) -> bytes:
        """Sign with a stored key."""
        return sign_with(self._key(key_id), data)
