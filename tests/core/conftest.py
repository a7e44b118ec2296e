"""Fixtures of the kernel tests."""

from __future__ import annotations

import pytest

from tongban.core import workdays
from tongban.core.models import CalendarYear


@pytest.fixture
def seeded_calendar(db: None) -> None:
    """The calendar as the data migration leaves it.

    Transactional tests empty every table when they finish (migration data
    included), so a test that runs after one re-seeds; otherwise this costs one query.
    """
    if not CalendarYear.objects.exists():
        workdays.seed_from_package()


@pytest.fixture
def operator(django_user_model):
    """A staff account acting as platform operator (role checks belong to the calling layer)."""
    return django_user_model.objects.create_user(username="operator", password="x" * 12, display_name="运营员")
