"""Payment channel callbacks and the sandbox channel's hosted pages, mounted at ``/channels/payments/``."""

from django.urls import path  # noqa: F401  (filled by the module's issue)

urlpatterns: list = []
