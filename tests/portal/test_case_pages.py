"""CASE-1, CASE-5, CASE-8, PLAT-1: the apply wizard through the pages, as a browser without JavaScript uses it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.cases.builders import scene
from tests.factories import _material
from tests.identity.enterprise_builders import registered
from tests.identity.factories import PersonFactory
from tests.portal.case_pages import (
    IPHONE,
    PDF_BYTES,
    PNG_BYTES,
    logged_in,
    material_action,
    pdf,
    start,
    step_url,
    text,
)
from tongban.cases.models import (
    Case,
    CaseMaterial,
    CaseState,
    Channel,
    Commitment,
    DocumentVersion,
    MaterialProvision,
    PostVerificationTask,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def trust_dir(settings, tmp_path):
    """Licences are signed with seals whose keys and CA live in a temporary folder."""
    from tongban.core import adapters

    settings.TONGBAN_TRUST_DIR = tmp_path / "trust"
    adapters.reset()
    yield
    adapters.reset()


def with_id_card(the):  # type: ignore[no-untyped-def]
    """The applicant holds a resident ID card issued by the scene's bureau (LIC-2: fetched with consent)."""
    from tests.licences.builders import id_card
    from tongban.licences.services import types
    from tongban.seals.services import registry

    registry.create_agency_seal(None, the.bureau)
    types.define_demo_types({"SHGAJ": the.bureau})
    return id_card(the.applicant, the.bureau)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_case_1_plat_1_the_whole_wizard_from_the_guide_to_submission():
    """CASE-1, PLAT-1: guide → apply → situations → form (schema problem shown by field) → upload, fetch → submit."""
    the = scene()
    card = with_id_card(the)
    client = logged_in(the.applicant)
    code = the.item.implementation_code
    # Given the guide of an item that accepts applications, with its "在线申请" button
    guide = client.get(reverse("portal:guide", args=[code]))
    assert reverse("cases:apply", args=[code]) in guide.content.decode()
    # When the applicant starts from a PC browser
    case = start(client, code)
    assert (case.state, case.channel) == (CaseState.DRAFT, Channel.PC)
    # and answers the situation question "委托代理人办理"
    first = client.get(reverse("cases:edit", args=[case.number]))
    assert "是否委托他人办理？" in text(first)
    response = client.post(step_url(case, "situations"), {"s_Q1": "B"})
    assert response["Location"] == step_url(case, "form")
    # then the form is pre-filled from the profile; the applicant saves it without the required reason
    form_page = client.get(step_url(case, "form"))
    assert 'value="张三"' in form_page.content.decode()
    response = client.post(step_url(case, "form"), {"applicant_name": "张三", "reason": ""})
    assert response["Location"] == step_url(case, "materials")
    case.refresh_from_db()
    assert (case.situation_answers, case.form_data) == ({"Q1": ["B"]}, {"applicant_name": "张三"})
    # When the materials are provided: M01 uploaded, M02 fetched, M03 first a PNG named .pdf, then a real PDF
    materials = client.get(step_url(case, "materials"))
    assert [row.material.name for row in materials.context["rows"]] == ["申请表", "居民身份证", "授权委托书"]
    assert "由平台调取" in text(materials) and "同意平台从我的电子证照中调取" in text(materials)
    assert material_action(client, case, "M01", "upload", file=pdf("申请表.pdf")).status_code == 302
    assert material_action(client, case, "M02", "fetch", consent="yes").status_code == 302
    refused = material_action(client, case, "M03", "upload", file=pdf("委托书.pdf", PNG_BYTES))
    assert refused.status_code == 400
    assert "DOCUMENT_TYPE_MISMATCH" in refused.context["rows"][2].error
    assert "文件内容与扩展名不符" in text(refused)
    assert not CaseMaterial.objects.filter(case=case, guide_material__code="M03").exists()
    proxy_form = pdf("委托书.pdf", PDF_BYTES + b"% signed proxy\n")
    assert material_action(client, case, "M03", "upload", file=proxy_form).status_code == 302
    provided = {row.guide_material.code: row for row in case.materials.select_related("guide_material")}
    assert {code: row.provision for code, row in provided.items()} == {
        "M01": MaterialProvision.UPLOADED, "M02": MaterialProvision.FETCHED_LICENCE,
        "M03": MaterialProvision.UPLOADED}
    assert provided["M02"].reference == card.number
    assert provided["M01"].document_version.document.material_name == "申请表"
    # When the applicant submits with the reason still missing
    refused = client.post(step_url(case, "review"))
    # then the schema problem is shown next to its field, and the case stays a draft
    assert refused.status_code == 400
    assert "CASE_FORM_INVALID" in text(refused)
    reason_row = next(field for field in refused.context["fields"] if field.label == "申请事由")
    assert reason_row.errors == ["请填写“申请事由”"]
    case.refresh_from_db()
    assert case.state == CaseState.DRAFT
    form_again = client.get(step_url(case, "form"))
    assert form_again.context["form"].errors == {"reason": ["请填写“申请事由”"]}
    # When the reason is filled in and the case submitted
    client.post(step_url(case, "form"), {"applicant_name": "张三", "reason": "就业"})
    response = client.post(step_url(case, "review"))
    # then the case is filed and its page opens
    assert response["Location"] == reverse("cases:detail", args=[case.number])
    case.refresh_from_db()
    assert (case.state, case.channel, case.form_data) == (
        CaseState.SUBMITTED, Channel.PC, {"applicant_name": "张三", "reason": "就业"})
    page = client.get(response["Location"])
    assert "已提交" in text(page) and "提交申请" in text(page)


def test_case_1_form_step_refuses_a_value_outside_the_schema_and_keeps_the_draft():
    """CASE-1: an answer outside the schema's enum is shown at its field; the stored draft is untouched."""
    the = scene()
    client = logged_in(the.applicant)
    case = start(client, the.item.implementation_code)
    before = dict(case.form_data)
    response = client.post(step_url(case, "form"), {"applicant_name": "张三", "reason": "旅游"})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["reason"]
    assert 'id="id_reason_errors"' in response.content.decode()
    case.refresh_from_db()
    assert case.form_data == before


def test_case_1_review_lists_every_problem_at_once():
    """CASE-1: submitting with a form problem and a missing material shows both on the review page."""
    the = scene()
    client = logged_in(the.applicant)
    case = start(client, the.item.implementation_code)
    client.post(step_url(case, "situations"), {"s_Q1": "A"})
    response = client.post(step_url(case, "review"))
    assert response.status_code == 400
    assert [m.code for m in response.context["missing"]] == ["M01", "M02"]
    reason_row = next(field for field in response.context["fields"] if field.label == "申请事由")
    assert reason_row.errors == ["请填写“申请事由”"]
    assert response.context["problem_count"] == 3
    assert Case.objects.get(pk=case.pk).state == CaseState.DRAFT


def test_case_5_the_second_application_does_not_ask_for_the_upload_again():
    """CASE-5: a material uploaded in the first application is reused from the library in the second."""
    the = scene()
    with_id_card(the)
    client = logged_in(the.applicant)
    # Given a first application whose 申请表 was uploaded through the wizard
    first = start(client, the.item.implementation_code)
    client.post(step_url(first, "situations"), {"s_Q1": "A"})
    client.post(step_url(first, "form"), {"applicant_name": "张三", "reason": "就业"})
    material_action(client, first, "M01", "upload", file=pdf("申请表.pdf"))
    material_action(client, first, "M02", "fetch", consent="yes")
    client.post(step_url(first, "review"))
    versions = DocumentVersion.objects.count()
    # When the same person applies again and saves the form
    second = start(client, the.item.implementation_code)
    client.post(step_url(second, "situations"), {"s_Q1": "A"})
    response = client.post(step_url(second, "form"), {"applicant_name": "张三", "reason": "就学"}, follow=True)
    # then the 申请表 is already provided from the library, and the applicant is told so
    assert "以下材料已从您的材料库中直接选用，无需再次上传：申请表" in text(response)
    row = second.materials.get(guide_material__code="M01")
    assert row.provision == MaterialProvision.FROM_LIBRARY
    assert row.document_version == first.materials.get(guide_material__code="M01").document_version
    # and the case is submitted without any upload
    material_action(client, second, "M02", "fetch", consent="yes")
    assert client.post(step_url(second, "review")).status_code == 302
    assert DocumentVersion.objects.count() == versions
    assert Case.objects.get(pk=second.pk).state == CaseState.SUBMITTED


def test_case_5_choosing_a_library_document_on_the_materials_step():
    """CASE-5: the row offers the still-valid library documents of the material's name; choosing one attaches it."""
    the = scene()
    client = logged_in(the.applicant)
    client.post(reverse("library:upload"), {"title": "我的申请表", "material_name": "申请表", "valid_until": "",
                                            "file": pdf("申请表.pdf")})
    case = start(client, the.item.implementation_code)
    page = client.get(step_url(case, "materials"))
    row = page.context["rows"][0]
    assert [document.title for document in row.reusable] == ["我的申请表"]
    response = material_action(client, case, "M01", "reuse", document=row.reusable[0].pk)
    assert response.status_code == 302
    assert case.materials.get(guide_material__code="M01").document_version == row.reusable[0].current_version


def test_case_8_commitment_signed_on_the_materials_step():
    """CASE-8: where the guide allows it, a signed commitment replaces the proof; verification follows submission."""
    the = scene(situations=[], materials=[
        _material("M01", "无犯罪记录证明", commitment_allowed=True)])
    client = logged_in(the.applicant)
    case = start(client, the.item.implementation_code)
    client.post(step_url(case, "form"), {"applicant_name": "张三", "reason": "就业"})
    page = client.get(step_url(case, "materials"))
    assert "本人郑重承诺：“无犯罪记录证明”所证明的事项真实" in text(page)
    # When the applicant presses 签署承诺 without ticking the box, then nothing is signed
    refused = material_action(client, case, "M01", "commit")
    assert refused.status_code == 400 and "请勾选确认后再签署承诺" in text(refused)
    assert not Commitment.objects.exists()
    # When the box is ticked, then the commitment replaces the proof and submission creates the verification task
    assert material_action(client, case, "M01", "commit", agree="on").status_code == 302
    commitment = Commitment.objects.get(case=case)
    assert [m.code for m in commitment.replaced_materials.all()] == ["M01"]
    assert case.materials.get().provision == MaterialProvision.COMMITMENT
    assert client.post(step_url(case, "review")).status_code == 302
    assert PostVerificationTask.objects.get().agency == the.bureau


@pytest.mark.parametrize(("visit", "agent", "expected"), [
    ("", IPHONE, Channel.MOBILE),
    ("?kiosk=1", IPHONE, Channel.KIOSK),
])
def test_plat_1_the_case_records_the_channel_it_came_through(visit, agent, expected):
    """PLAT-1: a phone's browser files on the mobile channel; the terminal's ?kiosk=1 session on the kiosk channel."""
    the = scene()
    client = logged_in(the.applicant, user_agent=agent)
    client.get(reverse("cases:apply", args=[the.item.implementation_code]) + visit)
    case = start(client, the.item.implementation_code)
    assert case.channel == expected


def test_id_4_an_application_while_acting_for_an_enterprise_is_filed_through_the_grant():
    """CASE-1 with ID-4: the session acts for the enterprise, so the draft records the grant and the enterprise."""
    the = scene()
    representative, enterprise, root = registered()
    client = logged_in(representative)
    client.post(reverse("enterprise:act_as", args=[root.pk]))
    case = start(client, the.item.implementation_code)
    assert (case.enterprise_grant, case.enterprise, case.applicant) == (root, enterprise, representative)


def test_case_1_refusals_to_start_are_shown_and_create_nothing():
    """CASE-1, SEC-3: a too-low real-name level, and a cut-off agency, are told on the page; no draft is made."""
    the = scene()
    low = logged_in(PersonFactory(level=1))
    response = low.post(reverse("cases:apply", args=[the.item.implementation_code]))
    assert response.status_code == 400 and "CASE_LEVEL_TOO_LOW" in text(response)
    the.bureau.is_cut_off, the.bureau.cut_off_reason = True, "安全检查"
    the.bureau.save()
    client = logged_in(the.applicant)
    page = client.get(reverse("cases:apply", args=[the.item.implementation_code]))
    assert "该事项当前暂停受理" in text(page) and "开始申请" not in text(page)
    guide = client.get(reverse("portal:guide", args=[the.item.implementation_code]))
    assert reverse("cases:apply", args=[the.item.implementation_code]) not in guide.content.decode()
    refused = client.post(reverse("cases:apply", args=[the.item.implementation_code]))
    assert refused.status_code == 400 and "CASE_AGENCY_CUT_OFF" in text(refused)
    assert Case.objects.count() == 0
