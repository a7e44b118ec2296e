"""The OpenID provider's signing key (ID-2): from TONGBAN_OIDC_PRIVATE_KEY, or created once in DATA_DIR (demo only)."""

from __future__ import annotations

import base64
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.core.exceptions import ImproperlyConfigured

from tongban.identity.oidc import keys


def _pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def test_demo_key_is_created_once_private_to_the_owner(tmp_path: Path):
    """ID-2: without a configured key, a 3072-bit RSA key is created on first use, mode 0600 in a 0700 directory."""
    # given no key file yet
    path = tmp_path / "oidc" / "signing-key.pem"

    # when the key is asked for twice
    first = keys.load_or_create(path)
    second = keys.load_or_create(path)

    # then one RSA key was created, readable by its owner only, and reused
    assert first == second
    loaded = serialization.load_pem_private_key(first.encode(), password=None)
    assert isinstance(loaded, rsa.RSAPrivateKey) and loaded.key_size == 3072
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert [entry.name for entry in path.parent.iterdir()] == ["signing-key.pem"]  # no temporary file left


def test_configured_key_wins_and_no_file_is_written(tmp_path: Path):
    """ID-2: TONGBAN_OIDC_PRIVATE_KEY is used as given (\\n escapes from an env file accepted); nothing is written."""
    # given a configured key written on one line with \n escapes
    pem = _pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    configured = pem.strip().replace("\n", "\\n")
    path = tmp_path / "oidc" / "signing-key.pem"

    # when the signing key is resolved
    resolved = keys.signing_key_pem(configured, str(path))

    # then it is the configured key, and no key file was created
    assert resolved == pem
    assert not path.exists()


@pytest.mark.parametrize("configured", [
    "not a key",
    _pem(rsa.generate_private_key(public_exponent=65537, key_size=1024)),
    _pem(ec.generate_private_key(ec.SECP256R1())),
])
def test_unusable_configured_key_is_refused(tmp_path: Path, configured: str):
    """ID-2: garbage, a short RSA key or a non-RSA key refuses to serve, naming the variable."""
    with pytest.raises(ImproperlyConfigured, match="TONGBAN_OIDC_PRIVATE_KEY"):
        keys.signing_key_pem(configured, str(tmp_path / "unused.pem"))


def test_lazy_key_touches_nothing_until_used(tmp_path: Path):
    """ID-2: settings hand over a lazy value; the file appears only when the key is first used."""
    path = tmp_path / "lazy" / "signing-key.pem"
    lazy_key = keys.lazy_private_key("", path)
    assert not path.exists()
    assert str(lazy_key).startswith("-----BEGIN PRIVATE KEY-----")
    assert path.exists()


@pytest.mark.parametrize(("configured", "message"), [
    ("", "TONGBAN_OIDC_PRIVATE_KEY must hold the OpenID provider's RSA key (PEM) in production"),
    ("not-a-key", "TONGBAN_OIDC_PRIVATE_KEY is not an unencrypted PEM private key"),
])
def test_production_refuses_to_start_without_a_usable_key(tmp_path: Path, configured: str, message: str):
    """ID-2: in production the signing key must come from TONGBAN_OIDC_PRIVATE_KEY (checked at start), never disk."""
    # given an otherwise complete production configuration without the signing key
    secret = base64.b64encode(os.urandom(32)).decode()
    environment = {
        **os.environ, "TONGBAN_MODE": "production", "TONGBAN_SECRET_KEY": base64.b64encode(os.urandom(48)).decode(),
        "TONGBAN_ALLOWED_HOSTS": "zwfw.example.gov.cn", "TONGBAN_FIELD_KEYS": f"k1:{secret}",
        "TONGBAN_LOOKUP_KEY": secret, "TONGBAN_ALLOW_SANDBOX_ADAPTERS": "1", "TONGBAN_DATA_DIR": str(tmp_path),
        "TONGBAN_OIDC_PRIVATE_KEY": configured,
    }

    # when the settings are loaded
    result = subprocess.run([sys.executable, "-c", "import tongban.settings"], env=environment,
                            capture_output=True, text=True, check=False)

    # then the process refuses, naming the variable, and no key was created on disk
    assert result.returncode == 1
    assert message in result.stderr
    assert not (tmp_path / "oidc").exists()
