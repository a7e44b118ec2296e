"""Demo staff accounts: one per workbench role, plus an administrator for every agency that has items.

Roles cover the agency they are held at and its whole subtree
(``Agency.covers``). The city-wide roles (platform operator, catalogue
authority, civil-affairs reviewer, supervisor) must reach every agency,
including the community centres under the district and street governments, so
they are held at the root, 上海市人民政府; ``works_at`` names the body the person
actually belongs to (大数据中心, 审改部门, 民政局, 办公厅) and is what the demo
summary prints.

Every account shares one password: ``TONGBAN_DEMO_PASSWORD`` or
``Tongban-demo-2026``. It is hashed once and the hash reused, because argon2
is deliberately slow and the demo is loaded on every fresh ``tongban serve``.

Staff log in with a TOTP second factor. DEMO ONLY: each demo account's
authenticator secret is derived from its username (:func:`demo_totp_key`), so
``tongban demo-otp USERNAME`` can print the current code for someone trying the
demo; real accounts bind their own random secret at first login.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice

from tongban.agencies.models import Agency
from tongban.identity.models import RoleAssignment, StaffRole, User
from tongban.workbench.demo.agencies import ROOT

DEFAULT_DEMO_PASSWORD = "Tongban-demo-2026"
DEMO_TOTP_LABEL = "tongban-demo-totp:"


def demo_password() -> str:
    """The one password of every demo account (demo mode only)."""
    return os.environ.get("TONGBAN_DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


def demo_totp_key(username: str) -> str:
    """DEMO ONLY: the hex TOTP secret of a demo account, derived from its username (20 bytes)."""
    return hashlib.sha256(f"{DEMO_TOTP_LABEL}{username}".encode()).hexdigest()[:40]


@dataclass(frozen=True)
class DemoAccount:
    """A demo staff account: its role is held at ``scope`` (an agency code); ``works_at`` is for display."""

    username: str
    display_name: str
    role: StaffRole
    scope: str
    works_at: str
    is_superuser: bool = False


ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin", "系统管理员", StaffRole.PLATFORM_OPERATOR, ROOT, "SHDSJ", is_superuser=True),
    DemoAccount("operator", "李运维（大数据中心）", StaffRole.PLATFORM_OPERATOR, ROOT, "SHDSJ"),
    DemoAccount("authority", "张审改（市审改部门）", StaffRole.CATALOGUE_AUTHORITY, ROOT, "SHBB"),
    DemoAccount("civil", "孙民政（市民政局）", StaffRole.CIVIL_AFFAIRS_REVIEWER, ROOT, "SHMZJ"),
    DemoAccount("supervisor", "王督查（市政府办公厅）", StaffRole.SUPERVISOR, ROOT, "SHBGT"),
    DemoAccount("samr_admin", "杨市场（市市场监管局）", StaffRole.AGENCY_ADMIN, "SHSCJ", "SHSCJ"),
    DemoAccount("police_admin", "黄警官（市公安局）", StaffRole.AGENCY_ADMIN, "SHGAJ", "SHGAJ"),
    DemoAccount("hrss_admin", "林人社（市人社局）", StaffRole.AGENCY_ADMIN, "SHRSJ", "SHRSJ"),
    DemoAccount("pudong_admin", "蒋浦东（浦东新区政府）", StaffRole.AGENCY_ADMIN, "PDGOV", "PDGOV"),
    DemoAccount("ljz_admin", "胡受理（陆家嘴社区事务受理中心）", StaffRole.AGENCY_ADMIN, "PDLJZ-SQ", "PDLJZ-SQ"),
    DemoAccount("mca_admin", "陆民政（市民政局）", StaffRole.AGENCY_ADMIN, "SHMZJ", "SHMZJ"),
    DemoAccount("health_admin", "唐卫健（市卫生健康委）", StaffRole.AGENCY_ADMIN, "SHWJW", "SHWJW"),
    DemoAccount("fund_admin", "罗公积金（市公积金中心）", StaffRole.AGENCY_ADMIN, "SHGJJ", "SHGJJ"),
    DemoAccount("medins_admin", "邓医保（市医保局）", StaffRole.AGENCY_ADMIN, "SHYBJ", "SHYBJ"),
    DemoAccount("huangpu_admin", "高黄浦（黄浦区政府）", StaffRole.AGENCY_ADMIN, "HPGOV", "HPGOV"),
    DemoAccount("xuhui_admin", "方徐汇（徐汇区政府）", StaffRole.AGENCY_ADMIN, "XHGOV", "XHGOV"),
    # The three administrators (三员分立), three different people.
    DemoAccount("sysadmin", "周系统（系统管理员）", StaffRole.SYSTEM_ADMIN, ROOT, "SHDSJ"),
    DemoAccount("secadmin", "吴安全（安全管理员）", StaffRole.SECURITY_ADMIN, ROOT, "SHDSJ"),
    DemoAccount("auditor", "郑审计（审计管理员）", StaffRole.AUDIT_ADMIN, ROOT, "SHDSJ"),
    DemoAccount("counter", "许窗口（浦东新区市民中心）", StaffRole.COUNTER_STAFF, "PDGOV", "PDGOV"),
    DemoAccount("officer", "钱受理（市公安局）", StaffRole.CASE_OFFICER, "SHGAJ", "SHGAJ"),
    DemoAccount("approver", "冯审批（市公安局）", StaffRole.APPROVER, "SHGAJ", "SHGAJ"),
)


def create_staff(agencies: dict[str, Agency]) -> dict[str, User]:
    """Create every demo account with its role and its demo authenticator; returns the users by username."""
    password_hash = make_password(demo_password())
    users: dict[str, User] = {}
    for account in ACCOUNTS:
        user = User.objects.create(
            username=account.username, display_name=account.display_name, password=password_hash,
            is_staff=account.is_superuser, is_superuser=account.is_superuser,
        )
        RoleAssignment.objects.create(user=user, role=account.role, agency=agencies[account.scope])
        TOTPDevice.objects.create(user=user, name="demo", key=demo_totp_key(account.username), confirmed=True)
        users[account.username] = user
    return users


def agency_admin_for(agency: Agency, agencies: dict[str, Agency]) -> str:
    """The username of the nearest demo agency administrator whose scope covers ``agency``."""
    admins = [
        (len(agencies[account.scope].path), account.username)
        for account in ACCOUNTS
        if account.role == StaffRole.AGENCY_ADMIN and agencies[account.scope].covers(agency)
    ]
    if not admins:
        raise LookupError(f"no demo agency administrator covers {agency.code}")
    return max(admins)[1]
