"""Admin for the kernel tables.

Calendar edits go through the ``workdays`` services so every change is audited
exactly as it would be from the operator workbench; the audit log is read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from tongban.core import workdays
from tongban.core.calendar_source import is_weekday
from tongban.core.models import AuditEvent, CalendarException, CalendarYear


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    """Declared years; adding one declares it (audited). A declared year is not withdrawn here."""

    list_display = ["year", "source", "note", "updated_at"]
    list_filter = ["source"]
    fields = ["year", "note"]

    def get_readonly_fields(self, request: HttpRequest, obj: CalendarYear | None = None) -> list[str]:
        """Nothing changes after declaring: ownership moves only through calendar edits."""
        return ["year", "note"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: CalendarYear | None = None) -> bool:
        """Withdrawing a year would silently break stored deadlines, so it is not offered."""
        return False

    def save_model(self, request: HttpRequest, obj: CalendarYear, form: Any, change: bool) -> None:
        """Declare through the service so the act is audited; the form checked range and uniqueness."""
        if not change:
            workdays.declare_year(obj.year, request.user, note=obj.note)


@admin.register(CalendarException)
class CalendarExceptionAdmin(admin.ModelAdmin):
    """Holidays and make-up workdays; saving and deleting go through ``workdays.set_day``."""

    list_display = ["date", "name", "is_workday"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    search_fields = ["name"]

    def get_readonly_fields(self, request: HttpRequest, obj: CalendarException | None = None) -> list[str]:
        """The date is the row's identity: move a holiday by deleting it and adding another day."""
        return ["date"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: CalendarException, form: Any, change: bool) -> None:
        """Store through the service (audited); the form's clean() has already checked the rule."""
        workdays.set_day(obj.date, obj.is_workday, obj.name, request.user)

    def delete_model(self, request: HttpRequest, obj: CalendarException) -> None:
        """Removing an exception returns the day to the Monday–Friday rule, audited."""
        workdays.set_day(obj.date, is_weekday(obj.date), "", request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarException]) -> None:
        """Bulk delete one day at a time, so each removal has its audit event."""
        for exception in queryset:
            self.delete_model(request, exception)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only view of the audit log."""

    list_display = ["id", "occurred_at", "action", "actor_label", "agency_id", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["action", "object_type", "object_id", "actor_label"]
    date_hierarchy = "occurred_at"
    ordering = ["-id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Events are written by the services only."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        """Append-only: no edits."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        """Append-only: no removals."""
        return False
