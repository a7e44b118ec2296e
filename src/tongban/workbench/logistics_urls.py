"""Workbench pages for shipments (included into the workbench namespace)."""

from django.urls import path  # noqa: F401  (filled by the module's issue)

urlpatterns: list = []
