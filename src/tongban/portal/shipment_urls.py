"""Shipments and the address book, mounted at ``/shipments/`` (LOG-1)."""

from django.urls import path  # noqa: F401  (filled by the module's issue)

urlpatterns: list = []
