"""CASE-5: the applicant's material library pages — list, upload, corrected versions, download."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.cases.document_files import OFD_BYTES, PDF_BYTES, PNG_BYTES, stored_files, uploaded, zip_bytes
from tests.factories import AgencyFactory, staff
from tests.identity.enterprise_builders import DEMO_NAME, registered
from tests.identity.factories import PersonFactory
from tongban.cases.models import Document, DocumentVersion
from tongban.cases.services import documents
from tongban.core.models import AuditEvent
from tongban.identity.models import StaffRole

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _client(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def _form(name: str, content: bytes, **fields: str) -> dict:
    return {"title": "居民身份证", "material_name": "居民身份证", "valid_until": "",
            "file": SimpleUploadedFile(name, content, content_type="application/pdf"), **fields}


@pytest.mark.parametrize(("name", "args"), [
    ("library:home", ()), ("library:upload", ()), ("library:add_version", (1,)), ("library:download", (1,)),
])
def test_case_5_the_library_needs_the_applicant_login(client, name, args):
    """CASE-5: anonymous visitors are sent to the applicant login page."""
    url = reverse(name, args=args)
    response = client.get(url) if name in ("library:home", "library:download") else client.post(url)
    assert response.status_code == 302
    assert response["Location"] == f"/account/login/?next={url}"


def test_case_5_staff_accounts_are_sent_to_the_workbench(client):
    """CASE-5: staff read materials in the workbench (behind the second factor), not through the portal."""
    client.force_login(staff(StaffRole.CASE_OFFICER, AgencyFactory()))
    response = client.get(reverse("library:home"))
    assert response.status_code == 403
    assert "材料库需要使用个人账号登录；工作人员请在工作台查阅办件材料" in _text(response)


def test_case_5_the_library_lists_each_material_with_its_versions():
    """CASE-5: title, guide material, validity, and each version's date, size and hash prefix."""
    # Given a document with two versions
    owner = PersonFactory(level=2)
    first = documents.store_upload(owner, uploaded("id.pdf", PDF_BYTES), title="张三的居民身份证",
                                   material_name="居民身份证")
    documents.add_version(owner, first.document, uploaded("id-v2.pdf", PDF_BYTES + b"%v2\n"))

    # When the owner opens the library
    response = _client(owner).get(reverse("library:home"))

    # Then both versions are listed, newest first, with their details
    text = _text(response)
    assert response.status_code == 200
    assert "张三的居民身份证" in text and "居民身份证" in text and "长期" in text
    assert text.index("第2版") < text.index("第1版")
    assert f"SHA-256 {first.sha256[:12]}…" in text
    assert "2026-06-01" in text and "id-v2.pdf" in text
    assert reverse("library:download", args=[first.pk]) in response.content.decode()


def test_case_5_an_upload_through_the_page_lands_in_the_library(media_root):
    """CASE-5: the upload form stores the file and says so."""
    # Given a logged-in applicant
    owner = PersonFactory(level=2)

    # When a PDF is uploaded with a validity
    response = _client(owner).post(reverse("library:upload"), _form("身份证.pdf", PDF_BYTES, valid_until="2030-12-31"),
                                   follow=True)

    # Then it is in the library and the page confirms it
    version = DocumentVersion.objects.get()
    assert (version.document.owner, version.document.valid_until.isoformat()) == (owner, "2030-12-31")
    assert version.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert "材料“居民身份证”已存入材料库" in _text(response)
    assert len(stored_files(media_root)) == 1


def test_case_5_a_png_renamed_pdf_is_refused_on_the_form_and_nothing_is_stored(media_root):
    """CASE-5: the form shows the refusal with its code; no file and no row are left behind."""
    # Given / When a PNG named .pdf is uploaded through the page
    before = AuditEvent.objects.count()
    response = _client(PersonFactory()).post(reverse("library:upload"), _form("scan.pdf", PNG_BYTES))

    # Then the form comes back with the reason
    assert response.status_code == 200
    assert "文件“scan.pdf”的扩展名为“.pdf”，但内容是PNG 图片，文件内容与扩展名不符（DOCUMENT_TYPE_MISMATCH）" in _text(
        response)
    assert (Document.objects.count(), AuditEvent.objects.count(), stored_files(media_root)) == (0, before, [])


def test_case_5_an_upload_spooled_to_disk_is_checked_and_stored_the_same(media_root, settings):
    """CASE-5: a file Django writes to a temporary file (over FILE_UPLOAD_MAX_MEMORY_SIZE) is sniffed and hashed too."""
    # Given uploads are spooled to disk from the first byte
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    client = _client(PersonFactory())

    # When an OFD and a ZIP renamed .ofd are uploaded
    client.post(reverse("library:upload"), _form("licence.ofd", OFD_BYTES, title="电子证照"))
    refused = client.post(reverse("library:upload"), _form("fake.ofd", zip_bytes("readme.txt"), title="假的"))

    # Then the OFD is stored with its type and hash, the ZIP refused
    version = DocumentVersion.objects.get()
    assert (version.content_type, version.sha256) == ("application/ofd", hashlib.sha256(OFD_BYTES).hexdigest())
    assert [path.read_bytes() for path in stored_files(media_root)] == [OFD_BYTES]
    assert "但内容是ZIP 压缩包" in _text(refused)


def test_case_5_the_same_file_uploaded_twice_is_kept_once():
    """CASE-5: the page says the file is already in the library."""
    client = _client(PersonFactory())
    client.post(reverse("library:upload"), _form("a.pdf", PDF_BYTES))
    response = client.post(reverse("library:upload"), _form("b.pdf", PDF_BYTES, title="又一次"), follow=True)
    assert "该文件已在材料库中（“居民身份证”第1版），未重复保存" in _text(response)
    assert DocumentVersion.objects.count() == 1


def test_case_5_a_corrected_file_becomes_the_next_version_through_the_page():
    """CASE-5: the add-version form keeps the old version and adds the new one."""
    # Given a document in the library
    owner = PersonFactory()
    document = documents.store_upload(owner, uploaded("a.pdf", PDF_BYTES), title="学历证明").document

    # When a corrected file is uploaded for it
    response = _client(owner).post(reverse("library:add_version", args=[document.pk]),
                                   {"file": SimpleUploadedFile("a2.pdf", PDF_BYTES + b"%2\n")}, follow=True)

    # Then it is version 2 and the page says the earlier one is kept
    assert list(document.versions.values_list("number", flat=True)) == [1, 2]
    assert "材料“学历证明”已更新为第2版，以前的版本仍然保留" in _text(response)


def test_case_5_another_applicants_document_gets_no_version_through_the_page(media_root):
    """CASE-5: the refusal is shown and nothing changes."""
    document = documents.store_upload(PersonFactory(), uploaded("a.pdf", PDF_BYTES), title="甲的材料").document
    before = (DocumentVersion.objects.count(), stored_files(media_root))
    response = _client(PersonFactory()).post(reverse("library:add_version", args=[document.pk]),
                                             {"file": SimpleUploadedFile("b.pdf", PDF_BYTES + b"x")}, follow=True)
    assert "材料“甲的材料”不存在或不属于您（DOCUMENT_NOT_YOURS）" in _text(response)
    assert (DocumentVersion.objects.count(), stored_files(media_root)) == before


def test_case_5_the_owner_downloads_the_file_as_an_attachment_of_its_detected_type():
    """CASE-5: Content-Disposition attachment, the stored content type, and no sniffing by the browser."""
    # Given a PDF in the library
    owner = PersonFactory()
    version = documents.store_upload(owner, uploaded("身份证.pdf", PDF_BYTES), title="身份证")

    # When the owner downloads it
    response = _client(owner).get(reverse("library:download", args=[version.pk]))

    # Then the bytes come back as an attachment named as uploaded
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%E8%BA%AB%E4%BB%BD%E8%AF%81.pdf"


def test_case_5_another_applicant_cannot_download_and_learns_nothing():
    """CASE-5: someone else's material answers like a missing one."""
    version = documents.store_upload(PersonFactory(), uploaded("a.pdf", PDF_BYTES), title="甲的材料")
    response = _client(PersonFactory()).get(reverse("library:download", args=[version.pk]))
    missing = _client(PersonFactory()).get(reverse("library:download", args=[version.pk + 1000]))
    assert (response.status_code, missing.status_code) == (404, 404)
    assert "材料不存在，或您无权查看（DOCUMENT_ACCESS_DENIED）" in _text(response)
    assert "甲的材料" not in _text(response)


def test_case_5_acting_for_an_enterprise_shows_and_fills_the_enterprises_library():
    """CASE-5 with ID-4: while acting for the enterprise, uploads go to its library and the page is its."""
    # Given the legal representative acting for the enterprise, with a personal document of their own
    representative, enterprise, root = registered()
    documents.store_upload(representative, uploaded("mine.pdf", PDF_BYTES + b"mine"), title="个人材料")
    client = _client(representative)
    client.post(reverse("enterprise:act_as", args=[root.pk]))

    # When a file is uploaded through the library page
    response = client.post(reverse("library:upload"), _form("执照.pdf", PDF_BYTES, title="营业执照"), follow=True)

    # Then it belongs to the enterprise and the page shows only the enterprise's library
    assert Document.objects.get(title="营业执照").enterprise == enterprise
    text = _text(response)
    assert f"「{DEMO_NAME}」的材料库" in text
    assert "营业执照" in text and "个人材料" not in text
