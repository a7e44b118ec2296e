"""Seal registry, keys under the platform CA, data and PDF signatures (SEAL-1, SEAL-2)."""

from __future__ import annotations

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from tests.factories import AgencyFactory, staff
from tests.seals.builders import agency_with_seal, applicant, enterprise_of, operator, plain_pdf
from tongban.core.errors import TongbanError
from tongban.core.models import AuditEvent
from tongban.identity.models import StaffRole
from tongban.seals import ca
from tongban.seals.models import Seal, SealKind, SealStatus, SealUse
from tongban.seals.services import registry, signing

pytestmark = pytest.mark.django_db


def test_seal_1_operator_makes_an_agency_seal_with_its_own_certificate_under_the_platform_ca(trust_dir):
    """SEAL-1: the seal is active at once, its certificate is issued by the CA root kept under the trust folder."""
    agency = AgencyFactory(name="上海市民政局")
    seal = registry.create_agency_seal(operator(), agency, kind=SealKind.AGENCY_BUSINESS)

    assert seal.status == SealStatus.ACTIVE
    assert seal.name == "上海市民政局"
    assert bytes(seal.image_png)[:8] == b"\x89PNG\r\n\x1a\n"
    certificate = x509.load_pem_x509_certificate(seal.certificate_pem.encode())
    root = ca.authority().certificate
    assert certificate.issuer == root.subject
    root_key = root.public_key()
    assert isinstance(root_key, ec.EllipticCurvePublicKey)
    root_key.verify(certificate.signature, certificate.tbs_certificate_bytes, ec.ECDSA(hashes.SHA256()))
    assert (trust_dir / "ca" / "root-cert.pem").exists()
    assert b"PRIVATE KEY" not in (trust_dir / "ca" / "root-key.pem.enc").read_bytes()
    assert AuditEvent.objects.filter(action="seals.seal.created", object_id=str(seal.pk)).count() == 1


def test_seal_1_sm2_has_a_slot_but_is_refused_clearly():
    """SEAL-1: no maintained SM2 implementation is installed, so the algorithm is refused and nothing is made."""
    agency = AgencyFactory()
    with pytest.raises(TongbanError) as refusal:
        registry.create_agency_seal(None, agency, algorithm="sm2")
    assert refusal.value.code == "SEAL_ALGORITHM_UNAVAILABLE"
    assert Seal.objects.count() == 0


def test_seal_1_data_signature_over_canonical_json_verifies_and_detects_a_change():
    """SEAL-1: key order does not matter (canonical form); any changed value fails; every use is logged."""
    _agency, seal = agency_with_seal()
    signature = signing.sign_data(None, seal, {"b": 1, "a": "营业执照"}, reference="L-1")

    assert signing.verify_data({"a": "营业执照", "b": 1}, signature) == seal.pk
    assert signing.verify_data({"a": "营业执照", "b": 2}, signature) is None
    assert SealUse.objects.get().reference == "L-1"


def test_seal_1_ed25519_seal_signs_data():
    """SEAL-1: Ed25519 goes through the same key-store interface."""
    agency = AgencyFactory()
    seal = registry.create_agency_seal(None, agency, algorithm="ed25519")
    signature = signing.sign_data(None, seal, {"x": 1})
    assert signature.algorithm == "ed25519"
    assert signing.verify_data({"x": 1}, signature) == seal.pk


def test_seal_1_pades_signed_pdf_verifies_and_a_one_byte_change_is_reported():
    """SEAL-1: the visible, PAdES-signed PDF validates against the platform root; a changed byte does not."""
    _agency, seal = agency_with_seal()
    signed = signing.sign_pdf(None, seal, plain_pdf(), reference="DOC-1", reason="证明",
                              stamp=signing.StampBox(0, (400, 80, 520, 200)))

    result = signing.verify_pdf(signed)
    assert (result.valid, result.seal_id, result.signer) == (True, seal.pk, "上海市市场监督管理局")

    # change one byte of the page content, well inside the signed range
    position = signed.index(b"stream") + 20
    tampered = signed[:position] + bytes([signed[position] ^ 0x01]) + signed[position + 1:]
    changed = signing.verify_pdf(tampered)
    assert changed.valid is False
    assert changed.reason


def test_seal_1_unsigned_or_garbage_files_are_refused_with_a_code():
    """SEAL-1: verification names what is wrong with the upload."""
    with pytest.raises(TongbanError) as unsigned:
        signing.verify_pdf(plain_pdf())
    assert unsigned.value.code == "SEAL_PDF_NOT_SIGNED"
    with pytest.raises(TongbanError) as garbage:
        signing.verify_pdf(b"not a pdf")
    assert garbage.value.code == "SEAL_PDF_UNREADABLE"


@pytest.mark.parametrize("change", ["suspend", "revoke"])
def test_seal_1_a_suspended_or_revoked_seal_signs_nothing(change):
    """SEAL-1: after suspension or revocation the seal refuses to sign and no use is logged."""
    _agency, seal = agency_with_seal()
    getattr(registry, change)(operator(), seal, "印章介质遗失")
    with pytest.raises(TongbanError) as refusal:
        signing.sign_data(None, seal, {"x": 1})
    assert refusal.value.code == "SEAL_NOT_ACTIVE"
    with pytest.raises(TongbanError):
        signing.sign_pdf(None, seal, plain_pdf())
    assert SealUse.objects.count() == 0


def test_seal_2_a_person_applies_the_operator_approves_and_the_holder_suspends_and_reinstates():
    """SEAL-2: online application, approval makes key and certificate, the holder manages the seal."""
    person = applicant()
    seal = registry.apply(person.user, kind=SealKind.PERSONAL)
    assert (seal.status, seal.key_id, seal.name) == (SealStatus.PENDING, "", "张伟")

    seal = registry.approve(operator(), seal)
    assert seal.status == SealStatus.ACTIVE and seal.certificate_pem

    seal = registry.suspend(person.user, seal, "暂时不用")
    assert seal.status == SealStatus.SUSPENDED
    seal = registry.reinstate(person.user, seal)
    assert seal.status == SealStatus.ACTIVE
    assert list(registry.seals_of(person)) == [seal]


def test_seal_2_an_enterprise_applies_through_its_legal_representative():
    """SEAL-2: the legal representative applies for the enterprise seal; a stranger cannot."""
    representative = applicant(name="李娜")
    enterprise = enterprise_of(representative)
    seal = registry.apply(representative.user, kind=SealKind.ENTERPRISE, enterprise=enterprise)
    assert (seal.enterprise, seal.name) == (enterprise, "上海通办科技有限公司")

    stranger = applicant(name="王芳")
    with pytest.raises(TongbanError) as refusal:
        registry.apply(stranger.user, kind=SealKind.ENTERPRISE, enterprise=enterprise)
    assert refusal.value.code == "SEAL_ENTERPRISE_NOT_HELD"
    with pytest.raises(TongbanError) as duplicate:
        registry.apply(representative.user, kind=SealKind.ENTERPRISE, enterprise=enterprise)
    assert duplicate.value.code == "SEAL_DUPLICATE_PENDING"
    assert Seal.objects.count() == 1


def test_seal_2_application_needs_a_verified_identity():
    """SEAL-2: level 1 (phone only) is not enough to hold a legally binding signature."""
    person = applicant(level=1)
    with pytest.raises(TongbanError) as refusal:
        registry.apply(person.user, kind=SealKind.PERSONAL)
    assert refusal.value.code == "SEAL_LEVEL_TOO_LOW"
    assert Seal.objects.count() == 0


@pytest.mark.parametrize("who", ["holder", "other_person", "case_officer"])
def test_seal_2_only_the_operator_approves_and_refusals_change_nothing(who):
    """SEAL-2: neither the applicant, another person nor agency staff can approve an application."""
    person = applicant()
    seal = registry.apply(person.user, kind=SealKind.PERSONAL)
    actor = {"holder": person.user, "other_person": applicant(name="王芳").user,
             "case_officer": staff(StaffRole.CASE_OFFICER, AgencyFactory())}[who]
    events = AuditEvent.objects.count()
    with pytest.raises(TongbanError) as refusal:
        registry.approve(actor, seal)
    assert refusal.value.code == "IDENTITY_ROLE_REQUIRED"
    seal.refresh_from_db()
    assert (seal.status, seal.key_id) == (SealStatus.PENDING, "")
    assert AuditEvent.objects.count() == events


def test_seal_2_another_person_cannot_suspend_my_seal():
    """SEAL-2: managing a seal is for its holder (or the operator)."""
    person = applicant()
    seal = registry.approve(operator(), registry.apply(person.user, kind=SealKind.PERSONAL))
    with pytest.raises(TongbanError) as refusal:
        registry.suspend(applicant(name="王芳").user, seal, "恶意")
    assert refusal.value.code == "SEAL_NOT_YOUR_SEAL"
    seal.refresh_from_db()
    assert seal.status == SealStatus.ACTIVE
