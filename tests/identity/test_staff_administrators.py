"""The three administrators (三员分立): system, security and audit administrators hold separate powers.

The matrix runs every administrative action as every kind of actor (the three
administrators, another staff role, a superuser, anonymous); each refusal must
change nothing. Part of ID-1 (staff identity) and SEC-4 (who may read the
records of personal-data access).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import AgencyFactory, UserFactory, staff
from tests.identity.test_staff_hardening import _session_of
from tests.staff_sessions import authenticator
from tongban.agencies.models import Agency
from tongban.core import audit
from tongban.core.errors import TongbanError
from tongban.core.models import AuditEvent
from tongban.identity.errors import IdentityError
from tongban.identity.models import RoleAssignment, StaffRole, User, UserSession
from tongban.identity.services import audit_log, security
from tongban.identity.services import staff as staff_services

pytestmark = pytest.mark.django_db


@dataclass
class World:
    """A city with a bureau, a counter clerk (with authenticator, session and a password lock) and a disabled clerk."""

    city: Agency
    bureau: Agency
    target: User
    disabled: User
    actors: dict[str, Any]


@pytest.fixture
def world() -> World:
    city = AgencyFactory(name="上海市人民政府")
    bureau = AgencyFactory(parent=city, name="上海市民政局")
    target = staff(StaffRole.COUNTER_STAFF, bureau)
    authenticator(target)
    _session_of(target)
    AccessAttempt.objects.create(
        username=target.username, ip_address="10.0.0.9", user_agent="test", http_accept="*/*",
        path_info="/workbench/login/", get_data="", post_data="", failures_since_start=5,
    )
    disabled = staff(StaffRole.COUNTER_STAFF, bureau)
    User.objects.filter(pk=disabled.pk).update(is_active=False)
    audit.record("test.event.recorded", agency_id=bureau.pk)
    actors = {
        "system_admin": staff(StaffRole.SYSTEM_ADMIN, city),
        "security_admin": staff(StaffRole.SECURITY_ADMIN, city),
        "audit_admin": staff(StaffRole.AUDIT_ADMIN, city),
        "agency_admin": staff(StaffRole.AGENCY_ADMIN, city),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
        "anonymous": AnonymousUser(),
    }
    return World(city, bureau, target, User.objects.get(pk=disabled.pk), actors)


ACTIONS: dict[str, Callable[[Any, World], Any]] = {
    "create_staff": lambda actor, w: staff_services.create_staff(
        actor, username="new_clerk", display_name="新窗口", password="Long-enough-pass-2026",
        role=StaffRole.COUNTER_STAFF, agency=w.bureau),
    "assign_role": lambda actor, w: staff_services.assign_role(actor, w.target, StaffRole.AGENCY_ADMIN, w.bureau),
    "remove_role": lambda actor, w: staff_services.remove_role(actor, w.target, StaffRole.COUNTER_STAFF, w.bureau),
    "disable_account": lambda actor, w: staff_services.disable_account(actor, w.target, "离职"),
    "enable_account": lambda actor, w: staff_services.enable_account(actor, w.disabled, "复职"),
    "reset_second_factor": lambda actor, w: security.reset_second_factor(actor, w.target, "手机丢失"),
    "unlock": lambda actor, w: security.unlock(actor, username=w.target.username),
    "read_login_log": lambda actor, w: list(security.login_log(actor).locked_attempts),
    "read_audit_log": lambda actor, w: list(audit_log.readable_events(actor)),
    "verify_audit_chain": lambda actor, w: audit_log.verify_audit_chain(actor),
}

# What each action leaves behind when it is allowed.
EFFECTS: dict[str, Callable[[World, Any], bool]] = {
    "create_staff": lambda w, out: RoleAssignment.objects.filter(user__username="new_clerk").count() == 1,
    "assign_role": lambda w, out: w.target.role_assignments.filter(role=StaffRole.AGENCY_ADMIN).exists(),
    "remove_role": lambda w, out: not w.target.role_assignments.exists(),
    "disable_account": lambda w, out: (not User.objects.get(pk=w.target.pk).is_active
                                       and not UserSession.objects.filter(user=w.target).exists()),
    "enable_account": lambda w, out: User.objects.get(pk=w.disabled.pk).is_active,
    "reset_second_factor": lambda w, out: not TOTPDevice.objects.filter(user=w.target).exists(),
    "unlock": lambda w, out: not AccessAttempt.objects.exists(),
    "read_login_log": lambda w, out: [attempt.username for attempt in out] == [w.target.username],
    "read_audit_log": lambda w, out: "test.event.recorded" in [event.action for event in out],
    "verify_audit_chain": lambda w, out: out.ok,
}

ALLOWED = {
    "system_admin": {"create_staff", "assign_role", "remove_role", "disable_account", "enable_account"},
    "security_admin": {"disable_account", "enable_account", "reset_second_factor", "unlock", "read_login_log"},
    "audit_admin": {"read_audit_log", "verify_audit_chain"},
    "agency_admin": set(),
    "superuser": set(),
    "anonymous": set(),
}
READS = {"read_login_log", "read_audit_log"}


def snapshot() -> dict[str, Any]:
    """Everything an administrative action could change."""
    return {
        "users": sorted(User.objects.values_list("pk", "username", "is_active")),
        "roles": sorted(RoleAssignment.objects.values_list("user_id", "role", "agency_id")),
        "devices": sorted(TOTPDevice.objects.values_list("pk", "user_id")),
        "locks": AccessAttempt.objects.count(),
        "sessions": sorted(Session.objects.values_list("session_key", flat=True)),
        "indexed_sessions": UserSession.objects.count(),
        "audit_events": AuditEvent.objects.count(),
    }


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("actor_kind", list(ALLOWED))
def test_each_administrator_holds_only_their_own_powers_id_1_sec_4(world, actor_kind, action):
    """ID-1, SEC-4: the system, security and audit administrators each hold only their own powers; no other
    role and no superuser holds any of them; a refusal changes nothing."""
    # given the world and who acts
    actor = world.actors[actor_kind]
    before = snapshot()

    # when the actor attempts the action
    try:
        outcome, refusal = ACTIONS[action](actor, world), None
    except TongbanError as error:
        outcome, refusal = None, error

    # then it is done (and, if a change, audited as the actor) exactly when the matrix allows it
    if action in ALLOWED[actor_kind]:
        assert refusal is None
        assert EFFECTS[action](world, outcome) is True
        if action not in READS:
            assert AuditEvent.objects.order_by("-id").values_list("actor_id", flat=True).first() == actor.pk
    else:
        expected = IdentityError.LOGIN_REQUIRED if actor_kind == "anonymous" else IdentityError.ROLE_REQUIRED
        assert refusal is not None and refusal.error == expected
        assert snapshot() == before


@pytest.mark.parametrize(("actor_kind", "action"), [
    ("system_admin", lambda actor: staff_services.assign_role(actor, actor, StaffRole.AGENCY_ADMIN,
                                                              actor.role_assignments.get().agency)),
    ("system_admin", lambda actor: staff_services.remove_role(actor, actor, StaffRole.SYSTEM_ADMIN,
                                                              actor.role_assignments.get().agency)),
    ("system_admin", lambda actor: staff_services.disable_account(actor, actor, "测试")),
    ("security_admin", lambda actor: staff_services.disable_account(actor, actor, "测试")),
    ("security_admin", lambda actor: security.reset_second_factor(actor, actor, "测试")),
    ("security_admin", lambda actor: security.unlock(actor, username=actor.username)),
])
def test_nobody_administers_their_own_account_id_1(world, actor_kind, action):
    """ID-1: no administrator assigns or removes their own roles, disables themselves or lifts their own lock."""
    # given an administrator
    actor = world.actors[actor_kind]
    before = snapshot()

    # when they act on their own account
    with pytest.raises(TongbanError) as refused:
        action(actor)

    # then it is refused and nothing changed
    assert refused.value.error == IdentityError.SELF_ADMINISTRATION
    assert snapshot() == before


def test_one_person_holds_at_most_one_of_the_three_administrator_roles_id_1(world):
    """ID-1: 三员分立: the audit administrator cannot also become security or system administrator."""
    # given the audit administrator
    auditor = world.actors["audit_admin"]
    before = snapshot()

    # when the system administrator tries to make them security administrator too
    with pytest.raises(TongbanError) as refused:
        staff_services.assign_role(world.actors["system_admin"], auditor, StaffRole.SECURITY_ADMIN, world.city)

    # then it is refused naming the role already held, and nothing changed
    assert (refused.value.error, refused.value.params["held"]) == (IdentityError.ADMIN_ROLES_SEPARATED, "审计管理员")
    assert snapshot() == before


def test_administrators_act_only_within_the_agencies_they_cover_id_1(world):
    """ID-1: a bureau's system administrator cannot grant at the city, nor disable staff of another agency;
    a bureau's security administrator cannot read the platform-wide login log."""
    # given a bureau-level system and security administrator, and a clerk of another agency
    bureau_admin = staff(StaffRole.SYSTEM_ADMIN, world.bureau)
    bureau_security = staff(StaffRole.SECURITY_ADMIN, world.bureau)
    elsewhere = staff(StaffRole.COUNTER_STAFF, AgencyFactory(parent=world.city))
    before = snapshot()

    # when they reach beyond their bureau
    refusals = []
    for attempt in (
        lambda: staff_services.assign_role(bureau_admin, world.target, StaffRole.AGENCY_ADMIN, world.city),
        lambda: staff_services.disable_account(bureau_admin, elsewhere, "越权"),
        lambda: security.login_log(bureau_security),
    ):
        with pytest.raises(TongbanError) as refused:
            attempt()
        refusals.append(refused.value.error)

    # then each is refused for scope and nothing changed
    assert refusals == [IdentityError.AGENCY_OUT_OF_SCOPE, IdentityError.ACCOUNT_OUT_OF_SCOPE,
                        IdentityError.PLATFORM_ROLE_REQUIRED]
    assert snapshot() == before


def test_a_bureau_audit_administrator_reads_only_that_bureaus_events_sec_4(world):
    """SEC-4: an audit administrator held at a bureau sees the bureau's events, not the city's or the platform's."""
    # given events at the bureau (from the fixture), at the city and without agency, and a bureau auditor
    audit.record("test.event.city", agency_id=world.city.pk)
    audit.record("test.event.platform")
    bureau_auditor = staff(StaffRole.AUDIT_ADMIN, world.bureau)

    # when each auditor reads the log
    bureau_view = list(audit_log.readable_events(bureau_auditor).values_list("action", flat=True))
    city_view = list(audit_log.readable_events(world.actors["audit_admin"]).values_list("action", flat=True))

    # then the bureau auditor sees only the bureau event; the platform auditor sees all, newest first
    assert bureau_view == ["test.event.recorded"]
    assert city_view == ["test.event.platform", "test.event.city", "test.event.recorded"]


@pytest.mark.parametrize(("fields", "error"), [
    ({"username": "x"}, IdentityError.STAFF_USERNAME_INVALID),
    ({"username": "有 空格"}, IdentityError.STAFF_USERNAME_INVALID),
    ({"display_name": " "}, IdentityError.STAFF_NAME_REQUIRED),
    ({"password": "1234567890"}, IdentityError.STAFF_PASSWORD_WEAK),
])
def test_create_staff_refuses_bad_input_and_creates_nothing_id_1(world, fields, error):
    """ID-1: a malformed username, a missing name or a weak password creates no account."""
    # given the system administrator and otherwise valid input
    arguments = {"username": "new_clerk", "display_name": "新窗口", "password": "Long-enough-pass-2026",
                 "role": StaffRole.COUNTER_STAFF, "agency": world.bureau, **fields}
    before = snapshot()

    # when the account is created
    with pytest.raises(TongbanError) as refused:
        staff_services.create_staff(world.actors["system_admin"], **arguments)

    # then it is refused with the reason and nothing changed
    assert refused.value.error == error
    assert snapshot() == before


def test_create_staff_refuses_a_taken_username_in_any_case_id_1(world):
    """ID-1: usernames are unique regardless of letter case."""
    # given an existing account
    before = snapshot()

    # when an account with the same username in capitals is created
    with pytest.raises(TongbanError) as refused:
        staff_services.create_staff(world.actors["system_admin"], username=world.target.username.upper(),
                                    display_name="重名", password="Long-enough-pass-2026",
                                    role=StaffRole.COUNTER_STAFF, agency=world.bureau)

    # then it is refused and nothing changed
    assert refused.value.error == IdentityError.STAFF_USERNAME_TAKEN
    assert snapshot() == before


def test_disabling_records_the_reason_and_the_sessions_ended_sec_4(world):
    """SEC-4: disabling an account ends both of its sessions and the audit event says why and how many."""
    # given the clerk with a second session
    _session_of(world.target)

    # when the security administrator disables the account
    staff_services.disable_account(world.actors["security_admin"], world.target, "  离职  ")

    # then the event names the reason, the role acted in and the two sessions ended
    event = AuditEvent.objects.get(action="identity.account.disabled")
    assert event.data == {"username": world.target.username, "reason": "离职", "as": "security_admin",
                          "sessions_ended": 2}
    assert UserSession.objects.filter(user=world.target).count() == 0
