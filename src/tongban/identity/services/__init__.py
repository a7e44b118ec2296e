"""Identity services: staff roles, persons, one-time codes and personal data.

The role checks used to live in a single ``services`` module; they are re-exported here so that
``from tongban.identity.services import require_role`` keeps working everywhere.
"""

from tongban.identity.services.roles import (
    PLATFORM_LABEL,
    Actor,
    actor_label,
    agencies_where,
    holds_role,
    require_role,
    roles_of,
)

__all__ = [
    "PLATFORM_LABEL",
    "Actor",
    "actor_label",
    "agencies_where",
    "holds_role",
    "require_role",
    "roles_of",
]
