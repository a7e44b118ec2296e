"""Loading the demo data: agencies, staff, the catalogue at every lifecycle stage, and life events.

Everything goes through the platform's own services in one transaction, so a
failure leaves the database empty and the demo exercises the same rules staff
meet. The loader does nothing when any agency exists, and refuses in
production mode.
"""

from __future__ import annotations

import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.db import models, transaction

from tongban.agencies.models import Agency
from tongban.catalogue.models import LifecycleRequest, LifeEvent, ServiceItem
from tongban.catalogue.models.choices import ItemStatus, ItemType
from tongban.catalogue.models.lifecycle import OPEN_STATES, RequestState
from tongban.catalogue.services.lifecycle import flag_overdue
from tongban.core.errors import TongbanError
from tongban.identity.models import RoleAssignment, StaffRole, User
from tongban.workbench.demo import items_civil, items_enterprise, items_health, items_police, items_social
from tongban.workbench.demo.agencies import ROWS_BY_CODE, create_agencies
from tongban.workbench.demo.applicants import APPLICANTS, create_applicants
from tongban.workbench.demo.cases import create_cases
from tongban.workbench.demo.defaults import ItemSpec
from tongban.workbench.demo.errors import DemoError
from tongban.workbench.demo.licences import create_trust_services
from tongban.workbench.demo.life_events import create_life_events
from tongban.workbench.demo.logistics import create_logistics_demo
from tongban.workbench.demo.payments import create_payment_cases
from tongban.workbench.demo.staff import ACCOUNTS, DemoAccount, create_staff, demo_password
from tongban.workbench.demo.stages import Actors, stage_item

ITEMS: tuple[ItemSpec, ...] = (
    *items_police.ITEMS, *items_civil.ITEMS, *items_enterprise.ITEMS, *items_social.ITEMS, *items_health.ITEMS,
)


@dataclass(frozen=True)
class DemoSummary:
    """What the database holds after loading (or finding) the demo; ``created`` is False when it did nothing."""

    created: bool
    agencies: int
    staff: int
    items: int
    life_events: int
    items_by_type: dict[str, int] = field(default_factory=dict)
    items_by_status: dict[str, int] = field(default_factory=dict)
    requests_by_state: dict[str, int] = field(default_factory=dict)
    overdue_requests: int = 0
    seconds: float = 0.0


class Writer(Protocol):
    """Anything with ``write(text)``: a file, ``sys.stdout``, a management command's ``self.stdout``."""

    def write(self, text: str, /) -> object: ...


def _say(stdout: Writer | None, line: str) -> None:
    if stdout is not None:
        stdout.write(line + "\n")


def load_demo(stdout: Writer | None = None) -> DemoSummary:
    """Load the demo data into an empty database; idempotent (does nothing when agencies exist).

    Refuses with ``DEMO_PRODUCTION_REFUSED`` in production mode, because demo
    accounts share a published password.
    """
    if settings.IS_PRODUCTION:
        raise TongbanError(DemoError.PRODUCTION_REFUSED)
    started = time.perf_counter()
    if Agency.objects.exists():
        _say(stdout, "数据库中已有接入单位，未载入演示数据。")
        return summarise(created=False)
    with transaction.atomic():
        _say(stdout, "正在创建接入单位和工作人员账号……")
        agencies = create_agencies()
        actors = Actors(users=create_staff(agencies), agencies=agencies)
        _say(stdout, f"正在通过事项管理流程载入 {len(ITEMS)} 个事项……")
        implementation_codes = {}
        for spec in ITEMS:
            version = stage_item(actors, spec)
            implementation_codes[spec.key] = version.item.implementation_code
        _say(stdout, "正在创建“一件事”……")
        create_life_events(actors, implementation_codes)
        _say(stdout, "正在通过沙箱核验创建演示申请人和企业……")
        applicants = create_applicants(demo_password())
        create_trust_services(agencies, actors.users, applicants)
        _say(stdout, "正在以演示申请人身份提交并办理办件……")
        create_cases(applicants, actors.users["officer"], actors.users["approver"])
        create_logistics_demo(applicants, actors.users["officer"], actors.users["approver"])
        create_payment_cases(applicants, actors.users["officer"], actors.users["approver"])
        flag_overdue()
    return summarise(created=True, seconds=time.perf_counter() - started)


def summarise(*, created: bool, seconds: float = 0.0) -> DemoSummary:
    """Count what the database holds now."""
    items = ServiceItem.objects.select_related("basic_item")
    requests = LifecycleRequest.objects.all()
    return DemoSummary(
        created=created,
        agencies=Agency.objects.count(),
        staff=User.objects.filter(role_assignments__isnull=False).distinct().count(),
        items=items.count(),
        life_events=LifeEvent.objects.count(),
        items_by_type=dict(Counter(item.basic_item.item_type for item in items)),
        items_by_status=dict(Counter(items.values_list("status", flat=True))),
        requests_by_state=dict(Counter(requests.values_list("state", flat=True))),
        overdue_requests=requests.filter(overdue_flagged_at__isnull=False, state__in=OPEN_STATES).count(),
        seconds=seconds,
    )


def _counts(enum: type[models.TextChoices], counts: dict[str, int]) -> str:
    # In the enum's own order, so the printout reads like the workbench menus.
    return "，".join(f"{member.label} {counts[member.value]}" for member in enum if member.value in counts)


def describe(summary: DemoSummary) -> list[str]:
    """The summary as the ``demo`` and ``serve`` commands print it (counts by Chinese labels)."""
    lines = [
        f"接入单位 {summary.agencies} 个，工作人员 {summary.staff} 人，事项 {summary.items} 个，"
        f"一件事 {summary.life_events} 个。",
        "事项类型：" + _counts(ItemType, summary.items_by_type),
        "事项状态：" + _counts(ItemStatus, summary.items_by_status),
        "事项申请：" + _counts(RequestState, summary.requests_by_state) + f"（其中超期 {summary.overdue_requests}）",
    ]
    if summary.created:
        lines.append(f"用时 {summary.seconds:.1f} 秒。")
    return lines


def account_rows() -> list[tuple[str, str, str, str]]:
    """The demo accounts present in the database: (username, role, role held at, works at)."""
    present = set(User.objects.filter(username__in=[a.username for a in ACCOUNTS]).values_list("username", flat=True))
    scopes = {
        (assignment.user.username, assignment.role): assignment.agency.name
        for assignment in RoleAssignment.objects.select_related("user", "agency")
    }
    return [
        (account.username, str(StaffRole(account.role).label),
         scopes.get((account.username, account.role), ROWS_BY_CODE[account.scope].name),
         ROWS_BY_CODE[account.works_at].name)
        for account in ACCOUNTS if account.username in present
    ]


def _pad(text: str, width: int) -> str:
    # CJK characters take two columns in a terminal.
    columns = sum(2 if unicodedata.east_asian_width(character) in "WF" else 1 for character in text)
    return text + " " * max(width - columns, 1)


def describe_accounts() -> list[str]:
    """The demo accounts table and their shared password, for the commands to print."""
    rows = account_rows()
    if not rows:
        return []
    header = ("用户名", "角色", "授权单位（覆盖其下级）", "所在单位")
    return [
        f"演示账号（密码均为 {demo_password()}，仅供演示）：",
        *("  " + _pad(username, 15) + _pad(role, 26) + _pad(scope, 32) + works_at
          for username, role, scope, works_at in [header, *rows]),
        "演示申请人（门户 /account/login/，手机号 + 同一密码，或手机验证码）：",
        *(f"  {applicant.phone}  {_pad(applicant.name, 12)}{applicant.note}" for applicant in APPLICANTS),
    ]


__all__ = ["ITEMS", "DemoAccount", "DemoSummary", "account_rows", "describe", "describe_accounts", "load_demo"]
