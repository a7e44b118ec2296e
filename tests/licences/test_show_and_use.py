"""Show and verify (LIC-3), use in applications with consent (LIC-2, CASE-5), other regions (LIC-4)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from tests.licences.builders import OtherRegion, business_licence, id_card, issuers
from tests.seals.builders import applicant, operator
from tongban.core.errors import TongbanError
from tongban.core.models import AuditEvent
from tongban.licences.models import ForeignLicence, LicenceStatus, LicenceUse, ShowToken, TrustedIssuer
from tongban.licences.services import issuance, regions, show, uses, wallet

pytestmark = pytest.mark.django_db


def test_lic_3_a_show_token_verifies_without_login_with_masked_numbers_and_bounded_uses():
    """LIC-3: the verifier sees essentials with the ID number masked; the token works 3 times, then is used up."""
    agencies = issuers()
    holder = applicant()
    licence = id_card(holder, agencies.police)
    shown = show.create_token(holder.user, licence)

    first = show.verify_token(shown.token)
    assert (first.number, first.status, first.issuer_name, first.uses_left) == (
        licence.number, LicenceStatus.VALID, "上海市公安局", 2)
    assert dict(first.fields)["公民身份号码"] == licence.public_fields["id_number"]
    assert holder.document_number not in str(first.as_dict())
    show.verify_token(shown.token)
    show.verify_token(shown.token)
    with pytest.raises(TongbanError) as replay:
        show.verify_token(shown.token)
    assert replay.value.code == "LICENCE_TOKEN_USED_UP"
    assert ShowToken.objects.get().use_count == 3
    assert LicenceUse.objects.get().purpose == "shown"


def test_lic_3_expired_and_tampered_tokens_are_refused(fixed_clock):
    """LIC-3: a token past its 5 minutes, or with a changed character, is refused with its reason."""
    agencies = issuers()
    holder = applicant()
    shown = show.create_token(holder.user, id_card(holder, agencies.police))
    payload, _colon, rest = shown.token.partition(":")
    forged = ("A" if payload[0] != "A" else "B") + payload[1:] + ":" + rest
    with pytest.raises(TongbanError) as tampered:
        show.verify_token(forged)
    assert tampered.value.code == "LICENCE_TOKEN_TAMPERED"
    with pytest.raises(TongbanError) as malformed:
        show.verify_token("nonsense")
    assert malformed.value.code == "LICENCE_TOKEN_MALFORMED"

    fixed_clock.shift(datetime.timedelta(minutes=6))
    with pytest.raises(TongbanError) as expired:
        show.verify_token(shown.token)
    assert expired.value.code == "LICENCE_TOKEN_EXPIRED"
    assert ShowToken.objects.get().use_count == 0


def test_lic_3_only_the_holder_shows_and_a_revoked_licence_cannot_be_shown():
    """LIC-3: another person cannot make a token for my licence; revocation shows on a live token at once."""
    agencies = issuers()
    holder = applicant()
    licence = id_card(holder, agencies.police)
    with pytest.raises(TongbanError) as stranger:
        show.create_token(applicant(name="王芳").user, licence)
    assert stranger.value.code == "LICENCE_NOT_YOUR_LICENCE"

    shown = show.create_token(holder.user, licence)
    issuance.revoke(None, licence, "证件遗失补领")
    assert show.verify_token(shown.token).status == LicenceStatus.REVOKED
    with pytest.raises(TongbanError) as revoked:
        show.create_token(holder.user, licence)
    assert revoked.value.code == "LICENCE_NOT_VALID"


def test_lic_3_the_public_verify_page_needs_no_login_and_refuses_clearly():
    """LIC-3: /verify/show/<token>/ shows the licence to an anonymous visitor; a bad token gets its code."""
    agencies = issuers()
    holder = applicant()
    licence = id_card(holder, agencies.police)
    shown = show.create_token(holder.user, licence)
    anonymous = Client()

    page = anonymous.get(f"/verify/show/{shown.token}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert licence.number in text and "上海市公安局" in text and licence.public_fields["id_number"] in text
    assert holder.document_number not in text

    refused = anonymous.get("/verify/show/bad:token/")
    assert refused.status_code == 400
    assert "LICENCE_TOKEN_TAMPERED" in refused.content.decode()

    qr_page = anonymous.get(f"/verify/licences/{licence.number}/{licence.verify_code}/")
    assert qr_page.status_code == 200
    assert anonymous.get(f"/verify/licences/{licence.number}/wrong/").status_code == 400


def test_seal_1_the_public_pdf_verify_page_reports_valid_and_changed_files():
    """SEAL-1: anyone uploads a sealed PDF at /verify/pdf/ and is told whether it is intact."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    agencies = issuers()
    _enterprise, licence = business_licence(agencies.market)
    pdf = bytes(licence.pdf)
    anonymous = Client()
    good = anonymous.post("/verify/pdf/", {"file": SimpleUploadedFile("l.pdf", pdf, "application/pdf")})
    assert good.status_code == 200 and "签章有效" in good.content.decode()
    position = pdf.index(b"/Type /Page") + 3
    changed = pdf[:position] + bytes([pdf[position] ^ 0x20]) + pdf[position + 1:]
    bad = anonymous.post("/verify/pdf/", {"file": SimpleUploadedFile("l.pdf", changed, "application/pdf")})
    assert "签章无效" in bad.content.decode()


def test_lic_2_a_licence_is_used_for_a_case_only_with_consent_and_the_use_is_recorded():
    """LIC-2 / CASE-5: consent is required; the valid licence's number comes back; the use names the case."""
    agencies = issuers()
    holder = applicant()
    licence = id_card(holder, agencies.police)
    with pytest.raises(TongbanError) as no_consent:
        uses.use_for_case(holder.user, "resident_id_card", case_number="C1", material_code="M01", consent=False)
    assert no_consent.value.code == "LICENCE_CONSENT_REQUIRED"
    assert LicenceUse.objects.count() == 0

    reference = uses.use_for_case(holder.user, "resident_id_card", case_number="C1", material_code="M01",
                                  consent=True)
    assert reference == licence.number
    use = LicenceUse.objects.get()
    assert (use.case_number, use.material_code, use.licence) == ("C1", "M01", licence)
    assert list(wallet.uses_of(licence)) == [use]


def test_lic_2_without_a_valid_licence_of_the_type_the_use_is_refused():
    """LIC-2: a revoked licence does not count; another person's licence is never used."""
    agencies = issuers()
    holder, other = applicant(), applicant(name="王芳")
    id_card(other, agencies.police)
    revoked = id_card(holder, agencies.police)
    issuance.revoke(None, revoked, "注销")
    with pytest.raises(TongbanError) as refusal:
        uses.use_for_case(holder.user, "resident_id_card", case_number="C1", material_code="M01", consent=True)
    assert refusal.value.code == "LICENCE_NONE_HELD"
    assert LicenceUse.objects.count() == 0


def test_lic_2_an_enterprise_uses_its_business_licence():
    """LIC-2: acting for the enterprise, its business licence is fetched."""
    agencies = issuers()
    enterprise, licence = business_licence(agencies.market)
    representative = enterprise.legal_representative
    reference = uses.use_for_case(representative.user, "business_licence", case_number="C2", material_code="M02",
                                  consent=True, enterprise=enterprise)
    assert reference == licence.number
    assert list(wallet.licences_of(representative)) == [licence]


def test_lic_4_another_regions_licence_is_verified_gathered_by_id_hash_and_usable():
    """LIC-4: a second signing authority made here; its signed document verifies under the trust list,
    is filed under the person with the same ID number (not the same name) and serves as a material."""
    issuers()
    holder = applicant(name="张伟")
    namesake = applicant(name="张伟")
    zhejiang = OtherRegion()
    regions.add_issuer(operator(), key_id=zhejiang.key_id, region="浙江", name=zhejiang.name,
                       public_key_pem=zhejiang.public_key_pem)

    foreign = regions.import_document(None, zhejiang.licence("张伟", holder.document_number))
    assert foreign.holder_person == holder
    assert list(wallet.foreign_licences_of(holder)) == [foreign]
    assert list(wallet.foreign_licences_of(namesake)) == []
    assert holder.document_number not in str(foreign.public_fields)

    reference = uses.use_for_case(holder.user, "marriage_certificate", case_number="C3", material_code="M03",
                                  consent=True)
    assert reference == f"{zhejiang.key_id}/{foreign.number}"
    assert LicenceUse.objects.get().foreign_licence == foreign


def test_lic_4_untrusted_keys_and_changed_documents_are_refused_and_nothing_is_stored():
    """LIC-4 (bad input): a key not on the trust list, or a document changed after signing, is refused."""
    holder = applicant()
    trusted, stranger = OtherRegion(), OtherRegion(key_id="unknown-1", name="未知平台")
    regions.add_issuer(operator(), key_id=trusted.key_id, region="浙江", name=trusted.name,
                       public_key_pem=trusted.public_key_pem)
    with pytest.raises(TongbanError) as untrusted:
        regions.import_document(None, stranger.licence("张伟", holder.document_number))
    assert untrusted.value.code == "LICENCE_ISSUER_UNTRUSTED"

    changed = trusted.licence("张伟", holder.document_number)
    changed["document"]["valid_until"] = "2099-12-31"
    with pytest.raises(TongbanError) as tampered:
        regions.import_document(None, changed)
    assert tampered.value.code == "LICENCE_SIGNATURE_INVALID"

    forged_key = trusted.licence("张伟", holder.document_number)
    forged_key["sig"] = stranger.licence("张伟", holder.document_number)["sig"]
    with pytest.raises(TongbanError) as wrong_key:
        regions.import_document(None, forged_key)
    assert wrong_key.value.code == "LICENCE_SIGNATURE_INVALID"
    assert ForeignLicence.objects.count() == 0


def test_lic_4_only_the_operator_keeps_the_trust_list_and_a_withdrawn_key_stops_its_licences():
    """LIC-4: a person cannot add a key (nothing changes); withdrawing trust makes its licences unusable."""
    holder = applicant()
    zhejiang = OtherRegion()
    events = AuditEvent.objects.count()
    with pytest.raises(TongbanError) as refusal:
        regions.add_issuer(holder.user, key_id="x", region="浙江", name="x", public_key_pem=zhejiang.public_key_pem)
    assert refusal.value.code == "IDENTITY_ROLE_REQUIRED"
    assert (TrustedIssuer.objects.count(), AuditEvent.objects.count()) == (0, events)

    with pytest.raises(TongbanError) as bad_key:
        regions.add_issuer(operator(), key_id="x", region="浙江", name="x", public_key_pem="not a key")
    assert bad_key.value.code == "LICENCE_ISSUER_KEY_INVALID"

    issuer = regions.add_issuer(operator(), key_id=zhejiang.key_id, region="浙江", name=zhejiang.name,
                                public_key_pem=zhejiang.public_key_pem)
    foreign = regions.import_document(holder.user, zhejiang.licence("测试人", holder.document_number))
    regions.withdraw_issuer(operator(), issuer)
    foreign.refresh_from_db()
    assert foreign.status == LicenceStatus.REVOKED
    with pytest.raises(TongbanError) as unusable:
        uses.use_for_case(holder.user, "marriage_certificate", case_number="C4", material_code="M", consent=True)
    assert unusable.value.code == "LICENCE_NONE_HELD"


def test_lic_4_a_person_imports_only_their_own_licence():
    """LIC-4: the document's ID number must hash to the importing person's."""
    holder, other = applicant(), applicant(name="王芳")
    zhejiang = OtherRegion()
    regions.add_issuer(operator(), key_id=zhejiang.key_id, region="浙江", name=zhejiang.name,
                       public_key_pem=zhejiang.public_key_pem)
    with pytest.raises(TongbanError) as refusal:
        regions.import_document(other.user, zhejiang.licence("张伟", holder.document_number))
    assert refusal.value.code == "LICENCE_NOT_YOUR_LICENCE"
    assert ForeignLicence.objects.count() == 0
