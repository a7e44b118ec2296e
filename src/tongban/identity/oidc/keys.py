"""The OpenID provider's RS256 signing key (ID-2), as settings hand it to django-oauth-toolkit.

Settings import this module, so it imports only the standard library,
``cryptography`` and Django utilities that need no configured project (no
models). :func:`lazy_private_key` returns a lazy string for
``OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"]``: the key is read, or created, the
first time a token is signed or the JWKS is served, not when a command starts.

* ``TONGBAN_OIDC_PRIVATE_KEY`` (a PEM RSA private key, ``\\n`` escapes allowed)
  wins; production refuses to start without it (settings.py).
* Otherwise (demo mode) the key lives in ``DATA_DIR/oidc/signing-key.pem``,
  created on first use with mode 0600. ``DATA_DIR`` is ``var/``, which git
  ignores: a signing key never enters the repository.
"""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import lazy

KEY_SIZE = 3072
MINIMUM_KEY_SIZE = 2048
PUBLIC_EXPONENT = 65537


def generate_pem() -> str:
    """A new RSA private key as unencrypted PKCS#8 PEM text."""
    key = rsa.generate_private_key(public_exponent=PUBLIC_EXPONENT, key_size=KEY_SIZE)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")


def checked_pem(pem: str, source: str) -> str:
    """``pem`` if it holds an RSA private key of at least 2048 bits, else a configuration error naming ``source``."""
    text = pem.strip().replace("\\n", "\n") + "\n"
    try:
        key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
    except (ValueError, TypeError, UnicodeEncodeError) as error:
        raise ImproperlyConfigured(f"{source} is not an unencrypted PEM private key") from error
    if not isinstance(key, rsa.RSAPrivateKey) or key.key_size < MINIMUM_KEY_SIZE:
        raise ImproperlyConfigured(f"{source} must be an RSA private key of at least {MINIMUM_KEY_SIZE} bits")
    return text


def load_or_create(path: Path) -> str:
    """The PEM text in ``path``, created first (mode 0600, directory 0700) when the file does not exist.

    The new key is written to a private temporary file and hard-linked into
    place, so a reader never sees half a key and two processes starting at
    once end up sharing the first one written.
    """
    if path.exists():
        return path.read_text(encoding="ascii")
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".signing-key-", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(generate_pem())
        with contextlib.suppress(FileExistsError):  # another process created it first: use theirs
            os.link(temporary, path)
    finally:
        os.unlink(temporary)
    return path.read_text(encoding="ascii")


@functools.cache
def signing_key_pem(configured: str, path: str) -> str:
    """The signing key: ``configured`` PEM text if given, else the key file at ``path`` (created if missing)."""
    if configured.strip():
        return checked_pem(configured, "TONGBAN_OIDC_PRIVATE_KEY")
    return checked_pem(load_or_create(Path(path)), path)


def lazy_private_key(configured: str, path: Path) -> str:
    """A lazy string that resolves to :func:`signing_key_pem` on first use (settings must not touch files)."""
    return lazy(signing_key_pem, str)(configured, str(path))
