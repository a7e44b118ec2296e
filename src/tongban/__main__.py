"""The ``tongban`` console script: Django's management commands under one name.

``tongban serve``, ``tongban demo``, ``tongban worker``, ``tongban workdays …`` and
``tongban catalogue …`` are management commands of the modules; this entry point
only points Django at the settings.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a Tongban command (``tongban help`` lists them)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tongban", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
