"""Builders for the workbench case-page tests (this module holds no tests of its own).

Cases are brought to each state through the real case services, by the people
of a :func:`tests.cases.builders.scene`, so the pages are tested against the
data the workflow makes.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.cases.builders import FORM, Scene, upload
from tongban.cases.models import Case, CaseEvent, CaseState, Channel
from tongban.cases.services import applications, handling
from tongban.core.models import AuditEvent

PDF = b"%PDF-1.7\n% a scanned material\n"


def pdf(name: str = "申请表.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    """A small file whose content is what its extension says."""
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def counter_submitted(the: Scene) -> Case:
    """A case the street window filed for the applicant and submitted (the scene's item must be citywide, ITEM-13)."""
    case = applications.start_draft(the.counter, the.item, channel=Channel.COUNTER, applicant=the.applicant,
                                    window=the.street)
    applications.save_draft(the.counter, case, form_data=FORM)
    for material in case.version.materials_for({}):
        if material.licence_type:
            applications.mark_fetched(the.counter, case, material.code, "LIC-0001")
        else:
            applications.attach_document(the.counter, case, material.code, upload(the.applicant, material.name))
    applications.submit(the.counter, case)
    case.refresh_from_db()
    return case


def case_in(the: Scene, state: CaseState) -> Case:
    """A counter-filed case taken through the workflow to ``state`` by the scene's officer and approver."""
    case = counter_submitted(the)
    steps = {
        CaseState.ACCEPTED: lambda: handling.accept(the.officer, case),
        CaseState.UNDER_REVIEW: lambda: handling.start_review(the.officer, case),
        CaseState.APPROVED: lambda: handling.decide(the.approver, case, approve=True, reasons="符合条件"),
        CaseState.RESULT_ISSUED: lambda: handling.issue_result(the.officer, case),
        CaseState.DELIVERED: lambda: handling.deliver(the.officer, case, method="电子送达"),
    }
    for step, perform in steps.items():
        if case.state == state:
            break
        perform()
        case.refresh_from_db()
        assert case.state == step
    assert case.state == state
    return case


def snapshot(case: Case) -> tuple[str, int, int, int]:
    """What an action changes: state, lock version, timeline rows, audit events."""
    case.refresh_from_db()
    return case.state, case.lock_version, CaseEvent.objects.filter(case=case).count(), AuditEvent.objects.count()
