"""One place where a case's step is recorded: timeline row, applicant notice, agency-system event."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from tongban.cases.models import Case, CaseEvent
from tongban.identity.models import User
from tongban.identity.services import actor_label
from tongban.notifications.services import notify


def record_event(case: Case, action: str, from_state: str, actor: User | AnonymousUser | None, *, note: str = "",
                 notify_title: str = "", notify_body: str = "") -> CaseEvent:
    """Append the timeline row, tell the applicant (in-app and SMS) and publish the event to subscribed
    agency systems, all in the caller's transaction (the webhook leaves from the outbox after commit)."""
    from tongban.cases.services.exchange import publish_case_event

    event = CaseEvent.objects.create(
        case=case, action=action, from_state=from_state, to_state=case.state, actor_label=actor_label(actor),
        note=note, occurred_at=timezone.now(),
    )
    if notify_title:
        notify(case.applicant, notify_title, notify_body or notify_title, link=f"/cases/{case.number}/")
    if action != "draft_started":
        publish_case_event(case, f"case.{action}")
    return event
