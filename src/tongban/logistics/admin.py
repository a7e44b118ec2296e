"""Admin pages of the logistics module: read-mostly views for the operator."""

from django.contrib import admin

from tongban.logistics.models import Shipment, ShipmentEvent, WorkItem


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    """Shipments by case number and waybill (no phone shown: it is encrypted)."""

    list_display = ("case_number", "direction", "waybill_number", "state", "created_at")
    list_filter = ("state", "direction", "courier")
    search_fields = ("case_number", "waybill_number")
    exclude = ("phone_encrypted",)


@admin.register(ShipmentEvent)
class ShipmentEventAdmin(admin.ModelAdmin):
    """The shipment event log, refused pushes included."""

    list_display = ("waybill_number", "status", "outcome", "source", "received_at")
    list_filter = ("outcome", "source", "courier")
    search_fields = ("waybill_number", "event_id")


@admin.register(WorkItem)
class WorkItemAdmin(admin.ModelAdmin):
    """Failed and returned deliveries to resolve."""

    list_display = ("shipment", "kind", "is_open", "created_at")
    list_filter = ("kind", "is_open")
