"""The demo data and the run commands (``tongban demo``, ``serve``, ``worker``).

The demo goes through the real services, so these tests also prove that the
catalogue rules hold for a realistic catalogue: PLAT-4 (roles), ITEM-1 (types),
ITEM-2 (same code at several agencies), ITEM-5/6/7 (every lifecycle stage),
ITEM-11 (life events).
"""

from __future__ import annotations

import datetime
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from tests.factories import AgencyFactory, item_document
from tongban.agencies.models import Agency, AgencyKind, AgencyLevel
from tongban.cases.models import Case
from tongban.catalogue.models import (
    Announcement,
    AnnouncementKind,
    BasicItem,
    ItemVersion,
    LifecycleRequest,
    LifeEvent,
    RequestKind,
    RequestState,
    ServiceItem,
)
from tongban.catalogue.models.choices import ItemStatus, ItemType, LifeEventKind, VersionState
from tongban.catalogue.services import guides, lifecycle
from tongban.core.errors import TongbanError
from tongban.core.identifiers import validate_uscc
from tongban.core.models import AuditEvent
from tongban.core.workdays import add_workdays
from tongban.identity.models import EnterpriseGrant, GrantRole, Person, RoleAssignment, StaffRole, User
from tongban.workbench.demo import load_demo
from tongban.workbench.management.commands import serve

pytestmark = pytest.mark.django_db

REQUIRED_ITEMS = {
    "居住证申领", "居住证签注", "企业设立登记", "企业变更登记", "企业注销登记",
    "食品经营许可（新办）", "食品经营许可（延续）", "结婚登记", "离婚登记", "社会保障卡申领",
    "住房公积金提取（购房）", "住房公积金提取（退休）", "出生医学证明办理", "新生儿落户",
    "城乡居民基本医疗保险参保登记", "失业保险金申领", "高龄老人综合津贴申领", "残疾人两项补贴",
    "义务教育入学登记",
}
ACCOUNTS = {
    "admin": StaffRole.PLATFORM_OPERATOR, "operator": StaffRole.PLATFORM_OPERATOR, "counter": StaffRole.COUNTER_STAFF,
    "officer": StaffRole.CASE_OFFICER, "approver": StaffRole.APPROVER,
    "authority": StaffRole.CATALOGUE_AUTHORITY, "civil": StaffRole.CIVIL_AFFAIRS_REVIEWER,
    "supervisor": StaffRole.SUPERVISOR, "samr_admin": StaffRole.AGENCY_ADMIN, "police_admin": StaffRole.AGENCY_ADMIN,
    "hrss_admin": StaffRole.AGENCY_ADMIN, "pudong_admin": StaffRole.AGENCY_ADMIN, "ljz_admin": StaffRole.AGENCY_ADMIN,
}


def test_load_demo_builds_a_complete_catalogue_plat_4_item_1_item_5_item_6_item_7_item_11() -> None:
    """PLAT-4, ITEM-1, ITEM-5, ITEM-6, ITEM-7, ITEM-11: agencies, roles, every type and every stage, life events."""
    # given an empty database
    # when the demo is loaded
    summary = load_demo()

    # then there are at least 12 agencies over four levels, each with valid USCC and both leads
    agencies = list(Agency.objects.all())
    assert summary.created is True
    assert summary.agencies == len(agencies) >= 12
    assert {agency.level for agency in agencies} == set(AgencyLevel.values)
    assert all(validate_uscc(agency.uscc) == agency.uscc for agency in agencies)
    assert all(agency.business_lead_phone.startswith("021-") and agency.technical_lead_name for agency in agencies)

    # and one staff account per role, city-wide roles held at the root, one shared password
    root = Agency.objects.get(parent=None)
    for username, role in ACCOUNTS.items():
        assert RoleAssignment.objects.filter(user__username=username, role=role).exists(), username
    for username in ("operator", "authority", "civil", "supervisor"):
        assert RoleAssignment.objects.get(user__username=username).agency == root
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("Tongban-demo-2026")

    # and at least 40 items, every one a valid guide in the exchange format, all types and names present
    items = list(ServiceItem.objects.select_related("basic_item", "agency"))
    assert summary.items == len(items) >= 40
    for item in items:
        latest = item.versions.order_by("-number").first()
        assert guides.check_item_document(guides.item_document(latest)) == [], item.name
    for item in ServiceItem.objects.filter(published_version__isnull=False):
        assert guides.completeness_problems(item.published_version) == [], item.name
    assert {item.basic_item.item_type for item in items} == set(ItemType.values)
    assert len({item.basic_item.public_service_field for item in items} - {""}) >= 3
    assert {item.name for item in items} >= REQUIRED_ITEMS

    # and the same basic item is implemented by several agencies under one basic code (ITEM-2)
    shared = BasicItem.objects.get(basic_code="020012001000")
    assert shared.implementations.values("agency").distinct().count() == 2

    # and community-centre items are delegated and went through civil affairs first (ITEM-7)
    delegated = [item for item in items if item.is_community_delegated]
    assert len(delegated) >= 3
    assert all(item.agency.kind == AgencyKind.COMMUNITY_CENTRE for item in delegated)
    assert LifecycleRequest.objects.filter(state=RequestState.AWAITING_CIVIL_AFFAIRS).count() == 1
    assert LifecycleRequest.objects.filter(steps__action="civil_affairs_approved").exists()

    # and every item status, version state and request state is present
    assert {item.status for item in items} == set(ItemStatus.values)
    assert set(ItemVersion.objects.values_list("state", flat=True)) == set(VersionState.values)
    assert set(LifecycleRequest.objects.values_list("state", flat=True)) == set(RequestState.values)

    # and a change is in review while version 1 stays live (ITEM-5)
    change = LifecycleRequest.objects.get(kind=RequestKind.CHANGE, state=RequestState.AWAITING_AUTHORITY)
    assert change.version.number == 2
    assert change.item.published_version.number == 1
    assert change.item.status == ItemStatus.IN_SERVICE

    # and one request is overdue and flagged
    overdue = LifecycleRequest.objects.overdue(timezone.localdate())
    assert overdue.count() == 1
    assert overdue.get().overdue_flagged_at is not None

    # and the maintenance window opens at least 5 working days ahead, the urgent suspension has its announcement
    maintenance = LifecycleRequest.objects.get(kind=RequestKind.MAINTENANCE)
    assert maintenance.state == RequestState.SCHEDULED
    assert maintenance.window_starts_on >= add_workdays(timezone.localdate(), lifecycle.MAINTENANCE_NOTICE_DAYS)
    urgent = LifecycleRequest.objects.get(kind=RequestKind.URGENT_SUSPENSION)
    assert urgent.announcement.kind == AnnouncementKind.URGENT_SUSPENSION
    assert urgent.item.status == ItemStatus.SUSPENDED
    assert set(Announcement.objects.values_list("kind", flat=True)) >= {"maintenance", "suspension", "termination"}

    # and the guides mix units, fees, trips and modes
    published = ItemVersion.objects.filter(state=VersionState.PUBLISHED)
    assert published.filter(promised_limit_unit="on_the_spot", handling_kind="on_the_spot").exists()
    assert published.filter(statutory_limit_unit="").exists()
    assert published.filter(statutory_limit_unit="calendar_days", promised_limit_unit="working_days").exists()
    assert any(fee.get("amount_fen") for version in published for fee in version.fees)
    assert set(published.values_list("in_person_trips", flat=True)) == {0, 1, 2}
    assert set(published.values_list("integration_mode", flat=True)) == {2, 3}
    assert published.filter(is_citywide=True).exists()

    # and the life events bundle enough (ITEM-11)
    events = list(LifeEvent.objects.all())
    kinds = Counter(event.kind for event in events)
    assert summary.life_events == len(events) >= 3
    assert kinds[LifeEventKind.PERSONAL] >= 2 and kinds[LifeEventKind.ENTERPRISE] >= 1
    assert all(len(event.situations) >= 3 for event in events if event.kind == LifeEventKind.PERSONAL)
    assert all(event.items.count() >= 3 for event in events if event.kind == LifeEventKind.ENTERPRISE)

    # and the staff, not the platform, acted: the audit log names them
    assert AuditEvent.objects.filter(action="catalogue.request.published", actor_label__contains="李运维").exists()

    # and the demo applicants reached their levels through the sandbox registries (ID-1, ID-3, ID-4)
    levels = {person.full_name or person.phone: person.real_name_level for person in Person.objects.all()}
    assert levels == {"张伟": 3, "李娜": 2, "赵敏": 2, "13800138005": 1, "JOHN SMITH": 2}
    grants = EnterpriseGrant.objects.filter(enterprise__uscc="91310000MA1FL0001R").order_by("id")
    assert [(grant.person.full_name, grant.role) for grant in grants] == [
        ("张伟", GrantRole.LEGAL_REPRESENTATIVE), ("李娜", GrantRole.ADMINISTRATOR), ("赵敏", GrantRole.OPERATOR)]

    # and the demo applicants' cases stand at several stages, handled by the demo officers (CASE-1)
    assert sorted(Case.objects.values_list("state", flat=True)) == sorted(
        ["submitted", "correction_requested", "under_review", "concluded", "refused",
         "awaiting_payment", "result_issued", "result_issued"])
    # (a fee case unpaid and one paid, PAY-1, demo/payments.py; a result on its way by courier, LOG-1)

    # when it is loaded again, nothing is added
    again = load_demo()
    assert again.created is False
    assert (again.agencies, again.items, again.life_events) == (summary.agencies, summary.items, summary.life_events)
    assert ServiceItem.objects.count() == len(items)


def test_load_demo_refuses_in_production_mode(settings) -> None:  # noqa: ANN001 - pytest-django fixture
    """Demo accounts share a published password, so production mode never loads them."""
    # given production mode and an empty database
    settings.IS_PRODUCTION = True

    # when the demo is loaded, directly or through the command
    with pytest.raises(TongbanError) as refusal:
        load_demo()
    with pytest.raises(CommandError, match="生产模式"):
        call_command("demo", stdout=io.StringIO())

    # then it is refused and nothing was written
    assert refusal.value.code == "DEMO_PRODUCTION_REFUSED"
    assert Agency.objects.count() == 0


def test_demo_command_leaves_a_database_with_agencies_untouched() -> None:
    """``tongban demo`` on a database that already has agencies adds nothing."""
    # given one agency
    AgencyFactory()

    # when the command runs
    output = io.StringIO()
    call_command("demo", stdout=output)

    # then it says so and adds nothing
    assert "数据库中已有接入单位，未载入演示数据。" in output.getvalue()
    assert Agency.objects.count() == 1
    assert ServiceItem.objects.count() == 0


def test_serve_migrates_loads_the_demo_and_hands_over_to_gunicorn(settings, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    """``tongban serve`` prints the address, prepares an empty database and static files, then execs gunicorn."""
    # given an empty database and a place for static files; exec is recorded instead of performed
    settings.STATIC_ROOT = tmp_path / "static"
    launched: list[list[str]] = []
    monkeypatch.setattr(serve, "become", launched.append)

    # when serve runs on port 8123
    output = io.StringIO()
    call_command("serve", "--port", "8123", "--workers", "3", stdout=output)

    # then the address comes first, the demo is loaded, static files collected and gunicorn started
    lines = output.getvalue().splitlines()
    assert lines[0] == "Tongban 通办：http://127.0.0.1:8123/"
    assert any(line.startswith("演示账号") for line in lines)
    assert ServiceItem.objects.count() >= 40
    assert (tmp_path / "static" / "admin").is_dir()
    assert launched == [serve.gunicorn_command("127.0.0.1", 8123, 3)]
    assert launched[0][1:] == ["-m", "gunicorn", "tongban.wsgi:application", "--bind", "127.0.0.1:8123",
                               "--workers", "3", "--access-logfile", "-", "--error-logfile", "-"]


def test_serve_refuses_a_bad_port() -> None:
    """A port outside 1–65535 is refused before anything happens."""
    # when serve is asked for port 0, then it refuses
    with pytest.raises(CommandError, match="端口"):
        call_command("serve", "--port", "0", stdout=io.StringIO())
    assert Agency.objects.count() == 0


def test_worker_batch_runs_the_overdue_sweep_item_5(monkeypatch) -> None:  # noqa: ANN001 - pytest fixture
    """ITEM-5: ``tongban worker --batch`` enqueues the overdue sweep, runs it, and exits."""
    # The worker recycles database connections between jobs; inside the test's transaction that
    # would close the connection on PostgreSQL, so recycling is switched off here.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    # given an overdue opening request
    version = guides.save_item_document(item_document(AgencyFactory()), actor_label="test")
    request = lifecycle.file_version(None, version, "上线")
    LifecycleRequest.objects.filter(pk=request.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=3)
    )

    # when the worker runs once
    call_command("worker", "--batch", stdout=io.StringIO())

    # then the sweep ran from the queue and flagged the request
    job = DBTaskResult.objects.get(task_path="tongban.catalogue.tasks.flag_overdue_requests")
    assert job.status == TaskResultStatus.SUCCESSFUL
    request.refresh_from_db()
    assert request.overdue_flagged_at is not None
