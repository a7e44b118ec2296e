"""The receipt signer (adapter role ``receipt_signer``): PAdES-signs an e-receipt PDF.

The default, :class:`SealReceiptSigner`, signs with the collecting agency's
electronic seal (SEAL-1), so a receipt verifies like any sealed document — at
``/verify/`` and ``POST /api/v1/seals/verify/pdf``, under the platform CA. An
agency without an active seal (or an order without an agency) is signed by
:class:`PlatformReceiptSigner`: a platform receipt key (ECDSA P-256) with a
self-issued certificate kept under ``DATA_DIR/payments/receipt-signer/`` and
made on first use.
"""

from __future__ import annotations

import datetime
import io
import os
import threading
from pathlib import Path
from typing import Protocol

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter

from tongban.agencies.models import Agency
from tongban.seals.services import registry as seal_registry
from tongban.seals.services import signing as seal_signing

_lock = threading.Lock()


class ReceiptSigner(Protocol):
    """Signs a receipt PDF and returns the signed PDF."""

    def sign_pdf(self, pdf_bytes: bytes, *, reason: str, signer_name: str, agency: Agency | None = None) -> bytes:
        """A PAdES signature over the whole document, in the name of ``agency`` where the signer can."""
        ...


def _key_paths() -> tuple[Path, Path]:
    folder = Path(settings.DATA_DIR) / "payments" / "receipt-signer"
    return folder / "key.pem", folder / "cert.pem"


def _ensure_key() -> tuple[Path, Path]:
    key_path, cert_path = _key_paths()
    with _lock:
        if key_path.exists() and cert_path.exists():
            return key_path, cert_path
        key_path.parent.mkdir(parents=True, exist_ok=True)
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, "通办平台"),
                          x509.NameAttribute(NameOID.COMMON_NAME, "通办平台电子票据签名")])
        now = datetime.datetime.now(datetime.UTC)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
                .not_valid_after(now + datetime.timedelta(days=3650))
                .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                             data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                             crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
                .sign(key, hashes.SHA256()))
        descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        return key_path, cert_path


def receipt_certificate() -> x509.Certificate:
    """The platform receipt certificate (for verifying receipts)."""
    _key, cert_path = _ensure_key()
    return x509.load_pem_x509_certificate(cert_path.read_bytes())


class PlatformReceiptSigner:
    """Signs with the platform receipt key (ECDSA P-256, self-issued certificate)."""

    def sign_pdf(self, pdf_bytes: bytes, *, reason: str, signer_name: str, agency: Agency | None = None) -> bytes:
        """PAdES baseline signature (pyHanko) in a new invisible field."""
        key_path, cert_path = _ensure_key()
        signer = signers.SimpleSigner.load(str(key_path), str(cert_path))
        if signer is None:  # pragma: no cover - only when the files are unreadable
            raise RuntimeError("receipt signing key could not be loaded")
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))
        metadata = signers.PdfSignatureMetadata(field_name="ReceiptSignature", reason=reason, name=signer_name,
                                                subfilter=SigSeedSubFilter.PADES)
        output = signers.sign_pdf(writer, metadata, signer=signer)
        return output.getvalue()


class SealReceiptSigner:
    """Signs with the collecting agency's active seal (its business seal, else its official seal); falls back to
    the platform receipt key when the agency has none, so a paid order always gets its receipt."""

    def sign_pdf(self, pdf_bytes: bytes, *, reason: str, signer_name: str, agency: Agency | None = None) -> bytes:
        """PAdES with the agency's seal certificate (the seal's use is logged), else the platform key."""
        seal = seal_registry.agency_seal(agency) if agency is not None else None
        if seal is None:
            return PlatformReceiptSigner().sign_pdf(pdf_bytes, reason=reason, signer_name=signer_name)
        return seal_signing.sign_pdf(None, seal, pdf_bytes, reference=reason, reason=reason,
                                     field_name="ReceiptSignature")
