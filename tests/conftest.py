"""Shared fixtures. Tests run on SQLite by default and on PostgreSQL when TONGBAN_DATABASE_URL names it."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection

# Every test runs on a fixed clock inside the years the official calendar covers,
# so due dates are reproducible and no test depends on the day CI happens to run.
FIXED_NOW = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture
def on_postgresql() -> bool:
    """True on the PostgreSQL run."""
    return connection.vendor == "postgresql"


@pytest.fixture
def client():
    """pytest-django's test client; its ``force_login`` of a staff account also passes the TOTP second factor."""
    from tests.staff_sessions import VerifiedStaffClient

    return VerifiedStaffClient()


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's superuser client, its session past the TOTP second factor like every staff session."""
    from tests.staff_sessions import VerifiedStaffClient

    verified = VerifiedStaffClient()
    verified.force_login(admin_user)
    return verified


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """Argon2 is deliberately slow; tests that are not about hashing use a fast hasher."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "tongban.identity.oidc.hashers.ClientSecretHasher",
    ]


@pytest.fixture(autouse=True)
def workday_calendar(request: pytest.FixtureRequest) -> None:
    """Every database test sees the official calendar as the data migration leaves it.

    Transactional tests empty every table when they finish (migration data
    included), so the next test re-seeds; otherwise this costs one query.
    """
    from tongban.catalogue.models.versions import forget_material_lists
    from tongban.core.workdays import forget_calendar

    # Each test's database starts afresh: so must this process's shared calendar and material lists.
    forget_calendar()
    forget_material_lists()
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
    from tongban.core import workdays
    from tongban.core.models import CalendarYear

    if not CalendarYear.objects.exists():
        workdays.seed_from_package()


@pytest.fixture(autouse=True)
def fixed_clock():
    """Travel to FIXED_NOW with the clock ticking; tests may travel further themselves."""
    with time_machine.travel(FIXED_NOW, tick=True) as traveller:
        yield traveller
