"""The staff case page and its actions (CASE-2, CASE-3, CASE-7, ITEM-13).

The page shows the case to staff whose role covers its handling agency or its
accepting window, the applicant masked, every material with its hash and a
download link. Every action is a form posted with the case's lock version; the
wrong role is refused and changes nothing, a stale page is told (CASE_STALE).
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from tests.cases.builders import scene, submitted
from tests.factories import AgencyFactory, staff
from tests.workbench.case_builders import case_in, snapshot
from tests.workbench.test_views_support import page_messages
from tongban.cases.models import Case, CaseState, CorrectionNotice, DeadlineStatus, Decision
from tongban.core.models import AuditEvent
from tongban.identity.models import StaffRole

pytestmark = pytest.mark.django_db

@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _action(case: Case, action: str) -> str:
    return reverse("workbench:case_action", args=[case.number, action])


def test_case_page_shows_everything_masked_and_an_officer_elsewhere_gets_404(client):
    """The case page: masked applicant, the form with the schema's titles, each material with its hash and link."""
    the = scene()
    applicant = the.applicant
    case = submitted(the)
    client.force_login(the.officer)
    response = client.get(reverse("workbench:case", args=[case.number]))
    assert response.status_code == 200
    content = response.content.decode()
    assert sorted(response.context["form_rows"]) == sorted([("申请人姓名", "张三"), ("申请事由", "就业")])
    assert applicant.document_number not in content
    assert applicant.document_number[:4] + "**********" + applicant.document_number[-4:] in content
    provided = [row for _material, row in response.context["material_rows"] if row and row.document_version]
    assert len(provided) == 1
    assert provided[0].document_version.sha256 in content
    assert reverse("workbench:case_material", args=[case.number, provided[0].pk]) in content
    assert [action.slug for action, _form in response.context["actions"]] == ["accept", "correction", "refuse"]
    # an officer of another agency finds nothing there
    client.force_login(staff(StaffRole.CASE_OFFICER, AgencyFactory()))
    assert client.get(reverse("workbench:case", args=[case.number])).status_code == 404


def test_material_download_is_the_file_with_nosniff_and_the_read_is_audited(client):
    """Downloads go through documents.open_version: the stored file, never sniffed, the staff read audited."""
    the = scene()
    case = submitted(the)
    row = case.materials.exclude(document_version=None).get()
    client.force_login(the.officer)
    response = client.get(reverse("workbench:case_material", args=[case.number, row.pk]))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.7 test material"
    assert AuditEvent.objects.filter(action="cases.document.viewed", actor_id=the.officer.pk).count() == 1
    client.force_login(staff(StaffRole.CASE_OFFICER, AgencyFactory()))
    assert client.get(reverse("workbench:case_material", args=[case.number, row.pk])).status_code == 404


# (action, state before, posted fields, who may, who may not (in scope), state after)
ACTION_MATRIX = [
    ("accept", CaseState.SUBMITTED, {}, "officer", "approver", CaseState.ACCEPTED),
    ("refuse", CaseState.SUBMITTED, {"reasons": "不符合受理条件"}, "counter", "approver", CaseState.REFUSED),
    ("correction", CaseState.SUBMITTED, {"pick_M01": "on", "reason_M01": "缺少签名"}, "officer", "approver",
     CaseState.CORRECTION_REQUESTED),
    ("start-review", CaseState.ACCEPTED, {}, "approver", "counter", CaseState.UNDER_REVIEW),
    ("decide", CaseState.UNDER_REVIEW, {"outcome": "approve", "reasons": "符合条件", "retention_class": "30y"},
     "approver", "officer", CaseState.APPROVED),
    ("issue-result", CaseState.APPROVED, {}, "officer", "counter", CaseState.RESULT_ISSUED),
    ("deliver", CaseState.RESULT_ISSUED, {"method": "pickup"}, "counter", "approver", CaseState.DELIVERED),
    ("conclude", CaseState.DELIVERED, {}, "officer", "approver", CaseState.CONCLUDED),
]


@pytest.mark.parametrize(("action", "before", "fields", "right", "wrong", "after"), ACTION_MATRIX,
                         ids=[row[0] for row in ACTION_MATRIX])
def test_case_7_each_action_over_roles(client, action, before, fields, right, wrong, after):
    """CASE-7: anonymous → login; out of scope → 404; the wrong role in scope → 403 with nothing changed;
    the right role → the state moves on."""
    # given a case the street window filed for a citywide item, in the state the action needs
    the = scene(is_citywide=True)
    case = case_in(the, before)
    url = _action(case, action)
    data = {"lock_version": case.lock_version, **fields}
    untouched = snapshot(case)

    # when nobody, someone outside, and the wrong role post the form, nothing changes
    assert client.post(url, data)["Location"].startswith(reverse("workbench:login"))
    client.force_login(staff(StaffRole.AGENCY_ADMIN, the.bureau))
    assert client.post(url, data).status_code == 404
    client.force_login(getattr(the, wrong))
    refused = client.post(url, data)
    assert refused.status_code == 403
    assert refused.context["refusal"].code == "IDENTITY_ROLE_REQUIRED"
    assert snapshot(case) == untouched

    # when the right role posts it, the case moves on and the page says so
    client.force_login(getattr(the, right))
    response = client.post(url, data, follow=True)
    case.refresh_from_db()
    assert case.state == after
    assert len(page_messages(response)) == 1


def test_case_2_pre_review_passes_with_an_opinion(client):
    """CASE-2: the pre-review opinion is required; with it the case is pre-reviewed."""
    the = scene(online_depth="online_prereview")
    case = submitted(the)
    client.force_login(the.officer)
    page = client.get(reverse("workbench:case", args=[case.number]))
    assert [action.slug for action, _form in page.context["actions"]] == ["pre-review", "accept", "correction",
                                                                          "refuse"]
    url = _action(case, "pre-review")
    empty = client.post(url, {"lock_version": case.lock_version, "outcome": "pass", "opinion": ""})
    assert (empty.status_code, empty.context["refusal"].code) == (400, "CASE_REASON_REQUIRED")
    client.post(url, {"lock_version": case.lock_version, "outcome": "pass", "opinion": "材料齐全，请等待受理"})
    case.refresh_from_db()
    assert (case.state, case.due_step) == (CaseState.PRE_REVIEWED, "acceptance")


def test_case_3_one_notice_lists_every_chosen_material(client):
    """CASE-3, CASE-4: one notice names every chosen material with its reason; only guide materials exist."""
    # given a submitted case and its officer
    the = scene()
    case = submitted(the)
    client.force_login(the.officer)
    url = _action(case, "correction")

    # when a material is ticked without its reason, nothing is issued and the reason field says why
    missing = client.post(url, {"lock_version": case.lock_version, "pick_M01": "on", "reason_M01": ""})
    assert missing.status_code == 400
    assert missing.context["refusal"].code == "CASE_REASON_REQUIRED"
    form = dict((action.slug, form) for action, form in missing.context["actions"])["correction"]
    assert form.errors["reason_M01"] == ["请填写理由（CASE_REASON_REQUIRED）"]
    assert CorrectionNotice.objects.count() == 0

    # when two guide materials (and a code outside the guide) are posted with reasons
    client.post(url, {"lock_version": case.lock_version, "note": "请一次补齐", "pick_M01": "on",
                      "reason_M01": "缺少申请人签名", "pick_M03": "on", "reason_M03": "委托书未注明期限",
                      "pick_X99": "on", "reason_X99": "额外证明"})

    # then one notice lists exactly the two guide materials
    notice = CorrectionNotice.objects.get(case=case)
    assert sorted(notice.items.values_list("guide_material__code", "reason")) == [
        ("M01", "缺少申请人签名"), ("M03", "委托书未注明期限")
    ]
    case.refresh_from_db()
    assert (case.state, case.deadline_status) == (CaseState.CORRECTION_REQUESTED, DeadlineStatus.PAUSED)


def test_a_stale_page_is_told_and_acts_once(client):
    """Two officers accept from the same page: the first wins, the second is told (CASE_STALE) and nothing repeats."""
    the = scene()
    case = submitted(the)
    colleague = staff(StaffRole.CASE_OFFICER, the.bureau)
    seen_lock = case.lock_version
    client.force_login(colleague)
    client.post(_action(case, "accept"), {"lock_version": seen_lock})
    client.force_login(the.officer)
    response = client.post(_action(case, "accept"), {"lock_version": seen_lock})
    assert response.status_code == 409
    assert response.context["refusal"].code == "CASE_STALE"
    assert "办件已被他人处理（当前状态“已受理”），请刷新后重试" in response.content.decode()
    assert list(case.events.filter(action="accepted").values_list("actor_label", flat=True)) == [
        colleague.display_name
    ]
    # the page offers fresh forms with the current lock
    case.refresh_from_db()
    assert all(form.initial["lock_version"] == case.lock_version for _action_, form in response.context["actions"])


def test_decision_form_records_dates_and_refuses_an_expiry_before_the_start(client):
    """The decision form: reasons, effective and expiry dates, retention; a backwards range is refused."""
    the = scene(is_citywide=True)
    case = case_in(the, CaseState.UNDER_REVIEW)
    client.force_login(the.approver)
    url = _action(case, "decide")
    data = {"lock_version": case.lock_version, "outcome": "deny", "reasons": "不符合条件",
            "effective_on": "2026-06-10", "expires_on": "2026-06-01", "retention_class": "10y"}
    assert client.post(url, data).status_code == 400
    assert Decision.objects.count() == 0
    client.post(url, {**data, "expires_on": ""})
    decision = Decision.objects.get(case=case)
    assert (decision.outcome, decision.reconsideration_deadline) == ("denied", datetime.date(2026, 7, 31))
    assert Case.objects.get(pk=case.pk).retention_class == "10y"
