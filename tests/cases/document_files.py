"""Files for the material-library tests (CASE-5): real magic bytes of each type, and a case that uses a version."""

from __future__ import annotations

import io
import itertools
import zipfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import published_item
from tongban.agencies.models import Agency
from tongban.cases.models import Case, CaseMaterial, CaseState, Channel, DocumentVersion, MaterialProvision

PDF_BYTES = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def zip_bytes(*entries: str) -> bytes:
    """A ZIP package holding the named entries (each with a line of XML)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for entry in entries:
            package.writestr(entry, "<?xml version='1.0'?><ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>")
    return buffer.getvalue()


OFD_BYTES = zip_bytes("OFD.xml", "Doc_0/Document.xml")


def uploaded(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    """What Django hands a view for an uploaded file; the browser's claimed type is deliberately generic."""
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(media_root: Path) -> list[Path]:
    """Every file under MEDIA_ROOT (the tests point it at a temporary folder)."""
    return sorted(path for path in media_root.rglob("*") if path.is_file()) if media_root.exists() else []


_numbers = itertools.count(1)


def case_using(version: DocumentVersion, handling_agency: Agency, *, state: str = CaseState.SUBMITTED,
               accepting_agency: Agency | None = None, channel: str = Channel.PC) -> Case:
    """A case of the version's owner that provides its first guide material with ``version``."""
    item = published_item(handling_agency)
    case = Case.objects.create(
        number=f"TEST{next(_numbers):08d}", item=item, version=item.published_version,
        applicant=version.document.owner, channel=channel, handling_agency=handling_agency,
        accepting_agency=accepting_agency, state=state,
    )
    CaseMaterial.objects.create(
        case=case, guide_material=item.published_version.materials.first(), provision=MaterialProvision.UPLOADED,
        document_version=version,
    )
    return case
