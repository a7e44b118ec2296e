"""Django admin for the catalogue (superusers only; the workbench is the daily tool).

The admin never bypasses the lifecycle (ITEM-5, ITEM-6): an item's status and
published version move only through ``catalogue.services.lifecycle``, guide
versions are frozen records, and lifecycle requests are their own history, so
all of those are shown read-only here. Life events are saved only through
``save_life_event``, which checks ITEM-11's minimums, so the admin shows them
read-only and points to the workbench editor.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tongban.catalogue.models import (
    Announcement,
    BasicItem,
    ItemVersion,
    LifecycleRequest,
    LifeEvent,
    LifeEventItem,
    Material,
    RequestStep,
    ServiceItem,
    SituationQuestion,
)


class ReadOnlyMixin:
    """No adding, changing or deleting: the rows are written by the catalogue services only."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Created by the services only."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Never edited here (the change page is a read-only view)."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Never removed: they are part of the catalogue's history."""
        return False


class ReadOnlyTabularInline(ReadOnlyMixin, admin.TabularInline):
    """A read-only list of child rows."""

    extra = 0
    can_delete = False
    show_change_link = False


@admin.register(BasicItem)
class BasicItemAdmin(admin.ModelAdmin):
    """Basic catalogue items; the code is their identity in every region, so it is fixed once saved."""

    list_display = ("basic_code", "name", "item_type", "public_service_field")
    list_filter = ("item_type", "public_service_field")
    search_fields = ("basic_code", "name", "name_en")

    def get_readonly_fields(self, request: HttpRequest, obj: BasicItem | None = None) -> tuple[str, ...]:
        """The code and type cannot change: implementation codes are built from them."""
        return ("basic_code", "item_type", "created_at") if obj is not None else ("created_at",)

    def has_delete_permission(self, request: HttpRequest, obj: BasicItem | None = None) -> bool:
        """Implementations refer to basic items; a catalogue entry is withdrawn by terminating its items."""
        return False


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
    """Implementations. Status and published version are the lifecycle's to change, never the admin's."""

    list_display = ("implementation_code", "name", "agency", "status")
    list_filter = ("status", "basic_item__item_type")
    search_fields = ("implementation_code", "basic_item__name", "business_unit")
    list_select_related = ("basic_item", "agency")
    readonly_fields = (
        "implementation_code", "basic_item", "agency", "status", "published_version", "status_changed_at",
        "created_at",
    )
    fields = (
        "implementation_code", "basic_item", "agency", "business_unit", "is_community_delegated", "status",
        "published_version", "status_changed_at", "created_at",
    )

    @admin.display(description=_("事项名称"), ordering="basic_item__name")
    def name(self, obj: ServiceItem) -> str:
        """The name with its business unit, as guides print it."""
        return obj.name

    def has_add_permission(self, request: HttpRequest) -> bool:
        """An item is created with its first guide version, in the workbench or by import."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ServiceItem | None = None) -> bool:
        """Items are terminated through a lifecycle request, never deleted."""
        return False


class MaterialInline(ReadOnlyTabularInline):
    """The version's materials, as filed."""

    model = Material
    fields = ("code", "name", "source", "medium", "is_required", "situation_options", "licence_type")
    readonly_fields = fields


class SituationInline(ReadOnlyTabularInline):
    """The version's situation questions with their options, as filed."""

    model = SituationQuestion
    fields = ("code", "text", "allows_several", "options_list")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[SituationQuestion]:
        """Options in one query for all questions."""
        return super().get_queryset(request).prefetch_related("options")

    @admin.display(description=_("选项"))
    def options_list(self, obj: SituationQuestion) -> str:
        """``code label`` of each option, in order."""
        return "；".join(f"{option.code} {option.label}" for option in obj.options.all())


@admin.register(ItemVersion)
class ItemVersionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Guide versions, read-only: a version changes only by being filed, published or superseded."""

    list_display = ("item", "number", "state", "created_at", "published_at")
    list_filter = ("state",)
    search_fields = ("item__implementation_code", "item__basic_item__name")
    list_select_related = ("item__basic_item", "item__agency")
    inlines = (MaterialInline, SituationInline)

    def get_readonly_fields(self, request: HttpRequest, obj: ItemVersion | None = None) -> list[str]:
        """Every field."""
        return [field.name for field in ItemVersion._meta.concrete_fields]


class StepInline(ReadOnlyTabularInline):
    """The request's recorded steps."""

    model = RequestStep
    fields = ("occurred_at", "action", "from_state", "to_state", "actor_label", "note", "due_on")
    readonly_fields = fields


@admin.register(LifecycleRequest)
class LifecycleRequestAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Lifecycle requests with their steps, read-only: they move only through the lifecycle services."""

    list_display = ("pk", "kind", "item", "agency", "state", "filed_at", "due_on")
    list_filter = ("kind", "state")
    search_fields = ("item__implementation_code", "item__basic_item__name")
    list_select_related = ("item__basic_item", "item__agency", "agency")
    date_hierarchy = "filed_at"
    inlines = (StepInline,)

    def get_readonly_fields(self, request: HttpRequest, obj: LifecycleRequest | None = None) -> list[str]:
        """Every field."""
        return [field.name for field in LifecycleRequest._meta.concrete_fields]


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    """Public announcements. What an announcement is about is fixed once published; none is deleted."""

    list_display = ("title", "kind", "agency", "item", "published_at", "ends_on")
    list_filter = ("kind",)
    search_fields = ("title", "body")
    list_select_related = ("agency", "item__basic_item", "item__agency")
    raw_id_fields = ("item", "agency")
    date_hierarchy = "published_at"

    def get_readonly_fields(self, request: HttpRequest, obj: Announcement | None = None) -> tuple[str, ...]:
        """Kind, item, agency and publication time stay as published (lifecycle requests point to them)."""
        return ("kind", "item", "agency", "published_at") if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Announcement | None = None) -> bool:
        """A published announcement stays on record; set its end date instead."""
        return False


class LifeEventItemInline(ReadOnlyTabularInline):
    """The event's items in handling order."""

    model = LifeEventItem
    fields = ("position", "item", "note")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[LifeEventItem]:
        """Item names need the basic item and agency."""
        return super().get_queryset(request).select_related("item__basic_item", "item__agency")


@admin.register(LifeEvent)
class LifeEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Life events, read-only: edit them in the workbench, where ``save_life_event`` checks ITEM-11."""

    list_display = ("code", "name", "kind", "lead_agency", "is_published", "workbench_link")
    list_filter = ("kind", "is_published")
    search_fields = ("code", "name", "name_en")
    list_select_related = ("lead_agency",)
    inlines = (LifeEventItemInline,)

    def get_readonly_fields(self, request: HttpRequest, obj: LifeEvent | None = None) -> list[str]:
        """Every field, plus the link to the workbench editor."""
        return [*(field.name for field in LifeEvent._meta.concrete_fields), "workbench_link"]

    @admin.display(description=_("编辑"))
    def workbench_link(self, obj: LifeEvent) -> str:
        """Where the event is edited."""
        url = reverse("workbench:life_event_edit", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("在工作台编辑"))
