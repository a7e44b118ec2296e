"""Form fields keep the guide's order although jsonb forgets key order (ITEM-2 form schema, CASE-1 forms)."""

from __future__ import annotations

import pytest

from tests.factories import AgencyFactory, published_item
from tongban.catalogue.form_schema import ordered_properties, with_property_order
from tongban.catalogue.models import ItemVersion
from tongban.portal.schema_forms import form_class_for
from tongban.workbench.forms.counter_filing import ApplicationForm

# Deliberately not alphabetical and of mixed key lengths: jsonb would give z, ab, mmm.
SCHEMA = {
    "type": "object",
    "properties": {
        "mmm": {"type": "string", "title": "第一项"},
        "z": {"type": "string", "title": "第二项"},
        "ab": {"type": "object", "title": "第三项",
               "properties": {"y": {"type": "string"}, "b": {"type": "string"}}},
    },
}


def test_positions_are_added_where_missing_and_kept_where_given():
    """Each property gets its 1-based position; an explicit propertyOrder wins; nested objects too."""
    placed = with_property_order({"type": "object", "properties": {
        "second": {"type": "string"}, "first": {"type": "string", "propertyOrder": 0}}})
    assert [name for name, _spec in ordered_properties(placed)] == ["first", "second"]
    nested = with_property_order(SCHEMA)["properties"]["ab"]
    assert [(name, spec["propertyOrder"]) for name, spec in ordered_properties(nested)] == [("y", 1), ("b", 2)]
    assert with_property_order("not a schema") == "not a schema"


@pytest.mark.django_db
def test_item_2_a_saved_version_keeps_the_field_order_on_every_database():
    """ITEM-2: after a round trip through the database the portal and the counter forms list fields as written."""
    item = published_item(AgencyFactory(), form_schema=SCHEMA)
    version = ItemVersion.objects.get(pk=item.published_version_id)
    expected = ["mmm", "z", "ab"]
    assert [name for name, _spec in ordered_properties(version.form_schema)] == expected
    assert list(form_class_for(version.form_schema).base_fields) == expected
    counter_form = ApplicationForm(schema=version.form_schema, questions=[], form_data={}, answers={})
    assert [name for name in counter_form.specs] == expected


def test_export_writes_the_schema_as_it_was_written():
    """ITEM-2: exports drop positions that only repeat the order, keeping explicit ones that change it."""
    from tongban.catalogue.form_schema import without_implied_order

    assert without_implied_order(with_property_order(SCHEMA)) == SCHEMA
    explicit = {"type": "object", "properties": {"b": {"type": "string", "propertyOrder": 2},
                                                 "a": {"type": "string", "propertyOrder": 1}}}
    assert list(without_implied_order(explicit)["properties"]) == ["a", "b"]
