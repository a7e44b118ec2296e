"""CASE-1, CASE-3: my cases, the case page (timeline, correction notice, decision, withdrawal) and my messages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.cases.builders import ready_draft, scene, submitted
from tests.factories import AgencyFactory, staff
from tests.identity.factories import PersonFactory
from tests.portal.case_pages import PDF_BYTES, logged_in, pdf, step_url, text
from tongban.cases.models import Case, CaseEvent, CaseMaterial, CaseState, Channel, DocumentVersion
from tongban.cases.services import handling
from tongban.identity.models import StaffRole
from tongban.notifications.models import Notification
from tongban.notifications.services import notify

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_case_3_the_correction_notice_is_shown_and_answered_on_the_case_page():
    """CASE-3: every item of the one-time notice with its reason; each corrected as a new version; then handed in."""
    the = scene()
    case = submitted(the, answers={"Q1": ["B"]})
    handling.request_correction(the.officer, case, items=[("M01", "申请表缺少签名"), ("M03", "委托书未注明期限")],
                                note="请一次补齐")
    client = logged_in(the.applicant)
    # Given the case page, with the notice listing both materials and reasons
    page = client.get(reverse("cases:detail", args=[case.number]))
    assert "一次性补正告知书" in text(page) and "请一次补齐" in text(page)
    assert [(item.guide_material.name, item.reason, item.corrected) for item in page.context["notice"].items.all()] == [
        ("申请表", "申请表缺少签名", False), ("授权委托书", "委托书未注明期限", False)]
    # When the applicant hands in before correcting anything, then it is refused and nothing changes
    refused = client.post(reverse("cases:answer_correction", args=[case.number]), follow=True)
    assert "CASE_CORRECTION_UNANSWERED" in text(refused)
    assert Case.objects.get(pk=case.pk).state == CaseState.CORRECTION_REQUESTED
    # When the same file is uploaded again, then it is refused on the item
    original = case.materials.get(guide_material__code="M01").document_version
    same = client.post(reverse("cases:upload_correction", args=[case.number, "M01"]),
                       {"file": pdf("申请表.pdf", b"%PDF-1.7 test material")})
    assert same.status_code == 400
    assert same.context["notice"].items.all()[0].error == "上传的文件与原来提交的材料相同，请上传更正后的材料"
    # When corrected files are uploaded for both items
    for code, content in (("M01", PDF_BYTES), ("M03", PDF_BYTES + b"% dated\n")):
        url = reverse("cases:upload_correction", args=[case.number, code])
        response = client.post(url, {"file": pdf(content=content)})
        assert response.status_code == 302
    # then the corrected 申请表 is version 2 of the same document, version 1 kept
    corrected = case.materials.get(guide_material__code="M01").document_version
    assert (corrected.document, corrected.number) == (original.document, 2)
    assert DocumentVersion.objects.filter(pk=original.pk).exists()
    # When the correction is handed in, then the case returns to acceptance
    response = client.post(reverse("cases:answer_correction", args=[case.number]))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    assert case.correction_notices.get().answered_at is not None
    page = client.get(reverse("cases:detail", args=[case.number]))
    assert page.context["notice"] is None and "历次补正" in text(page)


def test_case_3_a_material_outside_the_notice_cannot_be_uploaded_as_a_correction():
    """CASE-3, CASE-4: only the materials the notice names are corrected."""
    the = scene()
    case = submitted(the)
    handling.request_correction(the.officer, case, items=[("M01", "缺少签名")])
    client = logged_in(the.applicant)
    response = client.post(reverse("cases:upload_correction", args=[case.number, "M02"]), {"file": pdf()}, follow=True)
    assert "材料 M02 不在当前的补正告知书中" in text(response)
    assert case.materials.get(guide_material__code="M02").document_version is None


def test_case_1_the_decision_shows_its_reasons_and_the_legal_remedies():
    """CASE-1: a denial shows its reasons and the reconsideration (60 days) and litigation (6 months) deadlines."""
    the = scene()
    case = submitted(the)
    handling.accept(the.officer, case)
    handling.decide(the.approver, case, approve=False, reasons="不符合居住登记满半年的条件")
    page = logged_in(the.applicant).get(reverse("cases:detail", args=[case.number]))
    body = text(page)
    assert "不符合居住登记满半年的条件" in body and "救济途径告知" in body
    assert "申请行政复议截止：2026-07-31；提起行政诉讼截止：2026-12-01" in body
    assert [event.label for event in page.context["events"]] == [
        "开始填写申请", "提交申请", "受理", "不予许可"]
    assert [event.who for event in page.context["events"]][:2] == ["本人", "本人"]
    assert "撤回申请" not in body


def test_case_1_the_applicant_withdraws_with_confirmation():
    """CASE-1: withdrawal needs the confirmation box; then the case is withdrawn and the timeline says so."""
    the = scene()
    case = submitted(the)
    client = logged_in(the.applicant)
    url = reverse("cases:withdraw", args=[case.number])
    refused = client.post(url, {"reason": "不再需要"})
    assert refused.status_code == 400 and "请勾选确认撤回" in text(refused)
    assert Case.objects.get(pk=case.pk).state == CaseState.SUBMITTED
    assert client.post(url, {"reason": "不再需要", "confirm": "on"}).status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.WITHDRAWN
    assert case.events.last().note == "不再需要"


def test_case_1_my_cases_lists_drafts_and_filed_cases_newest_first_in_bounded_queries(django_assert_max_num_queries):
    """CASE-1: drafts to continue, filed cases newest first with state and due date; queries do not grow per row."""
    the = scene()
    draft = ready_draft(the)
    older = submitted(the)
    newer = submitted(the)
    client = logged_in(the.applicant)
    client.get(reverse("cases:mine"))  # the session's first request records the login
    with django_assert_max_num_queries(8):
        page = client.get(reverse("cases:mine"))
    assert [case.number for case in page.context["drafts"]] == [draft.number]
    assert [case.number for case in page.context["cases"]] == [newer.number, older.number]
    assert reverse("cases:edit", args=[draft.number]) in page.content.decode()
    assert "继续填写" in text(page) and "居住证申领" in text(page)
    assert f"{newer.due_on:%Y-%m-%d} 正常" in text(page)
    # When thirty more cases exist, then the page costs the same queries and shows twenty
    Case.objects.bulk_create(
        Case(number=f"TB20260601BULK{serial:04d}", item=the.item, version=the.item.published_version,
             applicant=the.applicant, channel=Channel.PC, handling_agency=the.bureau, state=CaseState.SUBMITTED)
        for serial in range(30))
    with django_assert_max_num_queries(8):
        crowded = client.get(reverse("cases:mine"))
    assert len(crowded.context["cases"]) == 20
    assert crowded.context["page_obj"].paginator.num_pages == 2


def test_case_1_messages_are_listed_and_marked_read_when_shown():
    """CASE-1: every step's notification appears under 消息 and is marked read once shown."""
    the = scene()
    submitted(the)
    notify(the.applicant, "自定义消息", "内容", link="javascript:alert(1)", sms=False)
    client = logged_in(the.applicant)
    page = client.get(reverse("cases:messages"))
    assert [n.title for n in page.context["notifications"]] == ["自定义消息", "申请已提交"]
    assert all(n.was_unread for n in page.context["notifications"])
    assert "javascript:" not in page.content.decode()
    assert not Notification.objects.filter(person=the.applicant, read_at__isnull=True).exists()
    again = client.get(reverse("cases:messages"))
    assert not any(n.was_unread for n in again.context["notifications"])


def _snapshot(case: Case) -> tuple:
    case.refresh_from_db()
    return (case.state, case.form_data, case.situation_answers, case.lock_version,
            CaseMaterial.objects.filter(case=case).count(), CaseEvent.objects.filter(case=case).count(),
            DocumentVersion.objects.count())


@pytest.mark.parametrize(("method", "name", "extra"), [
    ("get", "cases:detail", ()), ("get", "cases:edit", ()), ("post", "cases:edit", ()),
    ("post", "cases:withdraw", ()), ("post", "cases:answer_correction", ()),
    ("post", "cases:upload_correction", ("M01",)),
])
def test_case_1_someone_elses_case_answers_404_and_nothing_changes(method, name, extra):
    """CASE-1: another person's case number is not found, whatever the page or action; nothing is touched."""
    the = scene()
    case = ready_draft(the)
    before = _snapshot(case)
    stranger = logged_in(PersonFactory(level=2))
    data = {"applicant_name": "李四", "reason": "就学", "confirm": "on", "file": pdf()}
    url = reverse(name, args=[case.number, *extra]) + ("?step=form" if name == "cases:edit" else "")
    response = stranger.get(url) if method == "get" else stranger.post(url, data)
    assert response.status_code == 404
    assert _snapshot(case) == before


@pytest.mark.parametrize(("method", "url"), [
    ("get", "/cases/"), ("get", "/cases/messages/"), ("get", "/cases/apply/X/"), ("post", "/cases/apply/X/"),
    ("get", "/cases/TB1/"), ("get", "/cases/TB1/edit/"), ("post", "/cases/TB1/withdraw/"),
    ("post", "/cases/TB1/correction/"), ("post", "/cases/TB1/correction/M01/"),
])
def test_case_1_anonymous_visitors_are_sent_to_the_applicant_login(client, method, url):
    """CASE-1: every case page needs the applicant login (/account/login/)."""
    response = client.get(url) if method == "get" else client.post(url)
    assert response.status_code == 302
    assert response["Location"] == f"/account/login/?next={url}"


def test_case_1_staff_accounts_are_sent_to_the_workbench(client):
    """CASE-1: staff file on an applicant's behalf at the counter, not through the portal."""
    client.force_login(staff(StaffRole.COUNTER_STAFF, AgencyFactory()))
    response = client.get(reverse("cases:mine"))
    assert response.status_code == 403 and "工作人员请在工作台办理" in text(response)


def test_case_1_a_submitted_case_is_no_longer_edited_in_the_wizard():
    """CASE-1: the wizard is for drafts; a filed case opens its page instead and its data stays."""
    the = scene()
    case = submitted(the)
    client = logged_in(the.applicant)
    response = client.post(step_url(case, "form"), {"applicant_name": "王五", "reason": "居住"})
    assert response["Location"] == reverse("cases:detail", args=[case.number])
    assert Case.objects.get(pk=case.pk).form_data == {"applicant_name": "张三", "reason": "就业"}


def test_case_5_a_correction_of_a_fetched_material_goes_into_the_library():
    """CASE-3, CASE-5: correcting a material that had no file stores a new library document and attaches it."""
    the = scene()
    case = submitted(the)
    handling.request_correction(the.officer, case, items=[("M02", "证照调取失败，请上传身份证")])
    client = logged_in(the.applicant)
    response = client.post(reverse("cases:upload_correction", args=[case.number, "M02"]),
                           {"file": pdf("身份证.pdf")})
    assert response.status_code == 302
    row = case.materials.get(guide_material__code="M02")
    assert (row.provision, row.document_version.document.material_name) == ("uploaded", "居民身份证")
