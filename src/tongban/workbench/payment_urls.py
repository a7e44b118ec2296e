"""Workbench pages for payments and reconciliation (included into the workbench namespace)."""

from django.urls import path  # noqa: F401  (filled by the module's issue)

urlpatterns: list = []
