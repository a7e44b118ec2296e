"""The catalogue REST API under ``/api/v1/catalogue/``.

``router`` (``public.py``) is open to everyone: search, guides in the exchange
format, material lists for situation answers, life events and the "at most one
trip" list (ITEM-10). ``agency_router`` (``agency.py``) is for agencies' business
systems; ``tongban.api`` mounts it with bearer-token authentication, so
``request.auth`` is the caller's :class:`~tongban.agencies.models.ApiCredential`
and every call acts for that credential's agency only. Handlers validate input
and call services; ``ERROR_STATUS`` gives each refusal its HTTP status.
"""

from tongban.catalogue.api.agency import agency_router
from tongban.catalogue.api.errors import ERROR_STATUS, CatalogueApiError
from tongban.catalogue.api.public import router

__all__ = ["ERROR_STATUS", "CatalogueApiError", "agency_router", "router"]
