"""ID-4: scope rules of enterprise grants, as pure functions (no database)."""

from __future__ import annotations

import pytest

from tongban.core.errors import TongbanError
from tongban.identity.models import GrantScope
from tongban.identity.services.enterprise_scopes import check_within, covers, normalise_scope

ALL, TYPES, ITEMS = GrantScope.ALL_ITEMS, GrantScope.ITEM_TYPES, GrantScope.ITEMS
ITEM_TYPES = {"A1": "licensing", "A2": "licensing", "F1": "filing"}


@pytest.mark.parametrize(
    ("parent", "child", "item_type_of"),
    [
        ((ALL, []), (ALL, []), None),
        ((ALL, []), (TYPES, ["licensing"]), None),
        ((ALL, []), (ITEMS, ["F1"]), None),
        ((TYPES, ["licensing", "filing"]), (TYPES, ["filing"]), None),
        ((TYPES, ["licensing"]), (ITEMS, ["A1", "A2"]), ITEM_TYPES.get),
        ((ITEMS, ["A1", "F1"]), (ITEMS, ["F1"]), None),
    ],
)
def test_id_4_narrower_or_equal_scopes_fit_inside_the_parent(parent, child, item_type_of):
    """ID-4: all items ⊇ item types ⊇ items of those types; a subset of named items fits."""
    # when / then: no refusal
    check_within(*parent, *child, item_type_of)


@pytest.mark.parametrize(
    ("parent", "child", "item_type_of", "code"),
    [
        ((TYPES, ["licensing"]), (ALL, []), None, "IDENTITY_GRANT_WIDER_THAN_PARENT"),
        ((TYPES, ["licensing"]), (TYPES, ["licensing", "filing"]), None, "IDENTITY_GRANT_WIDER_THAN_PARENT"),
        ((TYPES, ["licensing"]), (ITEMS, ["F1"]), ITEM_TYPES.get, "IDENTITY_GRANT_WIDER_THAN_PARENT"),
        # Without the catalogue's help, an item cannot be placed inside a type: refused, not guessed.
        ((TYPES, ["licensing"]), (ITEMS, ["A1"]), None, "IDENTITY_GRANT_WIDER_THAN_PARENT"),
        ((TYPES, ["licensing"]), (ITEMS, ["ZZ"]), ITEM_TYPES.get, "IDENTITY_GRANT_ITEM_UNKNOWN"),
        ((ITEMS, ["A1"]), (ALL, []), None, "IDENTITY_GRANT_WIDER_THAN_PARENT"),
        ((ITEMS, ["A1"]), (TYPES, ["licensing"]), ITEM_TYPES.get, "IDENTITY_GRANT_WIDER_THAN_PARENT"),
        ((ITEMS, ["A1"]), (ITEMS, ["A1", "A2"]), None, "IDENTITY_GRANT_WIDER_THAN_PARENT"),
    ],
)
def test_id_4_wider_scopes_are_refused(parent, child, item_type_of, code):
    """ID-4: a grant wider than the granter's own scope is refused with a clear reason."""
    with pytest.raises(TongbanError) as refusal:
        check_within(*parent, *child, item_type_of)
    assert refusal.value.code == code


def test_id_4_scope_values_are_cleaned_and_checked():
    """ID-4: values are trimmed, de-duplicated and sorted; empty or surplus values are refused."""
    assert normalise_scope(TYPES, [" filing", "licensing", "filing "]) == ["filing", "licensing"]
    assert normalise_scope(ALL, []) == []
    for scope, values in [(TYPES, []), (ITEMS, ["  "]), (ALL, ["licensing"]), ("everything", []), (ITEMS, ["a;b"])]:
        with pytest.raises(TongbanError) as refusal:
            normalise_scope(scope, values)
        assert refusal.value.code == "IDENTITY_GRANT_SCOPE_INVALID"


@pytest.mark.parametrize(
    ("scope", "values", "expected"),
    [
        (ALL, [], True),
        (TYPES, ["licensing"], True),
        (TYPES, ["filing"], False),
        (ITEMS, ["A1"], True),
        (ITEMS, ["A2"], False),
    ],
)
def test_id_4_covers_an_item_by_scope(scope, values, expected):
    """ID-4: whether a grant's scope covers item A1 of type licensing."""
    assert covers(scope, values, "A1", "licensing") is expected
