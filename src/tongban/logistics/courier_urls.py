"""Courier callbacks and the sandbox courier's pages, mounted at ``/channels/couriers/``."""

from django.urls import path  # noqa: F401  (filled by the module's issue)

urlpatterns: list = []
