"""REST API of the seals module, mounted under ``/api/v1/seals/``: public verification (SEAL-1)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from tongban.core.errors import ErrorCode, TongbanError
from tongban.seals import ca
from tongban.seals.errors import SealError
from tongban.seals.services import signing

router = Router(tags=["seals"])
# Refusals mapped to HTTP statuses (composed in tongban.api); unmapped ones are 400.
ERROR_STATUS: dict[ErrorCode, int] = {SealError.PDF_UNREADABLE: 422, SealError.PDF_NOT_SIGNED: 422}
MAX_PDF_BYTES = 20 * 1024 * 1024


class PdfVerificationOut(Schema):
    """The verdict on a PDF's signatures."""

    valid: bool
    reason: str
    signer: str
    seal_id: int | None
    signed_at: str | None
    signature_count: int


class ErrorBody(Schema):
    """A refusal."""

    code: str
    message: str
    field: str | None = None


@router.post("verify/pdf", response={200: PdfVerificationOut, 400: ErrorBody, 422: ErrorBody}, auth=None,
             operation_id="seals_verify_pdf")
def verify_pdf(request: HttpRequest, file: File[UploadedFile]) -> dict[str, Any]:
    """Validate every signature of an uploaded PDF against the platform CA; a changed byte is reported."""
    if (file.size or 0) > MAX_PDF_BYTES:
        raise TongbanError(SealError.PDF_UNREADABLE)
    result = signing.verify_pdf(file.read())
    return {"valid": result.valid, "reason": result.reason, "signer": result.signer, "seal_id": result.seal_id,
            "signed_at": result.signed_at.isoformat() if result.signed_at else None,
            "signature_count": result.signature_count}


@router.get("ca.pem", auth=None, operation_id="seals_root_certificate")
def root_certificate(request: HttpRequest) -> HttpResponse:
    """The platform's seal root certificate (PEM), for relying parties to trust sealed documents."""
    return HttpResponse(ca.root_certificate_pem(), content_type="application/x-pem-file")
