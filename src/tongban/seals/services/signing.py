"""Signing with seals and verifying what they signed (SEAL-1).

* Data: a signature over the canonical serialisation of a JSON object (sorted
  keys, no spaces, UTF-8, :func:`canonical`), named by the seal certificate's
  serial number, so anyone holding the certificate can check it.
* PDF: PAdES baseline-B (``ETSI.CAdES.detached``) with the seal's certificate
  chain, made by pyHanko through :class:`KeyStoreSigner`, which hands the bytes
  to the key store (adapter ``seal_key_store``) — no private key passes through
  here, so an HSM drops in. The seal image is stamped visibly in the signature
  field when a box is given.

Only an active seal signs (the row is locked, so a concurrent suspension or
revocation is either seen or waits); every signature is logged as a
:class:`SealUse`. Verification is public and needs no login.
"""

from __future__ import annotations

import base64
import datetime
import functools
import hashlib
import io
import json
from dataclasses import dataclass
from typing import Any

from asn1crypto import algos
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from django.db import transaction
from django.utils import timezone
from PIL import Image
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from tongban.core.adapters import adapter
from tongban.core.errors import TongbanError
from tongban.identity.services import Actor, actor_label
from tongban.seals import ca
from tongban.seals.errors import SealError
from tongban.seals.keystore import ED25519
from tongban.seals.models import Seal, SealStatus, SealUse, SealUsePurpose


def canonical(data: dict[str, Any]) -> bytes:
    """The exact bytes a data signature covers: sorted keys, compact separators, non-ASCII kept, UTF-8."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def b64url(raw: bytes) -> str:
    """Unpadded base64url, as in JOSE."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    """Inverse of :func:`b64url`; raises ValueError on junk."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _use(seal: Seal, actor: Actor, purpose: str, reference: str, signed: bytes) -> None:
    SealUse.objects.create(seal=seal, purpose=purpose, reference=reference[:120],
                           digest=hashlib.sha256(signed).hexdigest(), actor_label=actor_label(actor),
                           used_at=timezone.now())


def _active(seal: Seal) -> Seal:
    seal = Seal.objects.select_for_update().get(pk=seal.pk)
    if seal.status != SealStatus.ACTIVE:
        raise TongbanError(SealError.NOT_ACTIVE, name=seal.name, status=seal.get_status_display())
    return seal


@dataclass(frozen=True)
class DataSignature:
    """A detached data signature: algorithm, the signing certificate's serial (key id) and the value."""

    algorithm: str
    key_id: str
    value: str

    def as_dict(self) -> dict[str, str]:
        return {"alg": self.algorithm, "kid": self.key_id, "sig": self.value}


@transaction.atomic
def sign_data(actor: Actor, seal: Seal, data: dict[str, Any], *, reference: str = "") -> DataSignature:
    """Sign a JSON object's canonical form with an active seal, and log the use."""
    seal = _active(seal)
    payload = canonical(data)
    value = adapter("seal_key_store").sign(seal.key_id, payload)
    _use(seal, actor, SealUsePurpose.DATA, reference, payload)
    return DataSignature(seal.algorithm, seal.certificate_serial, b64url(value))


@functools.lru_cache(maxsize=4096)
def _certificate(serial: str) -> tuple[x509.Certificate, int] | None:
    """Certificates never change for a serial, so they are cached per process (the verify path's hot lookup)."""
    row = Seal.objects.filter(certificate_serial=serial).exclude(certificate_pem="").values_list(
        "certificate_pem", "pk").first()
    if row is None:
        return None
    return x509.load_pem_x509_certificate(row[0].encode()), row[1]


def verify_public_key(public_key: Any, payload: bytes, signature: bytes) -> bool:
    """True when ``signature`` over ``payload`` verifies under an ECDSA P-256 or Ed25519 public key."""
    try:
        if isinstance(public_key, ed25519.Ed25519PublicKey):
            public_key.verify(signature, payload)
        elif isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, payload, ec.ECDSA(hashes.SHA256()))
        else:
            return False
    except InvalidSignature:
        return False
    return True


def verify_data(data: dict[str, Any], signature: DataSignature) -> int | None:
    """The id of the seal whose certificate verifies ``signature`` over ``data``; None when it does not."""
    found = _certificate(signature.key_id)
    if found is None:
        return None
    certificate, seal_id = found
    try:
        raw = b64url_decode(signature.value)
    except ValueError:
        return None
    return seal_id if verify_public_key(certificate.public_key(), canonical(data), raw) else None


class KeyStoreSigner(signers.Signer):
    """pyHanko signer whose raw signatures come from the key store, so the private key can sit in an HSM."""

    def __init__(self, seal: Seal) -> None:
        certificate = asn1_x509.Certificate.load(
            x509.load_pem_x509_certificate(seal.certificate_pem.encode()).public_bytes(serialization.Encoding.DER))
        root = asn1_x509.Certificate.load(
            ca.authority().certificate.public_bytes(serialization.Encoding.DER))
        mechanism = "ed25519" if seal.algorithm == ED25519 else "sha256_ecdsa"
        super().__init__(
            signing_cert=certificate, cert_registry=SimpleCertificateStore.from_certs([root]),
            signature_mechanism=algos.SignedDigestAlgorithm({"algorithm": mechanism}),
        )
        self.key_id = seal.key_id

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        """Sign with the key store (a dry run only needs the length, which a real signature also gives)."""
        return adapter("seal_key_store").sign(self.key_id, data)


@dataclass(frozen=True)
class StampBox:
    """Where the visible seal goes: page index and the box in PDF points (x1, y1, x2, y2)."""

    page: int
    box: tuple[int, int, int, int]


@transaction.atomic
def sign_pdf(actor: Actor, seal: Seal, pdf: bytes, *, reference: str = "", reason: str = "",
             stamp: StampBox | None = None, field_name: str = "Seal") -> bytes:
    """PAdES-sign a PDF with an active seal, stamping its image in ``stamp`` if given; logs the use."""
    seal = _active(seal)
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except Exception as error:  # pyHanko raises several parser errors; all mean "not a PDF we can sign"
        raise TongbanError(SealError.PDF_UNREADABLE) from error
    style = None
    field_spec = None
    if stamp is not None:
        image = Image.open(io.BytesIO(bytes(seal.image_png))).convert("RGBA")
        style = StaticStampStyle(background=PdfImage(image), border_width=0, background_opacity=1.0)
        field_spec = fields.SigFieldSpec(sig_field_name=field_name, on_page=stamp.page, box=stamp.box)
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None, name=seal.name, location="中国上海",
    )
    pdf_signer = signers.PdfSigner(metadata, signer=KeyStoreSigner(seal), stamp_style=style,
                                   new_field_spec=field_spec)
    output = io.BytesIO()
    pdf_signer.sign_pdf(writer, output=output)
    signed = output.getvalue()
    _use(seal, actor, SealUsePurpose.PDF, reference, signed)
    return signed


@dataclass(frozen=True)
class PdfVerification:
    """What a PDF's signatures say: valid only if every one is intact, trusted and covers the whole file."""

    valid: bool
    reason: str
    signer: str = ""
    seal_id: int | None = None
    signed_at: datetime.datetime | None = None
    signature_count: int = 0


@functools.cache
def _validation_context(root_pem: str) -> ValidationContext:
    root = asn1_x509.Certificate.load(x509.load_pem_x509_certificate(root_pem.encode()).public_bytes(
        serialization.Encoding.DER))
    return ValidationContext(trust_roots=[root], allow_fetching=False)


def _status_reason(status: PdfSignatureStatus) -> str:
    if not status.intact:
        return "文件在签章后被修改（摘要不符）"
    if not status.valid:
        return "签名值无效"
    if not status.trusted:
        return "签章证书不是本平台信任的证书"
    return ""


def verify_pdf(pdf: bytes) -> PdfVerification:
    """Validate a PDF's signatures against the platform CA (public service, no login)."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as error:  # any parser failure means we cannot vouch for the file
        raise TongbanError(SealError.PDF_UNREADABLE) from error
    if not embedded:
        raise TongbanError(SealError.PDF_NOT_SIGNED)
    context = _validation_context(ca.root_certificate_pem())
    first: PdfVerification | None = None
    for signature in embedded:
        try:
            status = validate_pdf_signature(signature, context)
        except Exception as error:  # a mangled signature dictionary or CMS blob
            return PdfVerification(False, f"签名结构损坏：{type(error).__name__}", signature_count=len(embedded))
        reason = _status_reason(status)
        whole_file = status.coverage is not None and status.coverage.name == "ENTIRE_FILE"
        if not reason and signature is embedded[-1] and not whole_file:
            reason = "签章后文件被追加修改"
        serial = format(status.signing_cert.serial_number, "x")
        found = _certificate(serial)
        common_name = status.signing_cert.subject.native.get("common_name", "")
        result = PdfVerification(not reason, reason, signer=common_name, seal_id=found[1] if found else None,
                                 signed_at=status.signer_reported_dt, signature_count=len(embedded))
        if reason:
            return result
        first = first or result
    assert first is not None
    return first
