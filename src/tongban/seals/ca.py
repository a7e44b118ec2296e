"""The platform's certificate authority for seals: a root created at first start, kept out of the repository.

The root key and certificate live under ``settings.TONGBAN_TRUST_DIR / "ca"``
(the key encrypted with the field cipher like the seal keys). A deployment
with an existing CA places its root there (``root-cert.pem`` and the encrypted
``root-key.pem.enc``) before first start; tests point the folder at a temporary
directory. Each seal gets an end-entity certificate for its own key, so a PDF
validator that trusts the root trusts every seal, and revoking a seal in the
registry is what ends its use (the registry is the platform's status service).
"""

from __future__ import annotations

import datetime
import functools
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings

from tongban.seals.keystore import PrivateKey, PublicKey, load_encrypted_key, new_private_key, save_encrypted_key

ROOT_NAME = "通办平台电子印章根证书"
ORGANISATION = "通办一网通办平台"
ROOT_YEARS = 20
SEAL_CERTIFICATE_YEARS = 5
KEY_CONTEXT = "seals.ca_key"
_lock = threading.Lock()


@dataclass(frozen=True)
class CertificateAuthority:
    """The root certificate and its key (the key never leaves this module)."""

    certificate: x509.Certificate
    _key: PrivateKey

    @property
    def certificate_pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()

    def issue(self, public_key: PublicKey, *, common_name: str, organisation: str,
              serial: int, not_before: datetime.datetime) -> x509.Certificate:
        """An end-entity signing certificate for a seal key (digital signature + non-repudiation)."""
        subject = x509.Name([
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
        ])
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.certificate.subject)
            .public_key(public_key)
            .serial_number(serial)
            .not_valid_before(not_before - datetime.timedelta(minutes=5))
            .not_valid_after(not_before + datetime.timedelta(days=365 * SEAL_CERTIFICATE_YEARS))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False, data_encipherment=False,
                key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False,
            ), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                self.certificate.public_key()), critical=False)  # type: ignore[arg-type]
            .sign(self._key, None if not isinstance(self._key, ec.EllipticCurvePrivateKey) else hashes.SHA256())
        )


def _create_root(folder: Path) -> CertificateAuthority:
    key = new_private_key("ecdsa-p256")
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION),
        x509.NameAttribute(NameOID.COMMON_NAME, ROOT_NAME),
    ])
    now = datetime.datetime.now(datetime.UTC)
    public_key = key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365 * ROOT_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=False, content_commitment=False, key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False,
        ), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .sign(key, hashes.SHA256())
    )
    save_encrypted_key(folder / "root-key.pem.enc", key, KEY_CONTEXT)
    (folder / "root-cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return CertificateAuthority(certificate, key)


@functools.cache
def _authority_in(folder: str) -> CertificateAuthority:
    path = Path(folder)
    with _lock:
        if not (path / "root-cert.pem").exists():
            path.mkdir(parents=True, exist_ok=True)
            return _create_root(path)
    certificate = x509.load_pem_x509_certificate((path / "root-cert.pem").read_bytes())
    return CertificateAuthority(certificate, load_encrypted_key(path / "root-key.pem.enc", KEY_CONTEXT))


def authority() -> CertificateAuthority:
    """The platform CA, created on first use in the configured folder."""
    return _authority_in(str(Path(settings.TONGBAN_TRUST_DIR) / "ca"))


def root_certificate_pem() -> str:
    """The root certificate to publish, so relying parties can trust sealed documents."""
    return authority().certificate_pem
