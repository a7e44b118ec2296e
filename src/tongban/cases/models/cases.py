"""The case (办件): one application for one item version, from draft to conclusion."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.cases.models.choices import (
    CaseState,
    Channel,
    DeadlineStatus,
    MaterialProvision,
    RetentionClass,
)


class Case(models.Model):
    """An application and everything that happens to it.

    The case keeps the item version it was filed under (versions are immutable),
    the channel it came in through (PLAT-1), the agency that accepted it at the
    window and the agency that decides (they differ for citywide items, ITEM-13),
    and the stored due dates of the running limit (DESIGN.md "Time"): the limit
    pauses while the applicant corrects, and ``paused_working_days`` is what the
    applicant's time added. ``lock_version`` changes on every transition so a
    stale page or API call is told instead of overriding a colleague.
    """

    number = models.CharField(_("办件编号"), max_length=32, unique=True)
    item = models.ForeignKey("catalogue.ServiceItem", on_delete=models.PROTECT, related_name="cases")
    version = models.ForeignKey("catalogue.ItemVersion", on_delete=models.PROTECT, related_name="cases")
    applicant = models.ForeignKey("identity.Person", on_delete=models.PROTECT, related_name="cases")
    enterprise_grant = models.ForeignKey(
        "identity.EnterpriseGrant", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    enterprise = models.ForeignKey(
        "identity.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    filed_by_label = models.CharField(max_length=120, blank=True)
    accepting_agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="accepted_cases",
        verbose_name=_("受理窗口单位"),
    )
    handling_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="handled_cases", verbose_name=_("承办单位")
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="sub_cases", verbose_name=_("主办件")
    )
    life_event = models.ForeignKey(
        "catalogue.LifeEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    state = models.CharField(_("状态"), max_length=24, choices=CaseState.choices, default=CaseState.DRAFT)
    form_data = models.JSONField(_("申请表"), default=dict, blank=True)
    situation_answers = models.JSONField(_("办理情形"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # The running limit: what is due next, by when, and how it stands.
    due_step = models.CharField(_("当前时限环节"), max_length=24, blank=True)
    due_on = models.DateField(_("到期日"), null=True, blank=True)
    warning_on = models.DateField(_("预警日"), null=True, blank=True)
    deadline_status = models.CharField(
        _("时限状态"), max_length=16, choices=DeadlineStatus.choices, default=DeadlineStatus.NONE
    )
    paused_on = models.DateField(_("暂停计时日期"), null=True, blank=True)
    paused_working_days = models.PositiveIntegerField(_("补正用时（工作日）"), default=0)
    retention_class = models.CharField(_("归档保管期限"), max_length=16, choices=RetentionClass.choices, blank=True)
    agency_system_reference = models.CharField(_("部门系统办件号"), max_length=100, blank=True)
    lock_version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["handling_agency", "state", "due_on"], name="cases_queue"),
            # The staff queue's urgency order (workbench case_queues.by_urgency), for running cases only:
            # city-wide queues at 1M cases went from 190 ms to 25 ms p50 with it (bench/README.md).
            models.Index(
                models.Case(
                    models.When(deadline_status=DeadlineStatus.OVERDUE, then=0),
                    models.When(deadline_status=DeadlineStatus.WARNING, then=1),
                    default=2, output_field=models.IntegerField(),
                ),
                # Ascending puts NULLs last on PostgreSQL by default, matching the queue's ORDER BY;
                # SQLite refuses NULLS LAST in an index, so it is left implicit.
                "due_on",
                "submitted_at",
                "id",
                name="cases_running_by_urgency",
                condition=models.Q(state__in=[CaseState.SUBMITTED, CaseState.PRE_REVIEWED,
                                              CaseState.ACCEPTED, CaseState.UNDER_REVIEW]),
            ),
            models.Index(fields=["applicant", "-created_at"], name="cases_by_applicant"),
            # The "all cases" list, newest first (workbench case_queues.newest_first): a page reads 20 index
            # entries instead of sorting every filed case (184 ms → ~1 ms of SQL at 1M cases, bench/README.md).
            # Every filed case has a submission time, so PostgreSQL's default DESC NULLS FIRST changes nothing.
            models.Index(
                fields=["-submitted_at", "-id"], condition=~models.Q(state="draft"), name="cases_filed_newest_first",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class CaseMaterial(models.Model):
    """One material of the guide as provided in this case (CASE-4: only materials the guide lists)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="materials")
    guide_material = models.ForeignKey("catalogue.Material", on_delete=models.PROTECT, related_name="+")
    provision = models.CharField(_("提供方式"), max_length=24, choices=MaterialProvision.choices)
    document_version = models.ForeignKey(
        "cases.DocumentVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="case_uses"
    )
    reference = models.CharField(_("证照或数据编号"), max_length=120, blank=True)
    is_defective = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "guide_material"], name="cases_material_once_per_case"),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.guide_material}"


class CaseEvent(models.Model):
    """The case's timeline: every transition and notice, as the applicant and staff see it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=24, blank=True)
    to_state = models.CharField(max_length=24)
    actor_label = models.CharField(max_length=120)
    note = models.TextField(blank=True)
    occurred_at = models.DateTimeField()

    class Meta:
        ordering = ["case_id", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.action}"
