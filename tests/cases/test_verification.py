"""Post-verification of commitments (CASE-8): the agency's worklist, the finding, its permissions."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from tests.cases.builders import FORM, scene, upload
from tests.factories import AgencyFactory, staff
from tongban.cases.models import Channel, PostVerificationTask, VerificationState
from tongban.cases.services import applications, verification
from tongban.core.errors import TongbanError
from tongban.core.models import AuditEvent
from tongban.identity.models import StaffRole
from tongban.notifications.models import Notification

pytestmark = pytest.mark.django_db

MATERIALS = [
    {"code": "M01", "name": "申请表", "source": "agency_form", "medium": "electronic"},
    {"code": "M02", "name": "无犯罪记录证明", "source": "government", "medium": "original", "commitment_allowed": True},
]


def committed_case():
    """A case filed with a commitment instead of the proof; returns the scene and its verification task."""
    the = scene(materials=MATERIALS)
    case = applications.start_draft(the.applicant.user, the.item, channel=Channel.PC)
    applications.save_draft(the.applicant.user, case, form_data=FORM)
    applications.attach_document(the.applicant.user, case, "M01", upload(the.applicant, "申请表"))
    applications.sign_commitment(the.applicant.user, case, ["M02"], "本人承诺无犯罪记录，如有不实愿承担法律责任")
    applications.submit(the.applicant.user, case)
    return the, PostVerificationTask.objects.get()


def test_case_8_officer_confirms_the_commitment_once():
    """CASE-8: the handling agency's officer records "true"; the timeline and audit log keep it; no second finding."""
    # given an open verification task
    the, task = committed_case()
    notices_before = Notification.objects.filter(person=the.applicant).count()

    # when the officer confirms it
    done = verification.record_finding(the.officer, task, confirmed=True, finding="经公安部门数据核验，无犯罪记录")

    # then the task is finished with the finding, in the case's timeline and the audit log; nobody is notified
    assert (done.state, done.finding) == (VerificationState.CONFIRMED, "经公安部门数据核验，无犯罪记录")
    case = task.commitment.case
    assert list(case.events.filter(action="commitment_confirmed").values_list("note", flat=True)) == [
        "经公安部门数据核验，无犯罪记录"]
    assert AuditEvent.objects.filter(action="cases.verification.confirmed", object_id=str(task.pk)).count() == 1
    assert Notification.objects.filter(person=the.applicant).count() == notices_before
    # and a second finding is refused, changing nothing
    with pytest.raises(TongbanError) as refusal:
        verification.record_finding(the.officer, task, confirmed=False, finding="改判")
    assert refusal.value.code == "CASE_VERIFICATION_FINISHED"
    task.refresh_from_db()
    assert task.state == VerificationState.CONFIRMED


def test_case_8_untrue_commitment_is_recorded_and_the_applicant_told():
    """CASE-8: an untrue commitment goes into the timeline and the applicant receives a notice."""
    the, task = committed_case()
    verification.record_finding(the.approver, task, confirmed=False, finding="查有犯罪记录，承诺不实")
    task.refresh_from_db()
    assert task.state == VerificationState.BREACHED
    notice = Notification.objects.filter(person=the.applicant).first()
    assert notice is not None and notice.title == "承诺核查结果" and "查有犯罪记录，承诺不实" in notice.body


@pytest.mark.parametrize(("role", "code"), [
    (StaffRole.COUNTER_STAFF, "IDENTITY_ROLE_REQUIRED"), (StaffRole.AGENCY_ADMIN, "IDENTITY_ROLE_REQUIRED"),
    (StaffRole.PLATFORM_OPERATOR, "IDENTITY_ROLE_REQUIRED"), (StaffRole.CASE_OFFICER, "IDENTITY_AGENCY_OUT_OF_SCOPE"),
])
def test_case_8_only_the_agency_officers_record_a_finding(role, code):
    """CASE-8: counter staff, agency admins, the operator, another agency's officers: refused, nothing changes."""
    the, task = committed_case()
    other = AgencyFactory(name="上海市民政局", parent=the.city)
    outsider = staff(role, other if role == StaffRole.CASE_OFFICER else the.bureau)
    audit_before = AuditEvent.objects.count()
    with pytest.raises(TongbanError) as refusal:
        verification.record_finding(outsider, task, confirmed=True, finding="属实")
    assert refusal.value.code == code
    task.refresh_from_db()
    assert (task.state, task.finding, task.completed_at) == (VerificationState.OPEN, "", None)
    assert AuditEvent.objects.count() == audit_before


def test_case_8_a_finding_needs_its_reasons():
    """CASE-8: an empty finding is refused with its code and changes nothing."""
    the, task = committed_case()
    with pytest.raises(TongbanError) as refusal:
        verification.record_finding(the.officer, task, confirmed=True, finding="   ")
    assert (refusal.value.code, refusal.value.field) == ("CASE_VERIFICATION_FINDING_REQUIRED", "finding")
    task.refresh_from_db()
    assert task.state == VerificationState.OPEN


def test_case_8_worklist_page_shows_the_agencys_tasks_and_records_a_finding(client):
    """CASE-8: the officer's worklist lists the open task (overdue marked) and the form records the finding."""
    the, task = committed_case()
    with time_machine.travel(datetime.datetime.combine(task.due_on + datetime.timedelta(days=1), datetime.time(10)),
                             tick=True):
        client.force_login(the.officer)
        page = client.get("/workbench/verifications/")
        assert page.status_code == 200
        rows = page.context["rows"]
        assert [(row["task"].pk, row["overdue"]) for row in rows] == [(task.pk, True)]
        answer = client.post(f"/workbench/verifications/{task.pk}/finding/",
                             {f"task-{task.pk}-outcome": "confirmed", f"task-{task.pk}-finding": "现场核查属实"})
        assert answer.status_code == 302
        task.refresh_from_db()
        assert (task.state, task.finding) == (VerificationState.CONFIRMED, "现场核查属实")
        assert client.get("/workbench/verifications/").context["rows"] == []


def test_case_8_worklist_hides_other_agencies_tasks_and_refuses_their_forms(client):
    """CASE-8: an officer of another agency sees nothing and a posted finding is refused (403), changing nothing."""
    the, task = committed_case()
    other_officer = staff(StaffRole.CASE_OFFICER, AgencyFactory(name="上海市民政局", parent=the.city))
    client.force_login(other_officer)
    assert client.get("/workbench/verifications/").context["rows"] == []
    answer = client.post(f"/workbench/verifications/{task.pk}/finding/",
                         {f"task-{task.pk}-outcome": "breached", f"task-{task.pk}-finding": "不实"})
    assert answer.status_code == 403
    task.refresh_from_db()
    assert task.state == VerificationState.OPEN
