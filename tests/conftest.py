"""Shared fixtures. Tests run on SQLite by default and on PostgreSQL when TONGBAN_DATABASE_URL names it."""

from __future__ import annotations

import pytest
from django.db import connection


@pytest.fixture
def on_postgresql() -> bool:
    """True on the PostgreSQL run."""
    return connection.vendor == "postgresql"
