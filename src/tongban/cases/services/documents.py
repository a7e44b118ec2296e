"""The material library (材料库, CASE-5): uploads checked and hashed, corrected versions, reuse, downloads.

An upload is refused before anything is stored when it is empty, larger than
``settings.TONGBAN_UPLOAD_MAX_BYTES``, has an extension other than .pdf .ofd
.png .jpg .jpeg, or its content is not what the extension says (see
:mod:`document_types`). Accepted files are stored under ``MEDIA_ROOT`` with a
random name (never the applicant's file name, which is only recorded), with the
content type detected from the content and the SHA-256 computed while streaming.

The same content uploaded again into the same library returns the version
already there (``was_deduplicated(version)`` is then True) instead of storing
it twice. A library is a person's own documents or, while the person acts for
an enterprise through an active grant, the enterprise's.

Downloads (:func:`open_version`) are for the holder, or for staff whose role
covers the handling or accepting agency of a case that uses the version; every
staff read is audited (``cases.document.viewed``).
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.agencies.models import Agency
from tongban.cases.errors import DocumentError
from tongban.cases.models import Case, CaseState, Channel, Document, DocumentVersion
from tongban.cases.services import document_types
from tongban.cases.services.document_types import FileType
from tongban.core import audit
from tongban.core.errors import TongbanError
from tongban.identity.models import Enterprise, EnterpriseGrant, Person, StaffRole, User
from tongban.identity.services import holds_role
from tongban.identity.services.enterprise_sessions import person_of, require_active_chain

# Staff roles that read a case's materials at the agency that handles or accepted it.
STAFF_READ_ROLES = (StaffRole.CASE_OFFICER, StaffRole.APPROVER, StaffRole.COUNTER_STAFF, StaffRole.AGENCY_ADMIN)
HASH_CHUNK_BYTES = 64 * 1024
_DEDUPLICATED = "deduplicated"


@dataclass(frozen=True)
class CheckedUpload:
    """What the checks found out about an upload before it is stored."""

    original_name: str
    file_type: FileType
    size: int
    sha256: str


def was_deduplicated(version: DocumentVersion) -> bool:
    """True when the upload that returned ``version`` matched content already in the library."""
    return bool(getattr(version, _DEDUPLICATED, False))


def _mark(version: DocumentVersion, deduplicated: bool) -> DocumentVersion:
    setattr(version, _DEDUPLICATED, deduplicated)
    return version


def _original_name(uploaded_file: UploadedFile) -> str:
    name = (uploaded_file.name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return name[-255:] or "material"


def inspect_upload(uploaded_file: UploadedFile) -> CheckedUpload:
    """Check size, extension and content type and hash the content; refuse with a :class:`DocumentError`."""
    name = _original_name(uploaded_file)
    limit = settings.TONGBAN_UPLOAD_MAX_BYTES
    if uploaded_file.size is not None and uploaded_file.size > limit:
        raise TongbanError(DocumentError.TOO_LARGE, field="file", name=name,
                           size=filesizeformat(uploaded_file.size), limit=filesizeformat(limit))
    extension = document_types.extension_of(name)
    announced = document_types.type_for_extension(extension)
    if announced is None:
        raise TongbanError(DocumentError.EXTENSION_NOT_ALLOWED, field="file", extension=extension or _("（无）"),
                           allowed="、".join(document_types.ALLOWED_EXTENSIONS))
    digest, size = hashlib.sha256(), 0
    for chunk in uploaded_file.chunks(HASH_CHUNK_BYTES):
        size += len(chunk)
        if size <= limit:
            digest.update(chunk)
    if size > limit:
        raise TongbanError(DocumentError.TOO_LARGE, field="file", name=name,
                           size=filesizeformat(size), limit=filesizeformat(limit))
    if size == 0:
        raise TongbanError(DocumentError.EMPTY, field="file", name=name)
    detected = document_types.sniff(uploaded_file)  # type: ignore[arg-type]
    if detected is not announced:
        label = detected.label if detected is not None else document_types.UNKNOWN_LABEL
        raise TongbanError(DocumentError.TYPE_MISMATCH, field="file", name=name, extension=f".{extension}",
                           detected=label)
    return CheckedUpload(name, announced, size, digest.hexdigest())


def _active_member(person: Person, enterprise: Enterprise) -> bool:
    grants = EnterpriseGrant.objects.active().filter(person=person, enterprise=enterprise)
    for grant in grants.select_related("parent__parent"):
        try:
            require_active_chain(grant)
        except TongbanError:
            continue
        return True
    return False


def require_member(person: Person, enterprise: Enterprise) -> None:
    """Refuse unless ``person`` holds an active grant (with an active chain above it) for ``enterprise``."""
    if not _active_member(person, enterprise):
        raise TongbanError(DocumentError.NOT_ENTERPRISE_MEMBER, name=enterprise.name)


def _holds(person: Person, document: Document) -> bool:
    if document.enterprise is None:
        return document.owner_id == person.pk
    return _active_member(person, document.enterprise)


def library(owner: Person, *, enterprise: Enterprise | None = None) -> QuerySet[Document]:
    """The holder's own documents, or the enterprise's when acting for it (membership checked), newest first."""
    if enterprise is not None:
        require_member(owner, enterprise)
        documents = Document.objects.filter(enterprise=enterprise)
    else:
        documents = Document.objects.filter(owner=owner, enterprise__isnull=True)
    return documents.select_related("owner", "enterprise").prefetch_related("versions")


def reusable_for(owner: Person, material_name: str, *, today: datetime.date,
                 enterprise: Enterprise | None = None) -> list[Document]:
    """CASE-5: documents filed under ``material_name`` that are still valid ``today`` and have a version."""
    still_valid = Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    documents = library(owner, enterprise=enterprise).filter(still_valid, material_name=material_name.strip())
    return list(documents.filter(versions__isnull=False).distinct())


def _existing(owner: Person, enterprise: Enterprise | None, sha256: str) -> DocumentVersion | None:
    in_library = Q(document__enterprise=enterprise) if enterprise is not None else Q(
        document__owner=owner, document__enterprise__isnull=True
    )
    found = DocumentVersion.objects.filter(in_library, sha256=sha256).select_related("document")
    return found.order_by("-document__created_at", "-number").first()


def _store(version: DocumentVersion, uploaded_file: UploadedFile, checked: CheckedUpload) -> None:
    random_name = f"{secrets.token_hex(16)}.{checked.file_type.stored_extension}"
    version.file.save(random_name, uploaded_file, save=False)


def _create_version(document: Document, number: int, uploaded_file: UploadedFile, checked: CheckedUpload,
                    same_content: DocumentVersion | None = None) -> DocumentVersion:
    """Save the version row; store the file unless ``same_content`` already holds it (then share its file)."""
    version = DocumentVersion(
        document=document, number=number, original_name=checked.original_name,
        content_type=checked.file_type.content_type, size=checked.size, sha256=checked.sha256,
    )
    if same_content is not None:
        version.file.name = same_content.file.name
        version.save()
        return version
    _store(version, uploaded_file, checked)
    try:
        version.save()
    except Exception:
        version.file.storage.delete(version.file.name)
        raise
    return version


def _audit_data(version: DocumentVersion, **extra: Any) -> dict[str, Any]:
    document = version.document
    data = {"document_id": document.pk, "number": version.number, "sha256": version.sha256,
            "size": version.size, "content_type": version.content_type, **extra}
    if document.enterprise is not None:
        data["enterprise"] = document.enterprise.uscc
    return data


def store_upload(owner: Person, uploaded_file: UploadedFile, *, title: str, material_name: str = "",
                 enterprise: Enterprise | None = None, valid_until: datetime.date | None = None
                 ) -> DocumentVersion:
    """Put an uploaded material into the library as a new document (version 1), or return the identical one.

    Refuses (changing nothing, storing nothing) an empty title, a validity already
    past, an enterprise the owner does not act for, and any file the checks of
    :func:`inspect_upload` refuse.
    """
    title = (title or "").strip()
    if not title:
        raise TongbanError(DocumentError.TITLE_REQUIRED, field="title")
    if valid_until is not None and valid_until < timezone.localdate():
        raise TongbanError(DocumentError.ALREADY_EXPIRED, field="valid_until", valid_until=valid_until.isoformat())
    if enterprise is not None:
        require_member(owner, enterprise)
    checked = inspect_upload(uploaded_file)
    with transaction.atomic():
        # One upload at a time per holder, so two identical uploads cannot both miss the other.
        Person.objects.select_for_update().filter(pk=owner.pk).first()
        existing = _existing(owner, enterprise, checked.sha256)
        if existing is not None:
            return _mark(existing, True)
        document = Document.objects.create(
            owner=owner, enterprise=enterprise, title=title[:200], material_name=material_name.strip()[:200],
            valid_until=valid_until,
        )
        version = _create_version(document, 1, uploaded_file, checked)
        audit.record("cases.document.uploaded", actor=owner.user, obj=version, data=_audit_data(version))
    return _mark(version, False)


def add_version(owner: Person, document: Document, uploaded_file: UploadedFile) -> DocumentVersion:
    """A corrected material: a new version of ``document``; the old versions are kept.

    The same content as the current version returns the current version; content
    the library already holds elsewhere shares that stored file. Refused for a
    document the owner does not hold (someone else's, or an enterprise's they no
    longer act for).
    """
    if not _holds(owner, document):
        raise TongbanError(DocumentError.NOT_YOURS, title=document.title)
    checked = inspect_upload(uploaded_file)
    with transaction.atomic():
        locked = Document.objects.select_for_update(of=("self",)).select_related("enterprise").get(pk=document.pk)
        if not _holds(owner, locked):
            raise TongbanError(DocumentError.NOT_YOURS, title=locked.title)
        current = locked.versions.order_by("-number").first()
        if current is not None and current.sha256 == checked.sha256:
            return _mark(current, True)
        same_content = _existing(locked.owner, locked.enterprise, checked.sha256)
        number = current.number + 1 if current is not None else 1
        version = _create_version(locked, number, uploaded_file, checked, same_content)
        audit.record("cases.document.version_added", actor=owner.user, obj=version,
                     data=_audit_data(version, shared_file=same_content is not None))
    return _mark(version, False)


def _reading_agency(user: User, version: DocumentVersion) -> tuple[Agency, Case] | None:
    """The agency (and case) through which a staff user may read ``version``, or None."""
    # A draft has not reached the agency yet, unless a window clerk is filing it at the counter.
    filed = ~Q(state=CaseState.DRAFT) | Q(channel=Channel.COUNTER)
    cases = Case.objects.filter(filed, materials__document_version=version).select_related(
        "handling_agency", "accepting_agency"
    )
    for case in cases.distinct():
        for agency in (case.handling_agency, case.accepting_agency):
            if agency is not None and any(holds_role(user, role, agency) for role in STAFF_READ_ROLES):
                return agency, case
    return None


def open_version(viewer_user: User | AnonymousUser | None, version: DocumentVersion) -> FieldFile:
    """The stored file of ``version``, opened for reading, for someone allowed to read it.

    Allowed: the holder (the owner of a personal document, an active member of
    the enterprise for an enterprise's), and staff whose case-handling role
    covers the handling or accepting agency of a case using the version; the
    staff read is audited. Anyone else is refused with ``DOCUMENT_ACCESS_DENIED``.
    """
    if viewer_user is None or not viewer_user.is_authenticated or not viewer_user.is_active:
        raise TongbanError(DocumentError.ACCESS_DENIED)
    document = version.document
    person = person_of(viewer_user)
    if person is not None and _holds(person, document):
        return version.file.open("rb")
    reading = _reading_agency(viewer_user, version) if isinstance(viewer_user, User) else None
    if reading is None:
        raise TongbanError(DocumentError.ACCESS_DENIED)
    agency, case = reading
    with transaction.atomic():
        audit.record("cases.document.viewed", actor=viewer_user, agency_id=agency.pk, obj=version,
                     data=_audit_data(version, case=case.number, owner_id=document.owner_id))
    return version.file.open("rb")
