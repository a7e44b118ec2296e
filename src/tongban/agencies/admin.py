"""Django admin for agencies and their API credentials (superusers only; the workbench is the daily tool).

Credentials are issued with ``tongban agency-credential create`` because the
token must be shown exactly once; the admin lists them and revokes them through
the service, so the revocation is audited.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tongban.agencies.models import Agency, ApiCredential, IdempotencyRecord
from tongban.agencies.services import revoke_credential


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    """The agency tree."""

    list_display = ("code", "name", "level", "kind", "uscc", "is_cut_off")
    list_filter = ("level", "kind", "is_cut_off")
    search_fields = ("code", "name", "uscc")
    raw_id_fields = ("parent",)


@admin.register(ApiCredential)
class ApiCredentialAdmin(admin.ModelAdmin):
    """Read-only list of credentials with a revoke action."""

    list_display = ("key_id", "name", "agency", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("key_id", "name", "agency__name", "agency__code")
    readonly_fields = ("agency", "name", "key_id", "created_at", "last_used_at", "revoked_at")
    exclude = ("secret_hash",)
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Issued from the shell only: the token is printed once and cannot be shown in a form afterwards."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApiCredential | None = None) -> bool:
        """Revoked credentials stay, so the audit trail can name them."""
        return False

    @admin.action(description=_("吊销所选凭证"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiCredential]) -> None:
        """Revoke each selected active credential through the service (audited)."""
        count = 0
        for credential in queryset.filter(revoked_at__isnull=True):
            revoke_credential(credential, actor=request.user)
            count += 1
        self.message_user(request, _("已吊销 %(count)d 个凭证") % {"count": count}, messages.SUCCESS)


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    """Stored first responses of idempotent API calls (read-only, for support)."""

    list_display = ("credential", "key", "status_code", "created_at")
    search_fields = ("key", "credential__key_id")
    readonly_fields = ("credential", "key", "request_hash", "status_code", "response_body", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Written by the API only."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: IdempotencyRecord | None = None) -> bool:
        """Never edited."""
        return False
