"""Kernel tables: the working-day calendar and the append-only, hash-chained audit log."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.core.errors import CoreError

GENESIS_HASH = "0" * 64
# Years an operator may enter: wider than the package's range so old cases and the
# next announced year both fit, narrow enough to catch typos such as 20026.
CALENDAR_MIN_YEAR = 1990
CALENDAR_MAX_YEAR = 2100
CALENDAR_NAME_MAX_LENGTH = 64


class CalendarSource(models.TextChoices):
    """Who owns a year's calendar data."""

    CHINESECALENDAR = "chinesecalendar", _("chinesecalendar 软件包")
    OPERATOR = "operator", _("平台运营人员")


class CalendarYear(models.Model):
    """A year whose exceptions are complete, so working days in it may be computed.

    Dates in a year without a row are refused rather than guessed, because each
    year's holidays are announced only late in the year before. ``source`` says
    who owns the year: re-seeding from the package never overwrites a year the
    operator has taken over by editing it.
    """

    year = models.PositiveSmallIntegerField(
        _("年份"),
        primary_key=True,
        validators=[MinValueValidator(CALENDAR_MIN_YEAR), MaxValueValidator(CALENDAR_MAX_YEAR)],
    )
    source = models.CharField(_("来源"), max_length=20, choices=CalendarSource.choices)
    note = models.TextField(_("说明"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("工作日历年度")
        verbose_name_plural = _("工作日历年度")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarException(models.Model):
    """A day that departs from the Monday–Friday rule.

    Either a holiday on a weekday (``is_workday=False``, e.g. 国庆节) or a
    make-up workday on a weekend (``is_workday=True``, e.g. 国庆节调休上班).
    Only departures are stored, so a year is a few dozen rows.
    """

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否上班"))
    name = models.CharField(_("名称"), max_length=CALENDAR_NAME_MAX_LENGTH)

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}"

    def clean(self) -> None:
        """Refuse a row that agrees with the weekday rule: it would be noise that hides real exceptions."""
        super().clean()
        if self.date is None or self.is_workday is None:
            return
        rule_says_workday = self.date.weekday() < 5
        if self.is_workday == rule_says_workday:
            error = CoreError.CALENDAR_DAY_NOT_EXCEPTION
            kind = _("工作日") if rule_says_workday else _("休息日")
            message = error.format(date=self.date.isoformat(), kind=kind)
            raise ValidationError({"is_workday": ValidationError(message, code=error.code)})


class AppendOnlyViolation(RuntimeError):
    """Raised when code tries to change or remove an audit event: the log only grows."""


class AuditEventQuerySet(models.QuerySet):
    """Bulk writes would bypass the hash chain, so they are refused like single-row changes."""

    def update(self, **kwargs: Any) -> int:
        """Refused: audit events never change."""
        raise AppendOnlyViolation("audit events cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        """Refused: audit events are never removed."""
        raise AppendOnlyViolation("audit events cannot be deleted")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        """Refused: audit events never change."""
        raise AppendOnlyViolation("audit events cannot be updated")

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Any]:
        """Refused: each event must be chained by ``tongban.core.audit.record``."""
        raise AppendOnlyViolation("audit events are created one by one through tongban.core.audit.record")


class AuditEvent(models.Model):
    """One entry of the append-only audit log, chained to the one before by ``previous_hash``.

    ``actor_id`` and ``agency_id`` are plain integers, not foreign keys: the log
    must outlive the accounts and agencies it mentions. ``entry_hash`` is the
    SHA-256 of the canonical JSON of every other field (see
    ``tongban.core.audit.canonical_json``); editing any field or removing an entry
    breaks the chain, which ``verify_chain`` reports.
    """

    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(_("发生时间"), db_index=True)
    actor_id = models.BigIntegerField(_("操作人 ID"), null=True, blank=True)
    actor_label = models.CharField(_("操作人"), max_length=150, blank=True)
    agency_id = models.BigIntegerField(_("单位 ID"), null=True, blank=True)
    action = models.CharField(_("操作"), max_length=100)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象 ID"), max_length=100, blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    # Unique: two writers that read the same chain head cannot both commit, so the
    # chain stays linear even if a caller forgets the head lock.
    previous_hash = models.CharField(_("前一条哈希"), max_length=64, unique=True)
    entry_hash = models.CharField(_("本条哈希"), max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx"),
            models.Index(fields=["actor_id", "occurred_at"], name="core_audit_actor_idx"),
            models.Index(fields=["action", "occurred_at"], name="core_audit_action_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert only; saving an event that already exists is refused."""
        if not self._state.adding:
            raise AppendOnlyViolation("audit events cannot be updated")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Refused: audit events are never removed."""
        raise AppendOnlyViolation("audit events cannot be deleted")


class AuditChainHead(models.Model):
    """The single row (id=1) holding the newest entry's hash and the number of entries.

    Writers lock it with ``select_for_update`` before appending, which serialises
    them on PostgreSQL; on SQLite the IMMEDIATE transaction mode already does.
    It also lets ``verify_chain`` notice entries cut off the end of the log.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(_("最新哈希"), max_length=64, default=GENESIS_HASH)
    entry_count = models.BigIntegerField(_("条数"), default=0)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="core_audit_chain_head_single_row"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_count} · {self.last_hash[:12]}"


class SandboxSms(models.Model):
    """A text message the SMS sandbox "sent" (``core.sms.SandboxSmsGateway``): the development and test outbox.

    Only the sandbox writes here; a real gateway keeps no copy of the text. The
    phone is kept as its keyed lookup hash and its masked form, never in clear.
    """

    phone_hash = models.CharField(max_length=64, db_index=True)
    phone_masked = models.CharField(_("手机号"), max_length=20)
    text = models.TextField(_("短信内容"))
    reference = models.CharField(_("发送流水号"), max_length=40, unique=True)
    sent_at = models.DateTimeField(_("发送时间"), db_index=True)

    class Meta:
        verbose_name = _("沙箱短信")
        verbose_name_plural = _("沙箱短信")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.phone_masked} {self.sent_at:%Y-%m-%d %H:%M:%S}"
