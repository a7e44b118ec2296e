"""The cases flow calls down into licences: the result is issued as a signed licence (LIC-1, CASE-9), and a
guide material with a licence type is fetched from the applicant's wallet with consent (LIC-2, CASE-5)."""

from __future__ import annotations

import pytest

from tests.cases.builders import FORM, scene, upload
from tests.licences.builders import id_card
from tests.seals.builders import operator
from tongban.cases.models import CaseEvent, CaseMaterial, Channel, MaterialProvision
from tongban.cases.services import applications, handling
from tongban.core.errors import TongbanError
from tongban.licences.models import Licence, LicenceUse
from tongban.licences.services import types
from tongban.seals.services import registry
from tongban.seals.services.signing import verify_pdf

pytestmark = pytest.mark.django_db

PERMIT_RESULT = {"name": "上海市居住证", "kind": "licence", "licence_type": "residence_permit",
                 "delivery_methods": ["electronic"]}


def _sealed_scene(**guide):  # type: ignore[no-untyped-def]
    the = scene(**guide)
    registry.create_agency_seal(None, the.bureau)
    types.define_demo_types({"SHGAJ": the.bureau})
    return the


def _draft(the, *, consent: bool = True):  # type: ignore[no-untyped-def]
    case = applications.start_draft(the.applicant.user, the.item, channel=Channel.PC)
    case = applications.save_draft(the.applicant.user, case, form_data=FORM, situation_answers={})
    for material in case.version.materials_for({}):
        if material.licence_type:
            applications.use_licence(the.applicant.user, case, material.code, consent=consent)
        else:
            applications.attach_document(the.applicant.user, case, material.code, upload(the.applicant, material.name))
    return case


def test_lic_2_the_applicant_uses_their_id_card_with_consent_and_uploads_nothing():
    """LIC-2 / CASE-5: the ID-card material is fetched from the wallet; the use names the case."""
    the = _sealed_scene()
    card = id_card(the.applicant, the.bureau)
    case = _draft(the)
    fetched = case.materials.get(guide_material__code="M02")
    assert (fetched.provision, fetched.reference, fetched.document_version) == (
        MaterialProvision.FETCHED_LICENCE, card.number, None)
    use = LicenceUse.objects.get()
    assert (use.licence, use.case_number, use.material_code) == (card, case.number, "M02")


def test_lic_2_without_consent_or_without_a_licence_the_material_is_not_fetched():
    """LIC-2: both refusals leave the material unprovided and record no use."""
    the = _sealed_scene()
    with pytest.raises(TongbanError) as none_held:
        _draft(the)
    assert none_held.value.code == "LICENCE_NONE_HELD"
    id_card(the.applicant, the.bureau)
    with pytest.raises(TongbanError) as no_consent:
        _draft(the, consent=False)
    assert no_consent.value.code == "LICENCE_CONSENT_REQUIRED"
    assert LicenceUse.objects.count() == 0
    assert not CaseMaterial.objects.filter(guide_material__code="M02").exists()


def test_lic_1_issuing_the_result_of_an_approved_case_issues_a_signed_licence_to_the_applicant():
    """LIC-1: approved + result_kind licence → the licence is issued by the handling agency, PAdES-signed,
    and its number is recorded in the case event."""
    the = _sealed_scene(result=PERMIT_RESULT)
    id_card(the.applicant, the.bureau)
    case = applications.submit(the.applicant.user, _draft(the))
    handling.accept(the.officer, case)
    handling.decide(the.approver, case, approve=True, reasons="符合条件")
    handling.issue_result(the.officer, case)

    licence = Licence.objects.get(licence_type__code="residence_permit")
    assert (licence.holder_person, licence.case_number, licence.issuer_name) == (
        the.applicant, case.number, "上海市公安局")
    assert CaseEvent.objects.get(case=case, action="result_issued").note == f"电子证照 {licence.number}"
    assert verify_pdf(bytes(licence.pdf)).valid


def test_lic_1_a_denied_case_issues_no_licence_and_a_missing_seal_stops_the_result():
    """LIC-1: a denial document is not a licence; without a seal the result cannot be issued (nothing changes)."""
    the = _sealed_scene(result=PERMIT_RESULT)
    id_card(the.applicant, the.bureau)
    denied = applications.submit(the.applicant.user, _draft(the))
    handling.accept(the.officer, denied)
    handling.decide(the.approver, denied, approve=False, reasons="不符合条件")
    handling.issue_result(the.officer, denied)
    assert Licence.objects.filter(licence_type__code="residence_permit").count() == 0

    approved = applications.submit(the.applicant.user, _draft(the))
    handling.accept(the.officer, approved)
    handling.decide(the.approver, approved, approve=True, reasons="符合条件")
    registry.revoke(operator(), registry.agency_seal(the.bureau), "更换印章")
    with pytest.raises(TongbanError) as refusal:
        handling.issue_result(the.officer, approved)
    assert refusal.value.code == "LICENCE_NO_SEAL"
    approved.refresh_from_db()
    assert approved.state == "approved"
