"""The three administrators' workbench pages (三员分立): staff and roles, security, audit log (ID-1, SEC-4)."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory, staff
from tests.workbench.test_views_support import agencies, page_messages
from tongban.core.models import AuditEvent
from tongban.identity.errors import IdentityError
from tongban.identity.models import RoleAssignment, StaffRole
from tongban.workbench.demo.staff import ACCOUNTS, demo_totp_key

pytestmark = pytest.mark.django_db

STAFF = reverse("workbench:staff")
SECURITY = reverse("workbench:security")
AUDIT = reverse("workbench:audit")


@pytest.mark.parametrize(("role", "page", "status"), [
    (StaffRole.SYSTEM_ADMIN, STAFF, 200), (StaffRole.SYSTEM_ADMIN, SECURITY, 403),
    (StaffRole.SYSTEM_ADMIN, AUDIT, 403),
    (StaffRole.SECURITY_ADMIN, STAFF, 200), (StaffRole.SECURITY_ADMIN, SECURITY, 200),
    (StaffRole.SECURITY_ADMIN, AUDIT, 403),
    (StaffRole.AUDIT_ADMIN, STAFF, 403), (StaffRole.AUDIT_ADMIN, SECURITY, 403), (StaffRole.AUDIT_ADMIN, AUDIT, 200),
    (StaffRole.AGENCY_ADMIN, STAFF, 403), (StaffRole.AGENCY_ADMIN, SECURITY, 403), (StaffRole.AGENCY_ADMIN, AUDIT, 403),
])
def test_each_administrator_opens_only_their_own_pages_id_1(client, role, page, status):
    """ID-1: the staff page is for the system and security administrators, security for the security
    administrator, the audit log for the audit administrator alone."""
    # given a staff member holding the role city-wide
    client.force_login(staff(role, agencies().city))

    # when they open the page
    response = client.get(page)

    # then it opens or is refused
    assert response.status_code == status


def test_system_administrator_creates_staff_and_assigns_a_role_id_1(client):
    """ID-1: the system administrator creates an account with its first role, then grants a second role."""
    # given the system administrator
    tree = agencies()
    client.force_login(staff(StaffRole.SYSTEM_ADMIN, tree.city))

    # when they create a counter clerk at home, then make the clerk agency admin at home too
    created = client.post(reverse("workbench:staff_create"), {
        "username": "clerk_wang", "display_name": "王窗口", "password": "Long-enough-pass-2026",
        "role": StaffRole.COUNTER_STAFF, "agency": tree.home.pk,
    })
    clerk = RoleAssignment.objects.get(user__username="clerk_wang").user
    assigned = client.post(reverse("workbench:staff_role_assign", args=[clerk.pk]),
                           {"role": StaffRole.AGENCY_ADMIN, "agency": tree.home.pk}, follow=True)

    # then the clerk holds both roles, the page lists them, and both acts are audited
    assert created.url == reverse("workbench:staff_detail", args=[clerk.pk])
    assert sorted(clerk.role_assignments.values_list("role", flat=True)) == ["agency_admin", "counter_staff"]
    assert page_messages(assigned) == ["已创建工作人员账号 clerk_wang", "已授予角色"]
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["identity.staff.created",
                                                                        "identity.role.assigned"]


def test_a_refused_role_change_is_shown_and_changes_nothing_id_1(client):
    """ID-1: the security administrator posting a role change gets the refusal page; nothing changes."""
    # given a clerk and the security administrator
    tree = agencies()
    clerk = staff(StaffRole.COUNTER_STAFF, tree.home)
    client.force_login(staff(StaffRole.SECURITY_ADMIN, tree.city))

    # when the security administrator posts a role assignment
    response = client.post(reverse("workbench:staff_role_assign", args=[clerk.pk]),
                           {"role": StaffRole.AGENCY_ADMIN, "agency": tree.home.pk}, follow=True)

    # then the system administrator's role is named as required and nothing changed
    error = IdentityError.ROLE_REQUIRED
    assert page_messages(response) == [f"{error.format(role='系统管理员')}（{error.code}）"]
    assert list(clerk.role_assignments.values_list("role", flat=True)) == ["counter_staff"]
    assert AuditEvent.objects.count() == 0


def test_security_administrator_disables_and_resets_from_the_staff_page_sec_4(client):
    """SEC-4: the security administrator disables an account and resets an authenticator, with reasons."""
    # given two clerks with authenticators and the security administrator
    tree = agencies()
    leaving, lost_phone = staff(StaffRole.COUNTER_STAFF, tree.home), staff(StaffRole.COUNTER_STAFF, tree.home)
    for clerk in (leaving, lost_phone):
        TOTPDevice.objects.create(user=clerk, name="workbench", confirmed=True)
    client.force_login(staff(StaffRole.SECURITY_ADMIN, tree.city))

    # when they disable one without, then with a reason, and reset the other's authenticator
    no_reason = client.post(reverse("workbench:staff_disable", args=[leaving.pk]), {"reason": ""}, follow=True)
    client.post(reverse("workbench:staff_disable", args=[leaving.pk]), {"reason": "调离"})
    client.post(reverse("workbench:staff_reset_second_factor", args=[lost_phone.pk]), {"reason": "手机丢失"})

    # then the first is refused for the missing reason, the others are done and audited
    error = IdentityError.REASON_REQUIRED
    assert page_messages(no_reason) == [f"{error.format()}（{error.code}）"]
    leaving.refresh_from_db()
    assert leaving.is_active is False
    assert not TOTPDevice.objects.filter(user=lost_phone).exists()
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["identity.account.disabled",
                                                                        "identity.second_factor.reset"]


def test_security_page_lists_locks_and_lifts_one_id_1(client):
    """ID-1: the security page shows a locked username and the security administrator lifts the lock."""
    # given a locked username and the security administrator
    AccessAttempt.objects.create(username="locked_clerk", ip_address="10.0.0.9", user_agent="test", http_accept="*/*",
                                 path_info="/workbench/login/", get_data="", post_data="", failures_since_start=5)
    client.force_login(staff(StaffRole.SECURITY_ADMIN, agencies().city))

    # when they open the page, then unlock the username
    page = client.get(SECURITY)
    unlocked = client.post(reverse("workbench:security_unlock"), {"username": "locked_clerk"}, follow=True)

    # then the lock was listed, is gone, and the act is audited
    assert [attempt.username for attempt in page.context["log"].locked_attempts] == ["locked_clerk"]
    assert page_messages(unlocked) == ["已解除锁定"]
    assert AccessAttempt.objects.count() == 0
    assert AuditEvent.objects.get().action == "identity.lockout.lifted"


def test_audit_administrator_filters_the_log_and_verifies_the_chain_sec_4(client):
    """SEC-4: the audit administrator filters the log by action and checks the hash chain from the page."""
    # given a role assignment and a disabled account in the log, and the audit administrator
    tree = agencies()
    from tongban.identity.services import staff as staff_services

    system_admin = staff(StaffRole.SYSTEM_ADMIN, tree.city)
    clerk = staff(StaffRole.COUNTER_STAFF, tree.home)
    staff_services.assign_role(system_admin, clerk, StaffRole.AGENCY_ADMIN, tree.home)
    staff_services.disable_account(system_admin, clerk, "离职")
    client.force_login(staff(StaffRole.AUDIT_ADMIN, tree.city))

    # when they filter by the role actions, then verify the chain
    filtered = client.get(AUDIT, {"action": "identity.role"})
    verified = client.post(reverse("workbench:audit_verify"), follow=True)

    # then one event is listed, and the chain of two events checks out (the check itself is recorded)
    assert [event.action for event in filtered.context["page_obj"]] == ["identity.role.assigned"]
    assert page_messages(verified) == ["审计日志完整：已核验2条记录，哈希链无断裂"]
    assert AuditEvent.objects.order_by("-id").first().action == "identity.audit_log.verified"


def test_demo_staff_include_the_three_administrators_with_demo_authenticators_id_1():
    """ID-1: the demo has a system, a security and an audit administrator, three different accounts."""
    # given the demo account list
    roles = {account.username: account.role for account in ACCOUNTS}

    # then the three administrators are there, one role each
    assert (roles["sysadmin"], roles["secadmin"], roles["auditor"]) == (
        StaffRole.SYSTEM_ADMIN, StaffRole.SECURITY_ADMIN, StaffRole.AUDIT_ADMIN,
    )


def test_demo_otp_prints_the_current_code_of_a_demo_account_only_id_1(settings, capsys):
    """ID-1: ``tongban demo-otp`` prints a demo account's code, refuses other accounts and production mode."""
    # given a demo account with its derived authenticator and an account with its own
    operator = UserFactory(username="operator")
    key = demo_totp_key("operator")
    TOTPDevice.objects.create(user=operator, name="demo", key=key, confirmed=True)
    TOTPDevice.objects.create(user=UserFactory(username="real_person"), name="workbench", confirmed=True)

    # when the command runs for each, and in production mode
    call_command("demo-otp", "operator")
    printed = capsys.readouterr().out.strip()
    with pytest.raises(CommandError) as other:
        call_command("demo-otp", "real_person")
    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError) as production:
        call_command("demo-otp", "operator")

    # then the demo code is the authenticator's current code, and the others are refused
    from binascii import unhexlify

    assert printed == f"{totp(unhexlify(key)):06d}"
    assert "不是演示账号" in str(other.value)
    assert "生产模式" in str(production.value)


def test_staff_page_shows_each_administrator_only_their_own_forms_id_1(client):
    """ID-1: on an account's page the system administrator sees role forms, the security administrator the
    authenticator reset, and on their own account neither sees any form."""
    # given a clerk and the two administrators
    tree = agencies()
    clerk = staff(StaffRole.COUNTER_STAFF, tree.home)
    system_admin = staff(StaffRole.SYSTEM_ADMIN, tree.city)
    security_admin = staff(StaffRole.SECURITY_ADMIN, tree.city)
    detail = reverse("workbench:staff_detail", args=[clerk.pk])

    # when each opens the clerk's page, and the system administrator their own
    client.force_login(system_admin)
    as_system = client.get(detail).content.decode()
    own = client.get(reverse("workbench:staff_detail", args=[system_admin.pk])).content.decode()
    client.force_login(security_admin)
    as_security = client.get(detail).content.decode()

    # then each page holds exactly the forms of that administrator
    assign, reset = reverse("workbench:staff_role_assign", args=[clerk.pk]), \
        reverse("workbench:staff_reset_second_factor", args=[clerk.pk])
    disable = reverse("workbench:staff_disable", args=[clerk.pk])
    assert (assign in as_system, reset in as_system, disable in as_system) == (True, False, True)
    assert (assign in as_security, reset in as_security, disable in as_security) == (False, True, True)
    assert "这是您本人的账号" in own
    assert 'method="post"' not in own.split("</nav>", 1)[1]  # no form below the navigation
