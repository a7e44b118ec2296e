"""The registry of outside-system adapters (DESIGN.md: plug-ins behind interfaces, sandboxes by configuration).

``settings.TONGBAN_ADAPTERS`` maps a role (``"sms"``, ``"population_registry"`` …)
to the dotted path of the class that plays it. Services ask for the role, never
for a class, so a deployment swaps a sandbox for the real service by
configuration alone. Instances are created once per process; tests that switch
adapters call :func:`reset`.
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


@functools.cache
def adapter(role: str) -> Any:
    """The configured adapter instance for ``role``."""
    try:
        path = settings.TONGBAN_ADAPTERS[role]
    except KeyError:
        raise ImproperlyConfigured(f"no adapter configured for {role!r} in TONGBAN_ADAPTERS") from None
    return import_string(path)()


def reset() -> None:
    """Forget the instances (after a settings change in tests)."""
    adapter.cache_clear()
