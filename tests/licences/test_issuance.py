"""Issuing, signing, rendering and revoking licences (LIC-1, CASE-9, SEAL-1)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from tests.factories import AgencyFactory, staff
from tests.licences.builders import business_licence, days_later, id_card, issuers
from tests.seals.builders import applicant, operator
from tongban.core.errors import TongbanError
from tongban.core.models import AuditEvent
from tongban.identity.models import StaffRole
from tongban.licences.models import Licence, LicenceStatus
from tongban.licences.services import issuance, show
from tongban.seals import ca
from tongban.seals.models import SealUse
from tongban.seals.services import registry, signing

pytestmark = pytest.mark.django_db


def test_lic_1_a_licence_is_signed_with_the_issuing_seal_and_its_pdf_is_pades_signed():
    """LIC-1: data signature over the canonical fields verifies; the PDF verifies; both uses are logged."""
    agencies = issuers()
    enterprise, licence = business_licence(agencies.market)

    assert licence.holder_enterprise == enterprise
    assert licence.status == LicenceStatus.VALID
    assert licence.valid_until is None
    assert issuance.signature_intact(licence)
    assert issuance.licence_fields(licence)["uscc"] == enterprise.uscc
    result = signing.verify_pdf(bytes(licence.pdf))
    assert (result.valid, result.seal_id, result.signer) == (True, licence.seal_id, "上海市市场监督管理局")
    assert sorted(SealUse.objects.filter(reference=licence.number).values_list("purpose", flat=True)) == [
        "data", "pdf"]
    assert AuditEvent.objects.filter(action="licences.licence.issued", object_id=str(licence.pk)).count() == 1


def test_lic_1_personal_numbers_are_encrypted_at_rest_and_masked_in_public():
    """LIC-1 / SEC-4: the stored fields are ciphertext; the public copy masks the ID number and address."""
    agencies = issuers()
    holder = applicant()
    licence = id_card(holder, agencies.police)
    number = holder.document_number
    assert number not in licence.fields_encrypted
    assert licence.public_fields["id_number"] == number[:4] + "*" * 10 + number[-4:]
    assert licence.public_fields["address"] == "上海市黄浦区****"
    assert licence.valid_until == licence.valid_from.replace(year=licence.valid_from.year + 20) - days_later(1)


def test_lic_1_a_changed_field_breaks_the_data_signature():
    """LIC-1: the signature covers every field."""
    agencies = issuers()
    licence = id_card(applicant(), agencies.police)
    licence.holder_name = "李四"
    assert issuance.signature_intact(licence) is False


def _root_context() -> ValidationContext:
    root = asn1_x509.Certificate.load(ca.authority().certificate.public_bytes(serialization.Encoding.DER))
    return ValidationContext(trust_roots=[root], allow_fetching=False)


def _flip_inside_signed_range(pdf: bytes) -> bytes:
    position = pdf.index(b"/Type /Page") + 3 if b"/Type /Page" in pdf else len(pdf) // 3
    return pdf[:position] + bytes([pdf[position] ^ 0x20]) + pdf[position + 1:]


def test_lic_1_pyhanko_validates_the_licence_pdf_against_our_root_and_rejects_a_changed_byte():
    """LIC-1 / SEAL-1: pyHanko's own validator, with only our CA root trusted: intact, valid, trusted;
    one changed byte makes it not intact."""
    agencies = issuers()
    _enterprise, licence = business_licence(agencies.market)
    pdf = bytes(licence.pdf)

    status = validate_pdf_signature(PdfFileReader(__import__("io").BytesIO(pdf)).embedded_signatures[0],
                                    _root_context())
    assert (status.intact, status.valid, status.trusted, status.bottom_line) == (True, True, True, True)

    tampered = _flip_inside_signed_range(pdf)
    changed = validate_pdf_signature(PdfFileReader(__import__("io").BytesIO(tampered), strict=False)
                                     .embedded_signatures[0], _root_context())
    assert changed.intact is False
    assert changed.bottom_line is False


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils not installed")
def test_lic_1_poppler_pdfsig_independently_reports_the_signature_valid_and_a_changed_byte_invalid(tmp_path):
    """LIC-1 / SEAL-1: poppler's pdfsig (NSS) checks the CMS signature and the digest of the signed ranges.

    No ``certutil`` is installed to build an NSS database trusting our root, so
    ``-nocert`` skips the chain check here (pyHanko checks the chain above);
    pdfsig still verifies the signature value and the document digest.
    """
    agencies = issuers()
    _enterprise, licence = business_licence(agencies.market)
    good, bad = tmp_path / "licence.pdf", tmp_path / "tampered.pdf"
    good.write_bytes(bytes(licence.pdf))
    bad.write_bytes(_flip_inside_signed_range(bytes(licence.pdf)))

    report = subprocess.run(["pdfsig", "-nocert", str(good)], capture_output=True, text=True, check=False).stdout
    assert "Signature Validation: Signature is Valid." in report
    assert "Signer Certificate Common Name: 上海市市场监督管理局" in report
    assert "Signature Type: ETSI.CAdES.detached" in report

    tampered = subprocess.run(["pdfsig", "-nocert", str(bad)], capture_output=True, text=True, check=False).stdout
    assert "Signature Validation: Signature is Valid." not in tampered
    assert "Digest Mismatch" in tampered


def test_lic_1_a_field_that_breaks_the_schema_is_refused_and_nothing_is_issued():
    """LIC-1 (bad input): the type's JSON Schema decides; nothing is signed or stored."""
    agencies = issuers()
    with pytest.raises(TongbanError) as refusal:
        id_card(applicant(), agencies.police, sex="未知")
    assert refusal.value.code == "LICENCE_FIELDS_INVALID"
    assert refusal.value.field == "sex"
    assert (Licence.objects.count(), SealUse.objects.count()) == (0, 0)


def test_lic_1_an_agency_without_an_active_seal_issues_nothing():
    """LIC-1 / SEAL-1: a revoked seal cannot sign, so the licence is refused."""
    agencies = issuers()
    registry.revoke(operator(), registry.agency_seal(agencies.police), "印章更换")
    with pytest.raises(TongbanError) as refusal:
        id_card(applicant(), agencies.police)
    assert refusal.value.code == "LICENCE_NO_SEAL"
    assert Licence.objects.count() == 0


def test_lic_1_the_holder_kind_and_the_issuing_agency_are_checked():
    """LIC-1: a business licence needs an enterprise; only the type's agency (or below it) issues it."""
    agencies = issuers()
    with pytest.raises(TongbanError) as kind:
        issuance.issue(None, "business_licence", agency=agencies.market, person=applicant(), fields={})
    assert kind.value.code == "LICENCE_HOLDER_KIND_MISMATCH"
    with pytest.raises(TongbanError) as agency:
        id_card(applicant(), agencies.market)
    assert agency.value.code == "LICENCE_AGENCY_NOT_ISSUER"
    assert Licence.objects.count() == 0


@pytest.mark.parametrize("role", [StaffRole.COUNTER_STAFF, StaffRole.CASE_OFFICER])
def test_lic_1_staff_of_another_agency_cannot_issue_and_nothing_changes(role):
    """LIC-1: the issuing role must cover the issuing agency."""
    agencies = issuers()
    outsider = staff(role, AgencyFactory(name="上海市卫生健康委员会"))
    events = AuditEvent.objects.count()
    with pytest.raises(TongbanError) as refusal:
        issuance.issue(outsider, "resident_id_card", agency=agencies.police, person=applicant(), fields={})
    assert refusal.value.code in {"IDENTITY_ROLE_REQUIRED", "IDENTITY_AGENCY_OUT_OF_SCOPE"}
    assert Licence.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_lic_1_revocation_and_expiry_show_everywhere_at_once(fixed_clock):
    """LIC-1: status is computed at read time: the QR-link page shows revoked right after revocation."""
    agencies = issuers()
    holder = applicant()
    permit = issuance.issue(None, "residence_permit", agency=agencies.police, person=holder,
                            fields={"address": "上海市浦东新区", "reason": "就业"})
    assert show.verify_link(permit.number, permit.verify_code).status == LicenceStatus.VALID
    fixed_clock.shift(days_later(366))
    assert show.verify_link(permit.number, permit.verify_code).status == LicenceStatus.EXPIRED

    card = id_card(holder, agencies.police)
    officer = staff(StaffRole.CASE_OFFICER, agencies.police)
    issuance.revoke(officer, card, "证件信息有误，重新签发")
    assert show.verify_link(card.number, card.verify_code).status == LicenceStatus.REVOKED
    with pytest.raises(TongbanError) as again:
        issuance.revoke(officer, card, "再次注销")
    assert again.value.code == "LICENCE_ALREADY_REVOKED"


def test_case_9_a_proof_certificate_is_issued_electronically_for_ninety_days():
    """CASE-9: a proof (证明) is a licence type flagged is_proof, valid 90 days, verifiable like any licence."""
    agencies = issuers()
    proof = issuance.issue(None, "no_criminal_record_proof", agency=agencies.police, person=applicant(),
                           fields={"purpose": "出国留学", "statement": "经查询，未发现该人有犯罪记录。"})
    assert proof.licence_type.is_proof
    assert (proof.valid_until - proof.valid_from).days == 90
    assert signing.verify_pdf(bytes(proof.pdf)).valid


def test_lic_1_idempotent_issuance_returns_the_same_licence_and_a_different_request_is_refused():
    """LIC-1: an agency system retrying with the same idempotency key gets the same licence."""
    agencies = issuers()
    holder = applicant()
    first = issuance.issue(None, "resident_id_card", agency=agencies.police, person=holder, fields={},
                           idempotency_key="req-1")
    again = issuance.issue(None, "resident_id_card", agency=agencies.police, person=holder, fields={},
                           idempotency_key="req-1")
    assert again.pk == first.pk
    with pytest.raises(TongbanError) as conflict:
        issuance.issue(None, "resident_id_card", agency=agencies.police, person=applicant(name="王芳"), fields={},
                       idempotency_key="req-1")
    assert conflict.value.code == "LICENCE_IDEMPOTENCY_CONFLICT"
    assert Licence.objects.count() == 1
