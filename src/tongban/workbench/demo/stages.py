"""Taking each demo item to its lifecycle stage through the real lifecycle services, the demo staff acting.

Every step is the service staff would trigger from the workbench, so the
request history, the audit log, the announcements and the search index are
real. The one exception is :func:`backdate_for_demo`, which moves a request's
stage into the past so that the demo shows an overdue request on its first day.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from tongban.agencies.models import Agency
from tongban.catalogue.models import ItemVersion, LifecycleRequest, RequestKind, RequestState, RequestStep
from tongban.catalogue.services import lifecycle
from tongban.catalogue.services.guides import save_item_document
from tongban.core.workdays import add_workdays, is_workday
from tongban.identity.models import User
from tongban.workbench.demo.defaults import ItemSpec, build_document
from tongban.workbench.demo.staff import agency_admin_for

PASSED_REPORT = "联调测试通过：申请表提交、材料调取、办件推送与结果回传均正常。"

# Item-specific wording where a generic reason would read oddly; keyed by ItemSpec.key.
REASONS = {
    "company_setup_city": "材料齐全的设立登记改为即办件，当场核发电子营业执照",
    "social_security_card": "制卡流程优化，承诺时限由15个工作日压缩至7个工作日",
    "unemployment_benefit": "拟将承诺时限压缩至3个工作日",
    "social_organisation": "《社会组织登记管理条例》施行在即，暂停受理，待办事指南按新规调整后恢复",
    "second_child_approval": "《上海市人口与计划生育条例》修正后取消再生育审批，事项终止",
    "culture_booking": "社区文化活动中心装修改造，暂停场地预约",
    "id_card_pd": "人口信息管理系统升级，维护期间暂停网上申请",
    "sole_trader_hp": "登记系统与国家市场主体登记系统对接异常，紧急暂停网上申请",
}
REJECTION_NOTE = "举报奖励由承办部门依职权启动，不宜作为依申请事项上线；请调整为举报人确认领奖环节后重新申报。"
RETEST_REPORT = "联调测试未通过：部门业务系统回调办理进度时签名校验失败（HTTP 401），请核对平台公钥配置后重新提交测试。"
WITHDRAWAL_NOTE = "承诺时限调整需与失业保险经办系统改造同步，先行撤回。"
URGENT_TITLE = "关于暂停个体工商户设立登记网上申请的公告"
URGENT_BODY = ("因登记系统与国家市场主体登记系统对接异常，自即日起暂停个体工商户设立登记网上申请，"
               "恢复时间另行公告。如需办理，请前往黄浦区行政服务中心市场监管窗口。咨询电话：021-63870000。")


@dataclass
class Actors:
    """The demo staff who act on the items."""

    users: dict[str, User]
    agencies: dict[str, Agency]

    def admin_for(self, agency: Agency) -> User:
        """The agency administrator who files requests for ``agency``."""
        return self.users[agency_admin_for(agency, self.agencies)]

    @property
    def operator(self) -> User:
        return self.users["operator"]

    @property
    def authority(self) -> User:
        return self.users["authority"]

    @property
    def civil(self) -> User:
        return self.users["civil"]


def _file(actors: Actors, spec: ItemSpec, version: ItemVersion, reason: str) -> LifecycleRequest:
    """File a version; a community-centre item passes civil affairs first (ITEM-7)."""
    admin = actors.admin_for(actors.agencies[spec.agency])
    request = lifecycle.file_version(admin, version, reason)
    if request.state == RequestState.AWAITING_CIVIL_AFFAIRS and spec.stage != "awaiting_civil_affairs":
        request = lifecycle.decide_civil_affairs(actors.civil, request, approve=True,
                                                 note="同意由社区事务受理服务中心受理")
    return request


def _approve_and_test(actors: Actors, request: LifecycleRequest, *, passed: bool = True,
                      report: str = PASSED_REPORT) -> LifecycleRequest:
    request = lifecycle.decide_authority(actors.authority, request, approve=True, note="同意")
    return lifecycle.record_test(actors.operator, request, passed=passed, report=report)


def _publish(actors: Actors, spec: ItemSpec, version: ItemVersion, reason: str = "新事项上线") -> None:
    request = _approve_and_test(actors, _file(actors, spec, version, reason))
    lifecycle.publish(actors.operator, request)


def _second_version(actors: Actors, spec: ItemSpec) -> ItemVersion:
    agency = actors.agencies[spec.agency]
    admin = actors.admin_for(agency)
    return save_item_document(build_document(spec, agency.uscc, spec.change), actor_label=admin.display_name)


def _status_change(actors: Actors, spec: ItemSpec, version: ItemVersion, kind: RequestKind) -> LifecycleRequest:
    """Publish, then file a suspension or termination and have it approved (awaiting the operator)."""
    _publish(actors, spec, version)
    admin = actors.admin_for(actors.agencies[spec.agency])
    request = lifecycle.file_status_change(admin, version.item, kind, REASONS[spec.key])
    if request.state == RequestState.AWAITING_CIVIL_AFFAIRS:
        request = lifecycle.decide_civil_affairs(actors.civil, request, approve=True, note="同意")
    return lifecycle.decide_authority(actors.authority, request, approve=True, note="同意")


def _change(actors: Actors, spec: ItemSpec, version: ItemVersion) -> LifecycleRequest:
    _publish(actors, spec, version)
    return _file(actors, spec, _second_version(actors, spec), REASONS[spec.key])


def _maintenance(actors: Actors, spec: ItemSpec, version: ItemVersion) -> None:
    _publish(actors, spec, version)
    # The first weekend at least MAINTENANCE_NOTICE_DAYS working days ahead (ITEM-6): agencies
    # schedule maintenance when fewest people apply.
    earliest = add_workdays(timezone.localdate(), lifecycle.MAINTENANCE_NOTICE_DAYS)
    saturday = earliest + datetime.timedelta(days=(5 - earliest.weekday()) % 7)
    request = lifecycle.file_maintenance(actors.admin_for(actors.agencies[spec.agency]), version.item,
                                         starts_on=saturday, ends_on=saturday + datetime.timedelta(days=1),
                                         reason=REASONS[spec.key])
    lifecycle.execute(actors.operator, request, note="已排期并发布维护公告")


def _urgent(actors: Actors, spec: ItemSpec, version: ItemVersion) -> None:
    _publish(actors, spec, version)
    # Left for the operator to acknowledge, so the workbench shows the report waiting.
    lifecycle.suspend_urgently(actors.admin_for(actors.agencies[spec.agency]), version.item,
                               reason=REASONS[spec.key], announcement_title=URGENT_TITLE,
                               announcement_body=URGENT_BODY)


def _new(actors: Actors, spec: ItemSpec, version: ItemVersion) -> LifecycleRequest:
    return _file(actors, spec, version, "新事项上线")


def _overdue(actors: Actors, spec: ItemSpec, version: ItemVersion) -> None:
    backdate_for_demo(_new(actors, spec, version), working_days_ago=5)


def _awaiting_test(actors: Actors, spec: ItemSpec, version: ItemVersion) -> None:
    lifecycle.decide_authority(actors.authority, _new(actors, spec, version), approve=True, note="同意")


def _returned_for_retest(actors: Actors, spec: ItemSpec, version: ItemVersion) -> None:
    _approve_and_test(actors, _new(actors, spec, version), passed=False, report=RETEST_REPORT)


def _awaiting_publication(actors: Actors, spec: ItemSpec, version: ItemVersion) -> None:
    _approve_and_test(actors, _new(actors, spec, version))


def _rejected(actors: Actors, spec: ItemSpec, version: ItemVersion) -> None:
    lifecycle.decide_authority(actors.authority, _new(actors, spec, version), approve=False, note=REJECTION_NOTE)


def _changed(actors: Actors, spec: ItemSpec, version: ItemVersion) -> None:
    lifecycle.publish(actors.operator, _approve_and_test(actors, _change(actors, spec, version)))


def _withdrawn(actors: Actors, spec: ItemSpec, version: ItemVersion) -> None:
    admin = actors.admin_for(actors.agencies[spec.agency])
    lifecycle.withdraw(admin, _change(actors, spec, version), WITHDRAWAL_NOTE)


def _suspension_pending(actors: Actors, spec: ItemSpec, version: ItemVersion) -> None:
    _status_change(actors, spec, version, RequestKind.SUSPEND)


def _suspended(actors: Actors, spec: ItemSpec, version: ItemVersion) -> None:
    request = _status_change(actors, spec, version, RequestKind.SUSPEND)
    lifecycle.execute(actors.operator, request, note="已暂停受理并发布公告")


def _terminated(actors: Actors, spec: ItemSpec, version: ItemVersion) -> None:
    request = _status_change(actors, spec, version, RequestKind.TERMINATE)
    lifecycle.execute(actors.operator, request, note="已终止并发布公告")


def workdays_before(day: datetime.date, count: int) -> datetime.date:
    """The working day ``count`` working days before ``day``."""
    while count:
        day -= datetime.timedelta(days=1)
        if is_workday(day):
            count -= 1
    return day


def backdate_for_demo(request: LifecycleRequest, *, working_days_ago: int) -> None:
    """DEMO ONLY: pretend the request's current stage began ``working_days_ago`` working days ago.

    The lifecycle stamps stage dates itself and nothing else may rewrite them;
    this helper exists only so that a freshly loaded demo already shows an
    overdue request. It rewrites the filing time, the stage start and due date
    and the filing step's history row; the audit event keeps its real time.
    """
    started_on = workdays_before(timezone.localdate(), working_days_ago)
    due_on = add_workdays(started_on, lifecycle.AUTHORITY_DAYS)
    filed_at = timezone.make_aware(datetime.datetime.combine(started_on, datetime.time(10, 0)))
    LifecycleRequest.objects.filter(pk=request.pk).update(filed_at=filed_at, stage_started_on=started_on,
                                                          due_on=due_on)
    RequestStep.objects.filter(request=request).update(occurred_at=filed_at, due_on=due_on)


# Stage name (ItemSpec.stage) → the steps that take a freshly saved draft there.
_STAGES: dict[str, Callable[[Actors, ItemSpec, ItemVersion], object]] = {
    "draft": lambda actors, spec, version: None,
    "published": _publish,
    "awaiting_civil_affairs": _new,
    "awaiting_authority": _new,
    "overdue": _overdue,
    "awaiting_test": _awaiting_test,
    "returned_for_retest": _returned_for_retest,
    "awaiting_publication": _awaiting_publication,
    "rejected": _rejected,
    "change_pending": _change,
    "changed": _changed,
    "withdrawn": _withdrawn,
    "suspension_pending": _suspension_pending,
    "suspended": _suspended,
    "terminated": _terminated,
    "urgent_suspension": _urgent,
    "maintenance": _maintenance,
}
STAGES = frozenset(_STAGES)


def stage_item(actors: Actors, spec: ItemSpec) -> ItemVersion:
    """Save the item's first version as a draft and take it to ``spec.stage``; returns that first version."""
    agency = actors.agencies[spec.agency]
    admin = actors.admin_for(agency)
    version = save_item_document(build_document(spec, agency.uscc), actor_label=admin.display_name)
    _STAGES[spec.stage](actors, spec, version)
    return version
