"""Public verification URLs, mounted at ``/verify/``: show tokens and signed documents, no login (LIC-3, SEAL-1)."""

from django.urls import path  # noqa: F401  (filled by the module's issue)

urlpatterns: list = []
