"""What a material file really is, told from its content and never from its name (CASE-5).

A small, exact table of magic bytes: PDF starts with ``%PDF-``, PNG with its
eight-byte signature, JPEG with ``FF D8 FF``; an OFD document (GB/T 33190) is a
ZIP package whose root holds ``OFD.xml``, so a ZIP is opened (its directory only,
nothing is decompressed) to look for that entry. The extension the applicant
gave must name the type the content has.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class FileType:
    """A recognised kind of file: its MIME type, how messages name it, and the extensions that announce it."""

    content_type: str
    label: str | Promise
    extensions: tuple[str, ...]

    @property
    def stored_extension(self) -> str:
        """The extension of the stored copy (``jpeg`` files are stored as ``.jpg``)."""
        return self.extensions[0] if self.extensions else "bin"


PDF = FileType("application/pdf", _("PDF 文档"), ("pdf",))
PNG = FileType("image/png", _("PNG 图片"), ("png",))
JPEG = FileType("image/jpeg", _("JPEG 图片"), ("jpg", "jpeg"))
OFD = FileType("application/ofd", _("OFD 版式文档"), ("ofd",))
# Recognised but never accepted: a ZIP that is not an OFD package.
ZIP = FileType("application/zip", _("ZIP 压缩包"), ())
UNKNOWN_LABEL = _("无法识别的格式")

ACCEPTED_TYPES = (PDF, OFD, PNG, JPEG)
ALLOWED_EXTENSIONS = tuple(extension for file_type in ACCEPTED_TYPES for extension in file_type.extensions)

_SIGNATURES: tuple[tuple[bytes, FileType], ...] = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
)
_ZIP_SIGNATURE = b"PK\x03\x04"
_OFD_ROOT_ENTRY = "OFD.xml"
HEAD_LENGTH = 8


def extension_of(name: str) -> str:
    """The lower-case extension of a file name without the dot ("" when there is none)."""
    return PurePath(name).suffix.lower().lstrip(".")


def type_for_extension(extension: str) -> FileType | None:
    """The accepted type an extension announces, or None when the extension is not accepted."""
    for file_type in ACCEPTED_TYPES:
        if extension in file_type.extensions:
            return file_type
    return None


def _is_ofd_package(stream: IO[bytes]) -> bool:
    try:
        with zipfile.ZipFile(stream) as package:
            return _OFD_ROOT_ENTRY in package.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def sniff(stream: IO[bytes]) -> FileType | None:
    """The type of the content of a seekable binary stream, or None when it is none of the known ones.

    The stream is rewound before and after.
    """
    stream.seek(0)
    head = stream.read(HEAD_LENGTH)
    stream.seek(0)
    for signature, file_type in _SIGNATURES:
        if head.startswith(signature):
            return file_type
    if head.startswith(_ZIP_SIGNATURE):
        found = OFD if _is_ofd_package(stream) else ZIP
        stream.seek(0)
        return found
    return None
