"""CASE-5: the material library — uploads checked by content and hashed, versions kept, reuse, who may read."""

from __future__ import annotations

import datetime
import hashlib

import pytest

from tests.cases.document_files import (
    JPEG_BYTES,
    OFD_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    stored_files,
    uploaded,
    zip_bytes,
)
from tests.identity.factories import PersonFactory
from tongban.cases.errors import DocumentError
from tongban.cases.models import Document, DocumentVersion
from tongban.cases.services import documents
from tongban.core.errors import TongbanError
from tongban.core.models import AuditEvent

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)


def _snapshot(media_root) -> tuple[int, int, int, list]:
    """Documents, versions, audit events and stored files: a refusal leaves all four as they were."""
    return (Document.objects.count(), DocumentVersion.objects.count(), AuditEvent.objects.count(),
            stored_files(media_root))


def _refused(media_root, call, error: DocumentError) -> TongbanError:
    before = _snapshot(media_root)
    with pytest.raises(TongbanError) as caught:
        call()
    assert caught.value.error is error
    assert _snapshot(media_root) == before
    return caught.value


def test_case_5_an_upload_is_stored_under_a_random_name_with_its_hash_and_detected_type(media_root):
    """CASE-5: the file goes under MEDIA_ROOT with a random name; the applicant's name is only recorded."""
    # Given an applicant and a PDF named after them
    owner = PersonFactory(level=2)

    # When it is stored in the library
    version = documents.store_upload(owner, uploaded("张三身份证.pdf", PDF_BYTES), title="张三的居民身份证",
                                     material_name="居民身份证", valid_until=datetime.date(2030, 1, 1))

    # Then one document with version 1 holds the exact bytes, hashed, typed by content
    assert documents.was_deduplicated(version) is False
    assert (version.number, version.original_name, version.content_type) == (1, "张三身份证.pdf", "application/pdf")
    assert (version.size, version.sha256) == (len(PDF_BYTES), hashlib.sha256(PDF_BYTES).hexdigest())
    document = version.document
    assert (document.owner, document.title, document.material_name) == (owner, "张三的居民身份证", "居民身份证")
    assert document.valid_until == datetime.date(2030, 1, 1)
    files = stored_files(media_root)
    assert len(files) == 1
    assert files[0].read_bytes() == PDF_BYTES
    assert files[0].parent == media_root / "materials" / "2026" / "06"
    assert files[0].suffix == ".pdf"
    assert "张三" not in files[0].name
    assert len(files[0].stem) == 32
    # And the upload is audited
    event = AuditEvent.objects.get(action="cases.document.uploaded")
    assert (event.object_id, event.data["sha256"], event.data["size"]) == (
        str(version.pk), version.sha256, len(PDF_BYTES))


@pytest.mark.parametrize(("name", "content", "content_type"), [
    ("photo.png", PNG_BYTES, "image/png"),
    ("photo.jpg", JPEG_BYTES, "image/jpeg"),
    ("photo.JPEG", JPEG_BYTES, "image/jpeg"),
    ("licence.ofd", OFD_BYTES, "application/ofd"),
])
def test_case_5_each_accepted_type_is_recognised_by_its_content(name, content, content_type):
    """CASE-5: PNG, JPEG (.jpg or .jpeg, any case) and OFD (a ZIP with OFD.xml) are accepted."""
    # Given / When a file of each accepted type is uploaded
    version = documents.store_upload(PersonFactory(), uploaded(name, content, "text/plain"), title="材料")

    # Then the stored content type is the detected one, not the browser's claim
    assert version.content_type == content_type


def test_case_5_a_png_renamed_pdf_is_refused_and_nothing_is_stored(media_root):
    """CASE-5: the content decides; a PNG with a .pdf name is refused, naming the extension and the real type."""
    # Given a PNG image renamed to .pdf
    owner = PersonFactory()

    # When it is uploaded
    error = _refused(media_root, lambda: documents.store_upload(owner, uploaded("scan.pdf", PNG_BYTES), title="扫描件"),
                     DocumentError.TYPE_MISMATCH)

    # Then the refusal says what it is, and no file or row was left behind
    assert error.code == "DOCUMENT_TYPE_MISMATCH"
    assert error.field == "file"
    assert error.message == "文件“scan.pdf”的扩展名为“.pdf”，但内容是PNG 图片，文件内容与扩展名不符"
    assert stored_files(media_root) == []
    assert Document.objects.count() == 0


@pytest.mark.parametrize(("name", "content", "detected"), [
    ("licence.ofd", zip_bytes("readme.txt"), "ZIP 压缩包"),
    ("licence.ofd", b"PK\x03\x04 not really a zip", "ZIP 压缩包"),
    ("form.pdf", b"just some text, not a PDF", "无法识别的格式"),
    ("photo.jpg", PDF_BYTES, "PDF 文档"),
    ("scan.png", OFD_BYTES, "OFD 版式文档"),
])
def test_case_5_content_other_than_the_extension_says_is_refused(media_root, name, content, detected):
    """CASE-5: a ZIP without OFD.xml is no OFD; unknown content and swapped types are all refused."""
    # Given / When the mislabelled file is uploaded
    error = _refused(media_root, lambda: documents.store_upload(PersonFactory(), uploaded(name, content), title="x"),
                     DocumentError.TYPE_MISMATCH)

    # Then the detected type is named
    assert f"但内容是{detected}" in error.message


@pytest.mark.parametrize("name", ["setup.exe", "letter.docx", "noextension", "archive.zip"])
def test_case_5_extensions_outside_the_list_are_refused(media_root, name):
    """CASE-5: only .pdf .ofd .png .jpg .jpeg are accepted."""
    # Given / When a file with another extension is uploaded
    error = _refused(media_root, lambda: documents.store_upload(PersonFactory(), uploaded(name, PDF_BYTES), title="x"),
                     DocumentError.EXTENSION_NOT_ALLOWED)

    # Then the accepted extensions are listed
    assert error.code == "DOCUMENT_EXTENSION_NOT_ALLOWED"
    assert "pdf、ofd、png、jpg、jpeg" in error.message


def test_case_5_a_file_over_the_limit_is_refused_and_one_at_the_limit_accepted(media_root, settings):
    """CASE-5: TONGBAN_UPLOAD_MAX_BYTES bounds the size; the limit itself is allowed."""
    # Given a limit of 1 KiB
    settings.TONGBAN_UPLOAD_MAX_BYTES = 1024
    owner = PersonFactory()
    too_big = PDF_BYTES + b"0" * (1025 - len(PDF_BYTES))

    # When a file of 1025 bytes is uploaded, it is refused and nothing is stored
    error = _refused(media_root, lambda: documents.store_upload(owner, uploaded("big.pdf", too_big), title="大文件"),
                     DocumentError.TOO_LARGE)
    assert error.code == "DOCUMENT_TOO_LARGE"
    assert error.message == "文件“big.pdf”大小为 1.0\xa0KB，超过上限 1.0\xa0KB"

    # And a file of exactly 1024 bytes is accepted
    version = documents.store_upload(owner, uploaded("fits.pdf", too_big[:1024]), title="刚好")
    assert version.size == 1024


def test_case_5_the_default_upload_limit_is_ten_mebibytes():
    """CASE-5: the setting defaults to 10 MiB."""
    from tongban import settings as project_settings

    assert project_settings.TONGBAN_UPLOAD_MAX_BYTES == 10 * 1024 * 1024


def test_case_5_an_empty_file_is_refused(media_root):
    """CASE-5: an empty file is no material."""
    # Given / When an empty PDF is uploaded
    error = _refused(media_root, lambda: documents.store_upload(PersonFactory(), uploaded("blank.pdf", b""), title="x"),
                     DocumentError.EMPTY)

    # Then it is refused by name
    assert error.message == "文件“blank.pdf”是空文件，请重新选择"


def test_case_5_a_missing_title_or_a_past_validity_is_refused(media_root):
    """CASE-5: the library keeps named, still valid materials."""
    owner = PersonFactory()
    # Given / When the title is blank, or the validity ended yesterday
    _refused(media_root, lambda: documents.store_upload(owner, uploaded("a.pdf", PDF_BYTES), title="  "),
             DocumentError.TITLE_REQUIRED)
    error = _refused(media_root, lambda: documents.store_upload(
        owner, uploaded("a.pdf", PDF_BYTES), title="过期证明", valid_until=TODAY - datetime.timedelta(days=1)),
        DocumentError.ALREADY_EXPIRED)

    # Then the validity refusal names the date
    assert error.message == "有效期至 2026-05-31 已过，不能存入材料库"


def test_case_5_the_same_content_twice_returns_the_version_already_stored(media_root):
    """CASE-5: identical content (same SHA-256) in the same library is kept once, whatever its file name."""
    # Given a PDF already in the applicant's library
    owner = PersonFactory()
    first = documents.store_upload(owner, uploaded("a.pdf", PDF_BYTES), title="第一次")

    # When the same bytes are uploaded again under another name and title
    again = documents.store_upload(owner, uploaded("copy.pdf", PDF_BYTES), title="第二次")

    # Then the existing version comes back, flagged, and nothing new is stored
    assert again.pk == first.pk
    assert documents.was_deduplicated(again) is True
    assert (Document.objects.count(), DocumentVersion.objects.count(), len(stored_files(media_root))) == (1, 1, 1)
    assert AuditEvent.objects.filter(action="cases.document.uploaded").count() == 1


def test_case_5_another_applicant_with_the_same_content_gets_their_own_copy(media_root):
    """CASE-5: deduplication never crosses libraries: each holder owns their documents."""
    # Given the same PDF uploaded by two applicants
    first = documents.store_upload(PersonFactory(), uploaded("a.pdf", PDF_BYTES), title="甲")
    second = documents.store_upload(PersonFactory(), uploaded("a.pdf", PDF_BYTES), title="乙")

    # Then each has a document of their own
    assert second.pk != first.pk
    assert documents.was_deduplicated(second) is False
    assert Document.objects.count() == 2


def test_case_5_a_corrected_material_is_a_new_version_and_the_old_one_is_kept(media_root):
    """CASE-5: add_version numbers on; the earlier version and its file stay untouched."""
    # Given a document at version 1
    owner = PersonFactory()
    first = documents.store_upload(owner, uploaded("cert.pdf", PDF_BYTES), title="学历证明")
    corrected = PDF_BYTES + b"% corrected\n"

    # When a corrected file is added
    second = documents.add_version(owner, first.document, uploaded("cert-v2.pdf", corrected))

    # Then version 2 is current, version 1 and its file remain
    assert (second.document_id, second.number, second.original_name) == (first.document_id, 2, "cert-v2.pdf")
    assert second.sha256 == hashlib.sha256(corrected).hexdigest()
    assert first.document.current_version == second
    assert list(first.document.versions.values_list("number", flat=True)) == [1, 2]
    assert sorted(path.read_bytes() for path in stored_files(media_root)) == sorted([PDF_BYTES, corrected])
    first.refresh_from_db()
    assert first.file.read() == PDF_BYTES
    assert AuditEvent.objects.filter(action="cases.document.version_added", object_id=str(second.pk)).count() == 1


def test_case_5_a_new_version_identical_to_the_current_one_is_not_added(media_root):
    """CASE-5: uploading the current content again adds nothing."""
    # Given a document at version 1
    owner = PersonFactory()
    first = documents.store_upload(owner, uploaded("cert.pdf", PDF_BYTES), title="学历证明")

    # When the same bytes are added as a version
    again = documents.add_version(owner, first.document, uploaded("cert.pdf", PDF_BYTES))

    # Then version 1 comes back, flagged
    assert (again.pk, documents.was_deduplicated(again)) == (first.pk, True)
    assert DocumentVersion.objects.count() == 1


def test_case_5_a_version_with_content_held_by_another_document_shares_its_stored_file(media_root):
    """CASE-5: no duplicate storage: the new version points at the file the library already has."""
    # Given two documents with different content
    owner = PersonFactory()
    photo = documents.store_upload(owner, uploaded("photo.png", PNG_BYTES), title="照片")
    scan = documents.store_upload(owner, uploaded("scan.pdf", PDF_BYTES), title="扫描件")

    # When the scan gets a version whose bytes equal the photo's (a PNG, so named .png)
    version = documents.add_version(owner, scan.document, uploaded("scan.png", PNG_BYTES))

    # Then it is version 2 of the scan, stored once
    assert (version.number, version.file.name) == (2, photo.file.name)
    assert len(stored_files(media_root)) == 2


def test_case_5_nobody_adds_a_version_to_someone_elses_document(media_root):
    """CASE-5: a document belongs to its holder; another applicant is refused and nothing changes."""
    # Given a document of one applicant
    document = documents.store_upload(PersonFactory(), uploaded("a.pdf", PDF_BYTES), title="甲的材料").document

    # When another applicant tries to add a version
    error = _refused(media_root, lambda: documents.add_version(
        PersonFactory(), document, uploaded("b.pdf", PDF_BYTES + b"x")), DocumentError.NOT_YOURS)

    # Then the refusal does not tell them more than that
    assert error.message == "材料“甲的材料”不存在或不属于您"


def test_case_5_a_version_is_checked_like_an_upload(media_root):
    """CASE-5: a corrected file that is not what its extension says is refused too."""
    owner = PersonFactory()
    document = documents.store_upload(owner, uploaded("a.pdf", PDF_BYTES), title="材料").document
    _refused(media_root, lambda: documents.add_version(owner, document, uploaded("b.pdf", PNG_BYTES)),
             DocumentError.TYPE_MISMATCH)


def test_case_5_reusable_for_offers_only_documents_still_valid_today():
    """CASE-5: nothing already submitted and still valid is asked again; expired or other materials are not offered."""
    # Given documents of one applicant with several validities and material names
    owner = PersonFactory()

    def add(title: str, content: bytes, material_name: str = "居民身份证", valid_until=None) -> Document:
        return documents.store_upload(owner, uploaded(f"{title}.pdf", PDF_BYTES + content), title=title,
                                      material_name=material_name, valid_until=valid_until).document

    open_ended = add("长期有效", b"1")
    until_today = add("今天到期", b"2", valid_until=TODAY)
    expired = add("已过期", b"3", valid_until=TODAY + datetime.timedelta(days=30))
    Document.objects.filter(pk=expired.pk).update(valid_until=TODAY - datetime.timedelta(days=1))
    add("其他材料", b"4", material_name="户口簿")
    Document.objects.create(owner=owner, title="无文件", material_name="居民身份证")
    documents.store_upload(PersonFactory(), uploaded("x.pdf", PDF_BYTES + b"5"), title="别人的",
                           material_name="居民身份证")

    # When the library is asked for 居民身份证 today
    offered = documents.reusable_for(owner, "居民身份证", today=TODAY)

    # Then only the applicant's versioned documents valid today are offered
    assert {document.pk for document in offered} == {open_ended.pk, until_today.pk}
    # And tomorrow the one valid until today is no longer offered
    tomorrow = documents.reusable_for(owner, "居民身份证", today=TODAY + datetime.timedelta(days=1))
    assert [document.pk for document in tomorrow] == [open_ended.pk]

