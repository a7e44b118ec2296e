"""Licence wallet URLs, mounted at ``/licences/`` (LIC-1, LIC-3)."""

from django.urls import path  # noqa: F401  (filled by the module's issue)

urlpatterns: list = []
