"""Seal management for enterprises and persons, mounted at ``/seals/`` (SEAL-2)."""

from django.urls import path  # noqa: F401  (filled by the module's issue)

urlpatterns: list = []
