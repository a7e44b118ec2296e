"""Field encryption and keyed lookup hashes (SEC-4)."""

from __future__ import annotations

import pytest
from cryptography.exceptions import InvalidTag
from django.core.exceptions import ImproperlyConfigured

from tongban.core import crypto


def test_sec_4_encryption_round_trips_and_hides_the_value():
    """SEC-4: personal numbers are stored encrypted; equal values encrypt differently each time."""
    first = crypto.encrypt("13800138000", context="person.phone")
    second = crypto.encrypt("13800138000", context="person.phone")
    assert first != second
    assert "13800138000" not in first
    assert first.startswith("v1.demo.")
    assert crypto.decrypt(first, context="person.phone") == "13800138000"


def test_sec_4_ciphertext_is_bound_to_its_column():
    """SEC-4: a ciphertext copied into another column does not decrypt there."""
    stored = crypto.encrypt("310101199003071234", context="person.document_number")
    with pytest.raises(InvalidTag):
        crypto.decrypt(stored, context="person.phone")


def test_sec_4_lookup_hash_is_keyed_normalised_and_namespaced():
    """SEC-4: personal numbers are looked up by keyed hash, never by plaintext."""
    assert crypto.lookup_hash("id", "310101 19900307 123x") == crypto.lookup_hash("id", "31010119900307123X")
    assert crypto.lookup_hash("id", "13800138000") != crypto.lookup_hash("phone", "13800138000")
    assert len(crypto.lookup_hash("phone", "13800138000")) == 64


def test_keys_rotate_old_values_still_decrypt(settings):
    settings.TONGBAN_FIELD_KEYS = "old:" + "A" * 44
    crypto.cipher.cache_clear()
    old = crypto.encrypt("秘密", context="t")
    settings.TONGBAN_FIELD_KEYS = "new:" + "B" * 44 + ",old:" + "A" * 44
    crypto.cipher.cache_clear()
    try:
        assert crypto.decrypt(old, context="t") == "秘密"
        assert crypto.encrypt("秘密", context="t").startswith("v1.new.")
    finally:
        crypto.cipher.cache_clear()


def test_short_keys_are_refused(settings):
    settings.TONGBAN_FIELD_KEYS = "k:" + "QUJD"
    crypto.cipher.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match="32 bytes"):
            crypto.encrypt("x", context="t")
    finally:
        crypto.cipher.cache_clear()
