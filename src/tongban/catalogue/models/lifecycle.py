"""Lifecycle requests (ITEM-4 … ITEM-7): opening, change, suspension, resumption, termination, maintenance."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.catalogue.models.items import ServiceItem
from tongban.catalogue.models.versions import ItemVersion


class RequestKind(models.TextChoices):
    """What the agency asks for."""

    OPEN = "open", _("事项上线")
    CHANGE = "change", _("事项变更")
    SUSPEND = "suspend", _("事项暂停")
    RESUME = "resume", _("事项恢复")
    TERMINATE = "terminate", _("事项终止")
    MAINTENANCE = "maintenance", _("维护暂停")
    URGENT_SUSPENSION = "urgent_suspension", _("紧急暂停")


VERSION_KINDS = {RequestKind.OPEN, RequestKind.CHANGE}


class RequestState(models.TextChoices):
    """Stages of a request; the open ones each have a due date in working days."""

    AWAITING_CIVIL_AFFAIRS = "awaiting_civil_affairs", _("待民政审核")
    AWAITING_AUTHORITY = "awaiting_authority", _("待审改部门审核")
    AWAITING_TEST = "awaiting_test", _("待运营方测试")
    RETURNED_FOR_RETEST = "returned_for_retest", _("测试未通过，退回整改")
    AWAITING_PUBLICATION = "awaiting_publication", _("测试通过，待发布")
    AWAITING_EXECUTION = "awaiting_execution", _("待运营方执行")
    SCHEDULED = "scheduled", _("已排期")
    COMPLETED = "completed", _("已办结")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")


OPEN_STATES = {
    RequestState.AWAITING_CIVIL_AFFAIRS,
    RequestState.AWAITING_AUTHORITY,
    RequestState.AWAITING_TEST,
    RequestState.RETURNED_FOR_RETEST,
    RequestState.AWAITING_PUBLICATION,
    RequestState.AWAITING_EXECUTION,
}


class LifecycleRequestQuerySet(models.QuerySet["LifecycleRequest"]):
    """Queue filters."""

    def open(self) -> LifecycleRequestQuerySet:
        return self.filter(state__in=OPEN_STATES)

    def overdue(self, today: datetime.date) -> LifecycleRequestQuerySet:
        """Open requests whose current stage is past its due date."""
        return self.open().filter(due_on__lt=today)


class LifecycleRequest(models.Model):
    """An agency's request to open, change, suspend, resume, terminate or maintain an item.

    Each stage stores the date it is due (``due_on``), computed in working days
    from the day the stage began, so queues sort and flag without recomputation.
    The agency's own stage (retest) has no due date: the clock is the agency's.
    """

    kind = models.CharField(_("申请类型"), max_length=24, choices=RequestKind.choices)
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="lifecycle_requests")
    version = models.ForeignKey(
        ItemVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="lifecycle_requests"
    )
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="lifecycle_requests")
    state = models.CharField(_("状态"), max_length=32, choices=RequestState.choices)
    reason = models.TextField(_("申请理由"))
    filed_at = models.DateTimeField(_("提交时间"))
    filed_by_label = models.CharField(max_length=120)
    stage_started_on = models.DateField(_("本环节开始日期"))
    due_on = models.DateField(_("本环节到期日"), null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(_("超期标记时间"), null=True, blank=True)
    window_starts_on = models.DateField(_("维护开始日期"), null=True, blank=True)
    window_ends_on = models.DateField(_("维护结束日期"), null=True, blank=True)
    announcement = models.ForeignKey(
        "catalogue.Announcement", null=True, blank=True, on_delete=models.PROTECT, related_name="requests"
    )
    test_passed = models.BooleanField(_("测试通过"), null=True, blank=True)
    test_report = models.TextField(_("测试报告"), blank=True)
    decision_note = models.TextField(_("审核意见"), blank=True)
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    version_lock = models.PositiveIntegerField(default=0)

    objects = LifecycleRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("事项申请")
        verbose_name_plural = _("事项申请")
        ordering = ["due_on", "filed_at"]
        indexes = [models.Index(fields=["state", "due_on"], name="catalogue_request_queue")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.item}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def is_overdue(self, today: datetime.date) -> bool:
        """Past the current stage's due date and still waiting."""
        return self.is_open and self.due_on is not None and self.due_on < today


class RequestStep(models.Model):
    """One recorded step of a request: who did what, when, with which note (the request's history)."""

    request = models.ForeignKey(LifecycleRequest, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=32, blank=True)
    to_state = models.CharField(max_length=32)
    actor_label = models.CharField(max_length=120)
    note = models.TextField(blank=True)
    occurred_at = models.DateTimeField()
    due_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["request_id", "id"]

    def __str__(self) -> str:
        return f"{self.action} → {self.to_state}"


class AnnouncementKind(models.TextChoices):
    """Why a public announcement was published."""

    URGENT_SUSPENSION = "urgent_suspension", _("紧急暂停公告")
    MAINTENANCE = "maintenance", _("维护公告")
    SUSPENSION = "suspension", _("暂停公告")
    TERMINATION = "termination", _("终止公告")
    CUT_OFF = "cut_off", _("中断连接公告")
    GENERAL = "general", _("通知公告")


class Announcement(models.Model):
    """A public announcement on the platform, optionally about one item."""

    kind = models.CharField(_("公告类型"), max_length=24, choices=AnnouncementKind.choices)
    item = models.ForeignKey(
        ServiceItem, null=True, blank=True, on_delete=models.PROTECT, related_name="announcements"
    )
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="announcements")
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    published_at = models.DateTimeField(_("发布时间"))
    ends_on = models.DateField(_("有效至"), null=True, blank=True)

    class Meta:
        verbose_name = _("公告")
        verbose_name_plural = _("公告")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.title
