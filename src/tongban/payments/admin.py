"""Read-only admin views of payment orders and their event log (changes go through the services)."""

from django.contrib import admin

from tongban.payments.models import Discrepancy, PaymentEvent, PaymentOrder, Refund, Statement


class ReadOnlyAdmin(admin.ModelAdmin):
    """Looking only: money moves through the services, with their checks and audit events."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(PaymentOrder)
class PaymentOrderAdmin(ReadOnlyAdmin):
    """Orders by number, reference and state."""

    list_display = ("number", "reference", "amount_fen", "state", "channel", "needs_attention", "created_at")
    list_filter = ("state", "channel", "needs_attention")
    search_fields = ("number", "reference", "payment_code")
    exclude = ("receipt_pdf",)


admin.site.register(PaymentEvent, ReadOnlyAdmin)
admin.site.register(Refund, ReadOnlyAdmin)
admin.site.register(Statement, ReadOnlyAdmin)
admin.site.register(Discrepancy, ReadOnlyAdmin)
