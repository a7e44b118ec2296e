"""Staff accounts and roles under the separation of three administrators (三员分立).

* the system administrator (``SYSTEM_ADMIN``) creates staff accounts, assigns and
  removes roles, disables and enables accounts (this module);
* the security administrator (``SECURITY_ADMIN``) disables and enables accounts,
  resets second factors, lifts lockouts and reads the login log
  (``identity.services.security``);
* the audit administrator (``AUDIT_ADMIN``) alone reads the audit log
  (``identity.services.audit_log``).

Nobody holds two of the three roles, nobody administers their own account, and
an administrator acts only within the agencies their role covers. Every function
is one transaction with an audit event; a refusal raises ``TongbanError`` and
changes nothing.
"""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from tongban.agencies.models import Agency
from tongban.core import audit
from tongban.core.errors import TongbanError
from tongban.identity.errors import IdentityError
from tongban.identity.models import RoleAssignment, StaffRole, User
from tongban.identity.services.roles import Actor, agencies_where, require_role
from tongban.identity.sessions import end_sessions

SEPARATED_ROLES = (StaffRole.SYSTEM_ADMIN, StaffRole.SECURITY_ADMIN, StaffRole.AUDIT_ADMIN)
ACCOUNT_ADMIN_ROLES = (StaffRole.SYSTEM_ADMIN, StaffRole.SECURITY_ADMIN)
USERNAME_MIN_LENGTH = 3


def refuse_self(actor: Actor, user: User) -> None:
    """Nobody administers their own account: another administrator must act."""
    if actor is not None and actor.pk is not None and actor.pk == user.pk:
        raise TongbanError(IdentityError.SELF_ADMINISTRATION)


def require_account_authority(actor: Actor, user: User,
                              roles: tuple[StaffRole, ...]) -> StaffRole:
    """The first of ``roles`` by which ``actor`` may administer ``user``'s account, else a refusal.

    The role must cover every agency at which ``user`` holds a role; for an
    account holding none (an applicant, or staff whose roles were all removed)
    it must be held at a top-level agency, that is for the whole platform.
    """
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise TongbanError(IdentityError.LOGIN_REQUIRED)
    targets = [assignment.agency for assignment in RoleAssignment.objects.filter(user=user).select_related("agency")]
    holds_any = False
    for role in roles:
        held = agencies_where(actor, role)
        holds_any = holds_any or bool(held)
        if targets and held and all(any(holder.covers(target) for holder in held) for target in targets):
            return role
        if not targets and any(holder.parent_id is None for holder in held):
            return role
    if not holds_any:
        raise TongbanError(IdentityError.ROLE_REQUIRED, role="或".join(str(role.label) for role in roles))
    raise TongbanError(IdentityError.ACCOUNT_OUT_OF_SCOPE, user=str(user))


def _reason(reason: str) -> str:
    cleaned = (reason or "").strip()
    if not cleaned:
        raise TongbanError(IdentityError.REASON_REQUIRED, field="reason")
    return cleaned


def _lock(user: User) -> User:
    """The account row, locked until the transaction ends, so concurrent administrators act one by one."""
    return User.objects.select_for_update().get(pk=user.pk)


def create_staff(actor: Actor, *, username: str, display_name: str, password: str, role: StaffRole | str,
                 agency: Agency) -> User:
    """A new staff account holding ``role`` at ``agency``, with an initial password; SYSTEM_ADMIN only.

    The staff member binds an authenticator at first login. The password must
    pass the platform's password rules (``AUTH_PASSWORD_VALIDATORS``).
    """
    require_role(actor, StaffRole.SYSTEM_ADMIN, agency)
    role = StaffRole(role)
    username = (username or "").strip()
    display_name = (display_name or "").strip()
    try:
        User.username_validator(username)
    except ValidationError:
        raise TongbanError(IdentityError.STAFF_USERNAME_INVALID, field="username") from None
    if len(username) < USERNAME_MIN_LENGTH or len(username) > 150:
        raise TongbanError(IdentityError.STAFF_USERNAME_INVALID, field="username")
    if not display_name:
        raise TongbanError(IdentityError.STAFF_NAME_REQUIRED, field="display_name")
    if User.objects.filter(username__iexact=username).exists():
        raise TongbanError(IdentityError.STAFF_USERNAME_TAKEN, field="username", username=username)
    candidate = User(username=username, display_name=display_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as error:
        raise TongbanError(IdentityError.STAFF_PASSWORD_WEAK, field="password",
                           detail="；".join(str(message) for message in error.messages)) from None
    with transaction.atomic():
        candidate.set_password(password)
        candidate.save()
        RoleAssignment.objects.create(user=candidate, role=role, agency=agency)
        audit.record("identity.staff.created", actor=actor, agency_id=agency.pk, obj=candidate,
                     data={"username": username, "role": role.value, "agency": agency.code})
    return candidate


def assign_role(actor: Actor, user: User, role: StaffRole | str, agency: Agency) -> RoleAssignment:
    """Give ``user`` ``role`` at ``agency``; SYSTEM_ADMIN covering ``agency``, never to oneself.

    Refused when the role is already held there, and when it is one of the three
    administrator roles while ``user`` holds another of them.
    """
    refuse_self(actor, user)
    require_role(actor, StaffRole.SYSTEM_ADMIN, agency)
    role = StaffRole(role)
    with transaction.atomic():
        _lock(user)
        if RoleAssignment.objects.filter(user=user, role=role, agency=agency).exists():
            raise TongbanError(IdentityError.ROLE_ALREADY_HELD, user=str(user), role=role.label, agency=agency.name)
        if role in SEPARATED_ROLES:
            other = RoleAssignment.objects.filter(user=user, role__in=SEPARATED_ROLES).exclude(role=role).first()
            if other is not None:
                raise TongbanError(IdentityError.ADMIN_ROLES_SEPARATED, user=str(user),
                                   held=StaffRole(other.role).label)
        assignment = RoleAssignment.objects.create(user=user, role=role, agency=agency)
        audit.record("identity.role.assigned", actor=actor, agency_id=agency.pk, obj=user,
                     data={"username": user.username, "role": role.value, "agency": agency.code})
    return assignment


def remove_role(actor: Actor, user: User, role: StaffRole | str, agency: Agency) -> None:
    """Take ``role`` at ``agency`` away from ``user``; SYSTEM_ADMIN covering ``agency``, never from oneself."""
    refuse_self(actor, user)
    require_role(actor, StaffRole.SYSTEM_ADMIN, agency)
    role = StaffRole(role)
    with transaction.atomic():
        _lock(user)
        assignment = RoleAssignment.objects.filter(user=user, role=role, agency=agency).first()
        if assignment is None:
            raise TongbanError(IdentityError.ROLE_NOT_HELD, user=str(user), role=role.label, agency=agency.name)
        assignment.delete()
        audit.record("identity.role.removed", actor=actor, agency_id=agency.pk, obj=user,
                     data={"username": user.username, "role": role.value, "agency": agency.code})


def disable_account(actor: Actor, user: User, reason: str) -> User:
    """Stop ``user`` from logging in and end every session they hold; SYSTEM_ADMIN or SECURITY_ADMIN.

    The administrator's role must cover the account (``require_account_authority``);
    nobody disables their own account. The audit event names the reason, the
    role acted in and how many sessions were ended.
    """
    refuse_self(actor, user)
    acting_as = require_account_authority(actor, user, ACCOUNT_ADMIN_ROLES)
    cleaned = _reason(reason)
    with transaction.atomic():
        locked = _lock(user)
        if not locked.is_active:
            raise TongbanError(IdentityError.ACCOUNT_ALREADY_DISABLED, user=str(locked))
        locked.is_active = False
        locked.save(update_fields=["is_active"])
        ended = end_sessions(locked)
        audit.record("identity.account.disabled", actor=actor, obj=locked,
                     data={"username": locked.username, "reason": cleaned, "as": acting_as.value,
                           "sessions_ended": ended})
    return locked


def enable_account(actor: Actor, user: User, reason: str) -> User:
    """Let a disabled ``user`` log in again; SYSTEM_ADMIN or SECURITY_ADMIN covering the account, audited."""
    refuse_self(actor, user)
    acting_as = require_account_authority(actor, user, ACCOUNT_ADMIN_ROLES)
    cleaned = _reason(reason)
    with transaction.atomic():
        locked = _lock(user)
        if locked.is_active:
            raise TongbanError(IdentityError.ACCOUNT_NOT_DISABLED, user=str(locked))
        locked.is_active = True
        locked.save(update_fields=["is_active"])
        audit.record("identity.account.enabled", actor=actor, obj=locked,
                     data={"username": locked.username, "reason": cleaned, "as": acting_as.value})
    return locked
