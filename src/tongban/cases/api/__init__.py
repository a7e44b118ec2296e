"""The case-exchange API for agencies' business systems (PLAT-3), mounted at ``/api/v1/cases/``.

``router`` is mounted with the agency bearer authentication (``tongban.api``);
``ERROR_STATUS`` gives each refusal its HTTP status.
"""

from tongban.cases.api.agency import router
from tongban.cases.api.errors import ERROR_STATUS

__all__ = ["ERROR_STATUS", "router"]
