"""Licence tests keep the platform CA and seal keys in a temporary folder, like the seal tests."""

from tests.seals.conftest import trust_dir  # noqa: F401  (re-exported autouse fixture)
