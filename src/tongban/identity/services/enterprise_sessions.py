"""Acting "as the enterprise" (ID-4): an explicit choice stored in the session, checked on every read.

``act_as`` stores the grant's id under :data:`SESSION_KEY` after checking it is
active and held by the logged-in person; ``current_grant`` re-reads it on each
request and drops it the moment it has expired or been revoked (anywhere up its
chain), so a withdrawn authority stops working at once; ``stop_acting`` goes
back to acting as oneself. Starting and stopping are audited with the USCC.

What is done while acting must name the enterprise: audit events carry
:func:`acting_audit_data`, and records created for the enterprise store the
grant's id (see :mod:`tongban.identity.services.enterprises`).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from tongban.core import audit
from tongban.core.errors import TongbanError
from tongban.identity.errors import IdentityError
from tongban.identity.models import EnterpriseGrant, Person, User

SESSION_KEY = "acting_enterprise_grant_id"
_REQUEST_CACHE = "_tongban_acting_grant"
_UNSET = object()


def require_person(person: Person | None) -> Person:
    """The acting person, refusing anonymous callers and disabled accounts."""
    if person is None or not person.user.is_active:
        raise TongbanError(IdentityError.LOGIN_REQUIRED)
    return person


def person_of(user: User | AnonymousUser | None) -> Person | None:
    """The applicant behind a logged-in account, or None (anonymous, staff without a person record)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return Person.objects.filter(user=user).select_related("user").first()


def require_active_chain(grant_row: EnterpriseGrant) -> None:
    """Refuse a grant that is revoked or expired, or whose parent or grandparent is."""
    current: EnterpriseGrant | None = grant_row
    while current is not None:
        if current.revoked_at is not None:
            raise TongbanError(IdentityError.GRANT_REVOKED)
        if current.expires_at is not None and current.expires_at <= timezone.now():
            raise TongbanError(
                IdentityError.GRANT_EXPIRED, expired_at=f"{timezone.localtime(current.expires_at):%Y-%m-%d %H:%M}"
            )
        current = current.parent


def acting_audit_data(grant_row: EnterpriseGrant | None) -> dict[str, Any]:
    """What an audit event records about acting for an enterprise: ``acting_for`` (USCC) and ``grant_id``."""
    if grant_row is None:
        return {}
    return {"acting_for": grant_row.enterprise.uscc, "grant_id": grant_row.pk}


def _fresh(grant_id: int) -> EnterpriseGrant | None:
    return EnterpriseGrant.objects.select_related("enterprise", "person", "parent__parent").filter(pk=grant_id).first()


def act_as(request: HttpRequest, grant_row: EnterpriseGrant) -> EnterpriseGrant:
    """Start acting for the grant's enterprise in this session; the grant must be the user's and active."""
    person = person_of(request.user)
    if person is None:
        raise TongbanError(IdentityError.LOGIN_REQUIRED)
    current = _fresh(grant_row.pk)
    if current is None or current.person_id != person.pk:
        raise TongbanError(IdentityError.GRANT_NOT_HOLDER)
    require_active_chain(current)
    with transaction.atomic():
        audit.record(
            "identity.enterprise.acting_started", actor=request.user, obj=current.enterprise,
            data=acting_audit_data(current),
        )
    request.session[SESSION_KEY] = current.pk
    setattr(request, _REQUEST_CACHE, current)
    return current


def stop_acting(request: HttpRequest) -> None:
    """Go back to acting as oneself; audited when the session was acting for an enterprise."""
    grant_id = request.session.pop(SESSION_KEY, None)
    setattr(request, _REQUEST_CACHE, None)
    if grant_id is None:
        return
    stopped = _fresh(grant_id)
    with transaction.atomic():
        audit.record(
            "identity.enterprise.acting_stopped", actor=request.user,
            obj=stopped.enterprise if stopped else None,
            data=acting_audit_data(stopped) if stopped else {"grant_id": grant_id},
        )


def current_grant(request: HttpRequest) -> EnterpriseGrant | None:
    """The grant this session acts under, or None; a stale one (expired, revoked, not the user's) is cleared."""
    cached = getattr(request, _REQUEST_CACHE, _UNSET)
    if cached is not _UNSET:
        return cached  # type: ignore[return-value]
    session = getattr(request, "session", None)
    grant_id = session.get(SESSION_KEY) if session is not None else None
    found: EnterpriseGrant | None = None
    if grant_id is not None:
        user = getattr(request, "user", None)
        candidate = _fresh(grant_id) if user is not None and user.is_authenticated else None
        if candidate is not None and candidate.person.user_id == user.pk:  # type: ignore[union-attr]
            try:
                require_active_chain(candidate)
                found = candidate
            except TongbanError:
                found = None
        if found is None and session is not None:
            session.pop(SESSION_KEY, None)
    setattr(request, _REQUEST_CACHE, found)
    return found
