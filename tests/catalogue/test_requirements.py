"""Catalogue requirements that cut across modules: item types, citywide handling, integration modes."""

from __future__ import annotations

import pytest

from tests.factories import AgencyFactory, item_document, published_item
from tongban.catalogue.models.choices import IntegrationMode, ItemType
from tongban.catalogue.search import search
from tongban.catalogue.services.guides import check_item_document

pytestmark = pytest.mark.django_db


def test_item_1_every_item_type_has_its_own_code_prefix():
    """ITEM-1: the administrative-power types and public service each open basic codes with their own digits."""
    prefixes = [item_type.code_prefix for item_type in ItemType]
    assert prefixes == ["01", "02", "03", "04", "05", "06", "07", "08"]
    assert [item_type.is_administrative_power for item_type in ItemType].count(False) == 1


def test_item_1_public_service_items_name_their_field():
    """ITEM-1: public-service items belong to a field (education, employment, social insurance …)."""
    document = item_document(AgencyFactory(), item_type="public_service")
    assert check_item_document(document) == []
    document["basic_item"]["public_service_field"] = ""
    assert [problem["path"] for problem in check_item_document(document)] == ["$.basic_item.public_service_field"]


def test_item_13_citywide_items_are_found_by_the_citywide_filter_and_say_so(client):
    """ITEM-13: personal items handled citywide (全市通办) are flagged, searchable and shown as such."""
    agency = AgencyFactory()
    citywide = published_item(agency, name="居住证签注", is_citywide=True)
    published_item(agency, name="居住证申领", is_citywide=False)
    page = search("居住证", citywide=True)
    assert [item.pk for item in page.results] == [citywide.pk]
    response = client.get(f"/items/{citywide.implementation_code}/")
    assert "全市通办" in response.content.decode()


def test_plat_3_integration_mode_is_part_of_the_published_guide(client):
    """PLAT-3: each item records whether it is handled in the platform (mode 2) or the agency's system (mode 3)."""
    item = published_item(AgencyFactory(), integration_mode=3)
    assert item.published_version.integration_mode == IntegrationMode.AGENCY_SYSTEM
    response = client.get(f"/api/v1/catalogue/items/{item.implementation_code}")
    assert response.json()["guide"]["integration_mode"] == 3
