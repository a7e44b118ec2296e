"""Permission checks on staff roles; every service that changes state calls one of these first."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from tongban.agencies.models import Agency
from tongban.core.errors import TongbanError
from tongban.identity.errors import IdentityError
from tongban.identity.models import RoleAssignment, StaffRole, User


def roles_of(user: User | AnonymousUser | None) -> set[str]:
    """The role names a user holds anywhere."""
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    return set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))


def agencies_where(user: User | AnonymousUser | None, role: StaffRole) -> list[Agency]:
    """The agencies at which ``user`` holds ``role`` (each covering its subtree)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    assignments = RoleAssignment.objects.filter(user=user, role=role).select_related("agency")
    return [assignment.agency for assignment in assignments]


def holds_role(user: User | AnonymousUser | None, role: StaffRole, agency: Agency | None = None) -> bool:
    """True when ``user`` holds ``role`` at ``agency`` or at an agency above it (any agency if None)."""
    held = agencies_where(user, role)
    if agency is None:
        return bool(held)
    return any(holder.covers(agency) for holder in held)


def require_role(user: User | AnonymousUser | None, role: StaffRole, agency: Agency | None = None) -> None:
    """Refuse unless ``user`` holds ``role`` covering ``agency``; the object-level check of every use case."""
    if user is None or not user.is_authenticated or not user.is_active:
        raise TongbanError(IdentityError.LOGIN_REQUIRED)
    held = agencies_where(user, role)
    if not held:
        raise TongbanError(IdentityError.ROLE_REQUIRED, role=StaffRole(role).label)
    if agency is not None and not any(holder.covers(agency) for holder in held):
        raise TongbanError(IdentityError.AGENCY_OUT_OF_SCOPE, role=StaffRole(role).label, agency=agency.name)


# Whoever a service acts for: a staff member or applicant, an anonymous visitor (refused by the checks),
# or None for the platform itself (shell commands, jobs, agency systems whose credential the API checked).
Actor = User | AnonymousUser | None

PLATFORM_LABEL = "平台"


def actor_label(actor: User | AnonymousUser | None) -> str:
    """How records name who acted: the staff member's name, or the platform itself for ``None``."""
    if actor is None:
        return PLATFORM_LABEL
    return getattr(actor, "display_name", "") or actor.get_username()
