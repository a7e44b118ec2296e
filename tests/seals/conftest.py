"""Seal tests keep the platform CA and seal keys in a temporary folder."""

from __future__ import annotations

import pytest

from tongban.core import adapters


@pytest.fixture(autouse=True)
def trust_dir(settings, tmp_path):
    """A fresh CA and key store per test (settings.TONGBAN_TRUST_DIR under tmp_path)."""
    settings.TONGBAN_TRUST_DIR = tmp_path / "trust"
    adapters.reset()
    yield settings.TONGBAN_TRUST_DIR
    adapters.reset()
