"""Shared fixtures. Tests run on SQLite by default and on PostgreSQL when TONGBAN_DATABASE_URL names it."""

from __future__ import annotations

import pytest
from django.db import connection


@pytest.fixture
def on_postgresql() -> bool:
    """True on the PostgreSQL run."""
    return connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """Argon2 is deliberately slow; tests that are not about hashing use a fast hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
