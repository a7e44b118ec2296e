"""REST API of the seals module, mounted under ``/api/v1/seals/``."""

from __future__ import annotations

from ninja import Router

from tongban.core.errors import ErrorCode

router = Router(tags=["seals"])
# Refusals mapped to HTTP statuses (composed in tongban.api); unmapped ones are 400.
ERROR_STATUS: dict[ErrorCode, int] = {}
