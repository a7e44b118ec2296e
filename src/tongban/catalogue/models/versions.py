"""Guide versions (事项版本 / 办事指南): everything a guide states, frozen once it enters the lifecycle."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.catalogue.models.choices import (
    HandlingKind,
    IntegrationMode,
    LimitUnit,
    MaterialMedium,
    MaterialSource,
    OnlineDepth,
    RealNameLevel,
    ResultKind,
    VersionState,
)
from tongban.catalogue.models.items import ServiceItem

FROZEN_STATES = {VersionState.IN_REVIEW, VersionState.PUBLISHED, VersionState.SUPERSEDED}
# Published and superseded versions never change again (a filed version may still be withdrawn to a draft):
# each process keeps their material lists, read on every save, submission and case page.
_PERMANENT_STATES = {VersionState.PUBLISHED, VersionState.SUPERSEDED}
_MATERIAL_CACHE_SIZE = 4096
_material_cache: dict[tuple[int, object], list[Material]] = {}


def forget_material_lists() -> None:
    """Drop this process's material lists of published versions (tests start each database afresh)."""
    _material_cache.clear()


class ItemVersion(models.Model):
    """One version of an item's guide. Immutable from the moment it is filed for review (ITEM-5).

    A change to a published item is a new version; cases keep the version they
    were filed under. Time limits carry their unit, and the statutory limit may
    be absent (many public-service items have none).
    """

    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    state = models.CharField(_("状态"), max_length=16, choices=VersionState.choices, default=VersionState.DRAFT)

    conditions = models.TextField(_("受理条件"))
    eligible_applicants = models.TextField(_("申请对象"))
    applicant_kinds = models.JSONField(_("申请人类型"), default=list)
    process_steps = models.JSONField(_("办理流程"), default=list)
    handling_kind = models.CharField(_("办件类型"), max_length=16, choices=HandlingKind.choices)
    statutory_limit_value = models.PositiveIntegerField(_("法定时限"), null=True, blank=True)
    statutory_limit_unit = models.CharField(
        _("法定时限单位"), max_length=16, choices=LimitUnit.choices, blank=True
    )
    promised_limit_value = models.PositiveIntegerField(_("承诺时限"), null=True, blank=True)
    promised_limit_unit = models.CharField(_("承诺时限单位"), max_length=16, choices=LimitUnit.choices)
    fees = models.JSONField(_("收费"), default=list, blank=True)
    result_name = models.CharField(_("办理结果"), max_length=200)
    result_kind = models.CharField(_("结果类型"), max_length=24, choices=ResultKind.choices)
    result_licence_type = models.CharField(_("结果证照类型"), max_length=64, blank=True)
    delivery_methods = models.JSONField(_("送达方式"), default=list)
    online_depth = models.CharField(_("网办深度"), max_length=24, choices=OnlineDepth.choices)
    in_person_trips = models.PositiveSmallIntegerField(_("到现场次数"))
    integration_mode = models.PositiveSmallIntegerField(_("对接模式"), choices=IntegrationMode.choices)
    is_citywide = models.BooleanField(_("全市通办"), default=False)
    required_real_name_level = models.PositiveSmallIntegerField(
        _("实名等级要求"), choices=RealNameLevel.choices, default=RealNameLevel.L2
    )
    service_location = models.CharField(_("办理地点"), max_length=300, blank=True)
    service_hours = models.CharField(_("办理时间"), max_length=200, blank=True)
    contact_phone = models.CharField(_("咨询电话"), max_length=60, blank=True)
    complaint_phone = models.CharField(_("监督投诉电话"), max_length=60, blank=True)
    form_schema = models.JSONField(_("申请表结构（JSON Schema）"), default=dict)
    optimisation_record = models.JSONField(_("优化记录"), default=dict, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    created_by_label = models.CharField(max_length=120, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("事项版本")
        verbose_name_plural = _("事项版本")
        ordering = ["item_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="catalogue_version_number_once"),
        ]

    def __str__(self) -> str:
        return f"{self.item} v{self.number}"

    @property
    def is_frozen(self) -> bool:
        """Filed, published or superseded versions never change again."""
        return self.state in FROZEN_STATES

    def save(self, *args: object, **kwargs: object) -> None:
        """Refuse to rewrite a frozen version; only its state and publication time may move on."""
        if self.pk:
            stored = ItemVersion.objects.filter(pk=self.pk).values_list("state", flat=True).first()
            update_fields = kwargs.get("update_fields") or ()
            only_state = bool(update_fields) and set(update_fields) <= {"state", "published_at"}  # type: ignore[call-overload]
            if stored in FROZEN_STATES and not only_state:
                raise ValidationError(_("已提交或已发布的版本不可修改，请新建版本"))
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def materials_for(self, answers: dict[str, Iterable[str]] | None) -> list[Material]:
        """The exact material list for the given situation answers (question code → option codes).

        A material with no situation conditions applies always; one with
        conditions applies when any of its options was chosen. With no answers
        only the unconditional materials are listed.
        """
        chosen = {
            f"{question}.{option}" for question, options in (answers or {}).items() for option in options
        }
        return [
            material
            for material in self.all_materials()
            if not material.situation_options or chosen.intersection(material.situation_options)
        ]

    def all_materials(self) -> list[Material]:
        """Every material of the guide in order; a published version's list is read once per process."""
        if self.state not in _PERMANENT_STATES or self.pk is None:
            return list(self.materials.all())
        # created_at with the key: a SQLite id can come back after a rolled-back insert, a creation time cannot.
        key = (self.pk, self.created_at)
        cached = _material_cache.get(key)
        if cached is None:
            cached = list(self.materials.all())
            if len(_material_cache) >= _MATERIAL_CACHE_SIZE:
                _material_cache.clear()
            _material_cache[key] = cached
        return cached


class Material(models.Model):
    """An application material (申请材料) a guide version lists.

    ``situation_options`` holds ``"question.option"`` keys: the material is
    needed only in those situations. ``licence_type`` / ``shared_data_resource``
    say what the platform can fetch instead of asking the applicant (ITEM-9, CASE-5).
    """

    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="materials")
    code = models.CharField(_("材料编号"), max_length=16)
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("材料名称"), max_length=200)
    description = models.TextField(_("填报说明"), blank=True)
    source = models.CharField(_("来源渠道"), max_length=24, choices=MaterialSource.choices)
    medium = models.CharField(_("材料形式"), max_length=24, choices=MaterialMedium.choices)
    paper_copies = models.PositiveSmallIntegerField(_("纸质份数"), default=0)
    is_required = models.BooleanField(_("必要性"), default=True)
    situation_options = models.JSONField(_("适用情形"), default=list, blank=True)
    sample_url = models.CharField(_("示例样表"), max_length=300, blank=True)
    blank_form_url = models.CharField(_("空白表格"), max_length=300, blank=True)
    licence_type = models.CharField(_("可替代证照类型"), max_length=64, blank=True)
    shared_data_resource = models.CharField(_("可替代共享数据"), max_length=64, blank=True)
    commitment_allowed = models.BooleanField(_("可告知承诺"), default=False)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["version_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="catalogue_material_code_once"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_fetched_by_platform(self) -> bool:
        """The applicant need not bring it: a licence or shared data replaces it."""
        return bool(self.licence_type or self.shared_data_resource)


class SituationQuestion(models.Model):
    """A situation question (办理情形) whose answers select the exact material list."""

    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="situation_questions")
    code = models.CharField(_("情形编号"), max_length=16)
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("问题"), max_length=200)
    allows_several = models.BooleanField(_("可多选"), default=False)

    class Meta:
        verbose_name = _("办理情形")
        verbose_name_plural = _("办理情形")
        ordering = ["version_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="catalogue_question_code_once"),
        ]

    def __str__(self) -> str:
        return self.text


class SituationOption(models.Model):
    """One answer to a situation question."""

    question = models.ForeignKey(SituationQuestion, on_delete=models.CASCADE, related_name="options")
    code = models.CharField(_("选项编号"), max_length=16)
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(_("选项"), max_length=200)

    class Meta:
        verbose_name = _("情形选项")
        verbose_name_plural = _("情形选项")
        ordering = ["question_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="catalogue_option_code_once"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def key(self) -> str:
        """The ``question.option`` key materials refer to."""
        return f"{self.question.code}.{self.code}"
