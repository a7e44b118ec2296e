"""Reading the audit log: the audit administrator's power alone (三员分立).

The system and security administrators act, and their acts are in the log; only
the audit administrator reads it and checks its hash chain. An audit
administrator at a top-level agency sees every event; one held lower sees the
events of the agencies their role covers. Verifying the chain is itself audited.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from tongban.agencies.models import Agency
from tongban.core import audit
from tongban.core.models import AuditEvent
from tongban.identity.models import StaffRole, User
from tongban.identity.services.roles import agencies_where, require_role
from tongban.identity.services.security import require_platform_role


@dataclass(frozen=True)
class EventFilter:
    """What the audit administrator narrows the log by; empty fields do not filter."""

    action: str = ""
    actor: str = ""
    object_type: str = ""
    object_id: str = ""
    since: datetime.datetime | None = None
    until: datetime.datetime | None = None


def readable_events(actor: User | AnonymousUser | None, wanted: EventFilter | None = None) -> QuerySet[AuditEvent]:
    """The events ``actor`` may read, newest first, narrowed by ``wanted``; AUDIT_ADMIN only."""
    require_role(actor, StaffRole.AUDIT_ADMIN)
    held = agencies_where(actor, StaffRole.AUDIT_ADMIN)
    events = AuditEvent.objects.order_by("-id")
    if not any(agency.parent_id is None for agency in held):
        covered = Q()
        for agency in held:
            covered |= Q(path__startswith=agency.path)
        events = events.filter(agency_id__in=Agency.objects.filter(covered).values("id"))
    wanted = wanted or EventFilter()
    if wanted.action:
        events = events.filter(action__startswith=wanted.action)
    if wanted.actor:
        events = events.filter(actor_label__icontains=wanted.actor)
    if wanted.object_type:
        events = events.filter(object_type=wanted.object_type)
    if wanted.object_id:
        events = events.filter(object_id=wanted.object_id)
    if wanted.since is not None:
        events = events.filter(occurred_at__gte=wanted.since)
    if wanted.until is not None:
        events = events.filter(occurred_at__lt=wanted.until)
    return events


def verify_audit_chain(actor: User | AnonymousUser | None) -> audit.VerificationResult:
    """Recompute the whole hash chain (``core.audit.verify_chain``); AUDIT_ADMIN for the platform, audited."""
    require_platform_role(actor, StaffRole.AUDIT_ADMIN)
    result = audit.verify_chain()
    audit.record("identity.audit_log.verified", actor=actor, data={
        "ok": result.ok, "checked": result.checked, "first_broken_id": result.first_broken_id,
        "problem": result.problem,
    })
    return result
