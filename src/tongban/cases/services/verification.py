"""Post-verification of commitments (告知承诺 事后核查, CASE-8).

A case filed with a signed commitment instead of named proofs leaves the
handling agency a verification task with its own deadline. An officer of that
agency records the finding: the commitment was true (核查属实) or not (承诺不实).
A finding is final; an untrue commitment is written into the case's timeline,
the applicant is told, and the audit log keeps who found what, so the agency can
act on it (revocation of the decision is its own legal procedure, outside this step).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from tongban.cases.errors import CaseError
from tongban.cases.models import PostVerificationTask, VerificationState
from tongban.cases.services.events import record_event
from tongban.core import audit
from tongban.core.errors import TongbanError
from tongban.identity.models import StaffRole, User
from tongban.identity.services import Actor, holds_role, require_role

VERIFYING_ROLES = (StaffRole.CASE_OFFICER, StaffRole.APPROVER)
FINDING_MAX_LENGTH = 2000


def open_tasks(scope: Q) -> QuerySet[PostVerificationTask]:
    """Open tasks within ``scope`` (a filter on the task's agency), the earliest deadline first."""
    return (
        PostVerificationTask.objects.filter(scope, state=VerificationState.OPEN)
        .select_related("commitment__case__item__basic_item", "commitment__case__applicant", "agency")
        .order_by("due_on", "pk")
    )


def finished_tasks(scope: Q) -> QuerySet[PostVerificationTask]:
    """Tasks within ``scope`` that have a finding, the latest first."""
    return (
        PostVerificationTask.objects.filter(scope).filter(~Q(state=VerificationState.OPEN))
        .select_related("commitment__case__item__basic_item", "agency")
        .order_by("-completed_at", "-pk")
    )


def is_overdue(task: PostVerificationTask, today: datetime.date | None = None) -> bool:
    """An open task past its deadline."""
    return task.state == VerificationState.OPEN and task.due_on < (today or timezone.localdate())


@transaction.atomic
def record_finding(actor: Actor, task: PostVerificationTask, *, confirmed: bool, finding: str) -> PostVerificationTask:
    """Record the verification's finding (CASE-8): true or untrue, with the reasons; once only.

    Only an officer or approver of the task's agency may record it
    (``IDENTITY_ROLE_REQUIRED`` otherwise); the finding text is required; a task
    already finished is refused with ``CASE_VERIFICATION_FINISHED``. Nothing
    changes on any refusal.
    """
    locked = PostVerificationTask.objects.select_for_update(of=("self",)).select_related(
        "agency", "commitment__case__applicant", "commitment__case__item__basic_item",
    ).get(pk=task.pk)
    if not any(holds_role(actor, role, locked.agency) for role in VERIFYING_ROLES):
        require_role(actor, StaffRole.CASE_OFFICER, locked.agency)  # raises with the precise reason
    if locked.state != VerificationState.OPEN:
        raise TongbanError(CaseError.VERIFICATION_FINISHED, state=VerificationState(locked.state).label)
    finding = (finding or "").strip()
    if not finding:
        raise TongbanError(CaseError.VERIFICATION_FINDING_REQUIRED, field="finding")
    if len(finding) > FINDING_MAX_LENGTH:
        raise TongbanError(CaseError.VERIFICATION_FINDING_TOO_LONG, field="finding", max_length=FINDING_MAX_LENGTH)
    locked.state = VerificationState.CONFIRMED if confirmed else VerificationState.BREACHED
    locked.finding = finding
    locked.completed_at = timezone.now()
    locked.save(update_fields=["state", "finding", "completed_at"])
    case = locked.commitment.case
    action = "commitment_confirmed" if confirmed else "commitment_breached"
    if confirmed:
        record_event(case, action, case.state, actor, note=finding)
    else:
        record_event(case, action, case.state, actor, note=finding, notify_title="承诺核查结果",
                     notify_body=f"经核查，您在办件 {case.number} 中作出的承诺与事实不符：{finding}")
    audit.record(f"cases.verification.{locked.state}", actor=actor if isinstance(actor, User) else None,
                 agency_id=locked.agency_id, obj=locked,
                 data={"case": case.number, "due_on": locked.due_on.isoformat(),
                       "late": locked.completed_at.date() > locked.due_on})
    return locked
