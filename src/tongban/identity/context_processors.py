"""Template context from the identity module: the enterprise the session acts for (ID-4).

``acting_grant`` is the grant the visitor acts under, or None; ``base.html``
shows a banner with the enterprise's name and a button back to acting as
oneself while it is set. A grant that expired or was revoked is dropped here on
the next page, so the banner never shows an authority that no longer holds.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tongban.identity.services.enterprise_sessions import current_grant


def acting(request: HttpRequest) -> dict[str, Any]:
    """``{"acting_grant": EnterpriseGrant | None}``."""
    return {"acting_grant": current_grant(request)}
