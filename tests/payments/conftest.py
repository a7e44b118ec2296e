"""Payments tests keep their keys (channel keys, the receipt signing key) in a temporary data directory."""

from __future__ import annotations

import pytest

from tongban.core import adapters


@pytest.fixture(autouse=True)
def payment_data_dir(settings, tmp_path):
    """A fresh DATA_DIR per test, so keys made on first use never land in the working tree."""
    settings.DATA_DIR = tmp_path
    settings.TONGBAN_TRUST_DIR = tmp_path / "trust"
    settings.TONGBAN_PAYMENT_SANDBOX_FAULTS = ""
    adapters.reset()
    yield tmp_path
    adapters.reset()
