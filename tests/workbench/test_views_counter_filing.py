"""Counter filing (窗口代办): the clerk files on the applicant's behalf at the window (PLAT-1, CASE-6, ITEM-13).

The clerk finds the applicant, searches the item, starts a counter draft at the
window, fills the schema-generated form, provides the materials into the
applicant's library, and submits; the case then appears in the queues of the
window and of the agency that handles it.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.cases.builders import scene, upload
from tests.factories import AgencyFactory, staff
from tests.workbench.case_builders import PDF, counter_submitted, pdf
from tests.workbench.test_views_support import page_messages
from tongban.agencies.models import AgencyLevel
from tongban.cases.models import Case, CaseState, Channel, Document, MaterialProvision, PostVerificationTask
from tongban.cases.services import handling
from tongban.identity.models import RoleAssignment, StaffRole

pytestmark = pytest.mark.django_db

FILE = reverse("workbench:counter_file")
START = reverse("workbench:counter_file_start")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _start(client, the, *, window=None, person=None):  # noqa: ANN001, ANN202 - test client and Scene
    return client.post(START, {"query": the.applicant.document_number, "person": person or the.applicant.pk,
                               "item": the.item.pk, "window": (window or the.street).pk})


def _url(name: str, case: Case, *args: str) -> str:
    return reverse(f"workbench:{name}", args=[case.number, *args])


def test_plat_1_item_13_counter_filing_end_to_end(client):
    """PLAT-1, CASE-6, ITEM-13: a citywide item filed at a street window for the applicant, routed to the bureau."""
    # given a citywide item of the city bureau, an applicant at level 2, and a clerk at a street window
    the = scene(is_citywide=True)
    client.force_login(the.counter)

    # when the clerk finds the applicant (masked) and the item
    found = client.get(FILE, {"query": the.applicant.document_number})
    assert [person.pk for person, _data in found.context["people"]] == [the.applicant.pk]
    number = the.applicant.document_number
    assert found.context["people"][0][1].document_number == number[:4] + "*" * 10 + number[-4:]
    items = client.get(FILE, {"query": the.applicant.document_number, "person": the.applicant.pk,
                              "item_query": "居住证"})
    assert [item.pk for item in items.context["items"]] == [the.item.pk]

    # and starts a counter draft at the window
    started = _start(client, the)
    case = Case.objects.get()
    assert started["Location"] == _url("counter_draft", case)
    assert (case.channel, case.accepting_agency, case.handling_agency, case.state) == (
        Channel.COUNTER, the.street, the.bureau, CaseState.DRAFT)

    # and fills the form, uploads the application form and lets the platform fetch the ID card
    assert client.get(_url("counter_draft", case)).status_code == 200
    saved = client.post(_url("counter_draft_form", case), {"data__applicant_name": "张三", "data__reason": "就业",
                                                           "situation__Q1": "A"})
    assert saved.status_code == 302
    client.post(_url("counter_draft_material", case, "M01"), {"how": "upload", "file": pdf()})
    client.post(_url("counter_draft_material", case, "M02"), {"how": "fetch", "reference": "310101-ID"})
    submitted = client.post(_url("counter_draft_submit", case), follow=True)

    # then the case is filed with the form, the materials in the applicant's library, and in both queues
    case.refresh_from_db()
    assert (case.state, case.form_data, case.situation_answers) == (
        CaseState.SUBMITTED, {"applicant_name": "张三", "reason": "就业"}, {"Q1": ["A"]})
    assert page_messages(submitted)[-1] == f"已提交，办件编号 {case.number}"
    provided = {row.guide_material.code: row for row in case.materials.select_related("guide_material",
                                                                                      "document_version__document")}
    assert (provided["M01"].provision, provided["M01"].document_version.document.owner) == (
        MaterialProvision.UPLOADED, the.applicant)
    assert (provided["M02"].provision, provided["M02"].reference) == (MaterialProvision.FETCHED_LICENCE, "310101-ID")
    window_queue = client.get(reverse("workbench:cases"), {"queue": "acceptance"})
    client.force_login(the.officer)
    bureau_queue = client.get(reverse("workbench:cases"), {"queue": "acceptance"})
    for queue in (window_queue, bureau_queue):
        assert [row.number for row in queue.context["page_obj"]] == [case.number]


def test_item_13_a_non_citywide_item_is_refused_at_a_street_window(client):
    """ITEM-13: a street window covering neither the agency nor a citywide item cannot file it; nothing is made."""
    the = scene(is_citywide=False)
    client.force_login(the.counter)
    response = _start(client, the)
    assert response.status_code == 400
    assert response.context["refusal"].code == "CASE_NOT_CITYWIDE"
    assert Case.objects.count() == 0


def test_case_7_a_comprehensive_window_files_at_the_chosen_window(client):
    """CASE-7: a clerk serving two windows chooses one; a window the clerk does not serve is not a choice."""
    the = scene(is_citywide=True)
    second = AgencyFactory(name="花木街道社区事务受理服务中心", level=AgencyLevel.STREET, parent=the.street.parent)
    RoleAssignment.objects.create(user=the.counter, role=StaffRole.COUNTER_STAFF, agency=second)
    client.force_login(the.counter)
    page = client.get(FILE, {"query": the.applicant.document_number, "person": the.applicant.pk,
                             "item_query": "居住证"})
    assert {window.pk for window in page.context["windows"]} == {the.street.pk, second.pk}
    assert _start(client, the, window=AgencyFactory(level=AgencyLevel.STREET)).status_code == 400
    _start(client, the, window=second)
    assert Case.objects.get().accepting_agency == second


def test_the_applicant_must_come_from_the_search(client):
    """A person id that the search did not find cannot be filed for."""
    the = scene(is_citywide=True)
    other = scene(is_citywide=True).applicant
    client.force_login(the.counter)
    response = _start(client, the, person=other.pk)
    assert response.status_code == 400
    assert response.context["start_form"].non_field_errors() == ["请先查找并选择申请人"]
    assert Case.objects.count() == 0


@pytest.mark.parametrize("who", ["anonymous", "officer", "approver"])
def test_only_counter_staff_file_at_the_counter(client, who):
    """Anonymous → login; officers and approvers → 403; nothing is created."""
    the = scene(is_citywide=True)
    if who != "anonymous":
        client.force_login(getattr(the, who))
    page, started = client.get(FILE), _start(client, the)
    if who == "anonymous":
        assert started["Location"].startswith(reverse("workbench:login"))
    else:
        assert (page.status_code, started.status_code) == (403, 403)
    assert Case.objects.count() == 0


def test_submission_reports_every_form_problem_and_keeps_the_draft(client):
    """Schema-invalid form data: every problem with its path, the case stays a draft."""
    the = scene(is_citywide=True)
    client.force_login(the.counter)
    _start(client, the)
    case = Case.objects.get()
    client.post(_url("counter_draft_form", case), {"data__applicant_name": "", "data__reason": ""})
    response = client.post(_url("counter_draft_submit", case))
    assert response.status_code == 400
    assert response.context["refusal"].code == "CASE_FORM_INVALID"
    assert [problem["path"] for problem in response.context["problems"]] == ["$.applicant_name", "$.reason"]
    assert Case.objects.get().state == CaseState.DRAFT


def test_a_file_that_is_not_what_its_extension_says_is_refused(client):
    """A .pdf that holds text: refused with DOCUMENT_TYPE_MISMATCH, nothing stored or attached."""
    the = scene(is_citywide=True)
    client.force_login(the.counter)
    _start(client, the)
    case = Case.objects.get()
    response = client.post(_url("counter_draft_material", case, "M01"),
                           {"how": "upload", "file": pdf("申请表.pdf", b"just some text, not a PDF")})
    assert response.status_code == 400
    assert response.context["refusal"].code == "DOCUMENT_TYPE_MISMATCH"
    assert (Document.objects.count(), case.materials.count()) == (0, 0)


def test_case_5_a_document_in_the_library_is_reused(client):
    """CASE-5: the applicant's still-valid document of the same name is offered and attached, not asked again."""
    the = scene(is_citywide=True)
    kept = upload(the.applicant, "申请表")
    client.force_login(the.counter)
    _start(client, the)
    case = Case.objects.get()
    page = client.get(_url("counter_draft", case))
    rows = {row.material.code: row for row in page.context["rows"]}
    assert list(rows["M01"].pick_form.fields["document"].queryset) == [kept.document]
    client.post(_url("counter_draft_material", case, "M01"), {"how": "library", "document": kept.document.pk})
    assert case.materials.get(guide_material__code="M01").document_version == kept


def test_case_3_the_counter_answers_a_correction_with_a_new_version(client):
    """CASE-3: the clerk uploads the corrected material as a new version of the same document and answers."""
    the = scene(is_citywide=True)
    case = counter_submitted(the)
    handling.request_correction(the.officer, case, items=[("M01", "缺少签名")])
    old = case.materials.get(guide_material__code="M01").document_version
    client.force_login(the.counter)
    page = client.get(_url("counter_draft", case))
    assert {row.material.code: row.defect for row in page.context["rows"]}["M01"] == "缺少签名"
    client.post(_url("counter_draft_material", case, "M01"), {"how": "upload", "file": pdf(content=PDF + b"signed")})
    answered = client.post(_url("counter_draft_submit", case))
    assert answered["Location"] == _url("case", case)
    case.refresh_from_db()
    new = case.materials.get(guide_material__code="M01").document_version
    assert case.state == CaseState.SUBMITTED
    assert (new.document_id, new.number) == (old.document_id, 2)


def test_case_8_a_commitment_signed_at_the_counter_replaces_the_proof(client):
    """CASE-8: where the guide allows it, the applicant's commitment replaces the proof; verification follows."""
    from tests.factories import BASE_GUIDE

    materials = [dict(material) for material in BASE_GUIDE["materials"]]
    materials[0] = {**materials[0], "commitment_allowed": True}
    the = scene(is_citywide=True, materials=materials)
    client.force_login(the.counter)
    _start(client, the)
    case = Case.objects.get()
    client.post(_url("counter_draft_form", case), {"data__applicant_name": "张三", "data__reason": "就业"})
    signed = client.post(_url("counter_draft_commitment", case), {"materials": ["M01"], "text": "本人承诺所填信息真实"})
    assert signed.status_code == 302
    client.post(_url("counter_draft_material", case, "M02"), {"how": "fetch", "reference": ""})
    client.post(_url("counter_draft_submit", case))
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    assert case.materials.get(guide_material__code="M01").provision == MaterialProvision.COMMITMENT
    assert PostVerificationTask.objects.get(commitment__case=case).agency == the.bureau


def test_another_windows_clerk_cannot_open_the_draft(client):
    """A counter draft is the window's: a clerk of another window gets 404 and cannot change it."""
    the = scene(is_citywide=True)
    client.force_login(the.counter)
    _start(client, the)
    case = Case.objects.get()
    client.force_login(staff(StaffRole.COUNTER_STAFF, AgencyFactory(level=AgencyLevel.STREET)))
    assert client.get(_url("counter_draft", case)).status_code == 404
    assert client.post(_url("counter_draft_form", case), {"data__reason": "就学"}).status_code == 404
    assert Case.objects.get().form_data == {"applicant_name": "张三"}


def test_the_schema_form_coerces_types_and_keeps_prefilled_personal_numbers():
    """The workbench's JSON-Schema form: ordered fields, typed values, JSON objects, masked pre-filled numbers."""
    from tongban.workbench.forms.counter_filing import ApplicationForm

    schema = {
        "type": "object",
        "required": ["count"],
        "properties": {
            "id_number": {"type": "string", "title": "身份证号", "propertyOrder": 3},
            "count": {"type": "integer", "title": "人数", "minimum": 1, "propertyOrder": 1},
            "level": {"enum": [1, 2], "title": "等级", "propertyOrder": 2},
            "urgent": {"type": "boolean", "title": "加急"},
            "address": {"type": "object", "title": "地址"},
        },
    }
    stored = {"id_number": "310101199003071310"}
    fields = {"data__count": "2", "data__level": "2", "data__urgent": "false", "data__address": '{"区": "浦东"}',
              "data__id_number": ""}

    form = ApplicationForm(fields, schema=schema, questions=[], form_data=stored, answers={})

    assert [field.name for field in form.data_fields()] == [
        "data__count", "data__level", "data__id_number", "data__urgent", "data__address"
    ]
    assert form.fields["data__count"].label == "人数（必填）"
    assert form.fields["data__id_number"].help_text == "已预填 3101**********1310；留空则保持不变"
    assert form.is_valid(), form.errors
    assert form.form_data() == {"count": 2, "level": 2, "urgent": False, "address": {"区": "浦东"},
                                "id_number": "310101199003071310"}
    broken = ApplicationForm({**fields, "data__address": "{", "data__count": "两"}, schema=schema, questions=[],
                             form_data=stored, answers={})
    assert not broken.is_valid()
    assert set(broken.errors) == {"data__address", "data__count"}


def test_id_4_plat_1_counter_files_for_an_enterprise_through_the_applicants_grant(client):
    """ID-4, PLAT-1: the clerk offers the applicant's active grants; the draft is filed for the chosen enterprise."""
    from tests.identity.enterprise_builders import registered

    # given a legal representative with an active root grant, at a street window
    the = scene(is_citywide=True)
    representative, enterprise, root = registered()
    client.force_login(the.counter)

    # when the clerk finds the representative and the item
    items = client.get(FILE, {"query": representative.document_number, "person": representative.pk,
                              "item_query": "居住证"})
    # then the page offers to file for the enterprise
    assert [grant.pk for grant in items.context["grants"]] == [root.pk]
    assert f"代表 {enterprise.name}" in items.content.decode()

    # when a forged grant id is posted, then nothing is started
    forged = client.post(START, {"query": representative.document_number, "person": representative.pk,
                                 "item": the.item.pk, "window": the.street.pk, "grant": root.pk + 999})
    assert forged.status_code == 400 and "申请人未获得该企业的有效授权" in forged.content.decode()
    assert not Case.objects.exists()

    # when the clerk starts the draft for the enterprise
    started = client.post(START, {"query": representative.document_number, "person": representative.pk,
                                  "item": the.item.pk, "window": the.street.pk, "grant": root.pk})
    # then the case records the grant, the enterprise and the counter channel
    assert started.status_code == 302
    case = Case.objects.get()
    assert (case.enterprise_grant, case.enterprise, case.applicant, case.channel) == (
        root, enterprise, representative, Channel.COUNTER)
