"""Guide documents: every element of ITEM-2 is kept, every problem is named, nothing half-written."""

from __future__ import annotations

import pytest

from tests.factories import AgencyFactory, item_document
from tongban.catalogue.models import BasicItem, ItemVersion, ServiceItem
from tongban.catalogue.models.choices import VersionState
from tongban.catalogue.services.guides import (
    Limit,
    check_item_document,
    completeness_problems,
    promised_exceeds_statutory,
    save_item_document,
)
from tongban.catalogue.services.guides import (
    item_document as document_of,
)
from tongban.core.errors import ValidationProblems

pytestmark = pytest.mark.django_db


def _codes(problems: list[dict]) -> list[tuple[str, str]]:
    return [(problem["path"], problem["code"]) for problem in problems]


def test_item_2_guide_round_trips_every_element():
    """ITEM-2: a saved guide reads back exactly as written: limits with units, materials, situations, fees."""
    # given a guide with an absent statutory limit, a fee and a situational material
    agency = AgencyFactory()
    document = item_document(
        agency,
        statutory_limit=None,
        fees=[{"name": "工本费", "revenue_code": "103050", "amount_fen": 2000, "rule": "", "basis": "沪价费"}],
    )
    # when it is saved
    version = save_item_document(document, actor_label="tester")
    # then the exchange format of the stored version equals the input guide
    stored = document_of(version, with_status=False)
    assert stored["guide"] == {**document["guide"], "statutory_limit": None}
    assert stored["basic_item"]["basic_code"] == document["basic_item"]["basic_code"]
    assert version.state == VersionState.DRAFT
    assert version.number == 1


def test_item_2_situation_answers_select_the_material_list():
    """ITEM-2: situations select finer material lists."""
    version = save_item_document(item_document(AgencyFactory()), actor_label="tester")
    assert [m.code for m in version.materials_for({})] == ["M01", "M02"]
    assert [m.code for m in version.materials_for({"Q1": ["A"]})] == ["M01", "M02"]
    assert [m.code for m in version.materials_for({"Q1": ["B"]})] == ["M01", "M02", "M03"]


def test_item_2_on_the_spot_item_without_statutory_limit_is_valid():
    """ITEM-2: 即办件 concluded on the spot, with no statutory limit, are real guides too."""
    document = item_document(
        AgencyFactory(), handling_kind="on_the_spot", promised_limit={"unit": "on_the_spot"}, statutory_limit=None
    )
    assert check_item_document(document) == []


@pytest.mark.parametrize(
    ("promised", "statutory", "exceeds"),
    [
        (Limit(5, "working_days"), Limit(20, "working_days"), False),
        (Limit(21, "working_days"), Limit(20, "working_days"), True),
        (Limit(20, "calendar_days"), Limit(20, "working_days"), False),
        (Limit(20, "working_days"), Limit(20, "calendar_days"), True),
        (Limit(5, "working_days"), Limit(7, "calendar_days"), False),
        (Limit(None, "on_the_spot"), Limit(1, "working_days"), False),
        (Limit(1, "working_days"), Limit(None, "on_the_spot"), True),
        (Limit(30, "working_days"), None, False),
    ],
)
def test_promised_limit_compared_with_statutory_across_units(promised, statutory, exceeds):
    assert promised_exceeds_statutory(promised, statutory) is exceeds


def test_item_2_every_problem_is_reported_at_once_with_its_path():
    """ITEM-2: a guide with several faults reports all of them, and nothing is written."""
    # given a document with a malformed basic code, promised > statutory and an unknown situation key
    agency = AgencyFactory()
    document = item_document(agency, basic_code="0100000001AAA")
    document["guide"]["promised_limit"] = {"value": 30, "unit": "working_days"}
    document["guide"]["materials"][2]["situation_options"] = ["Q9.Z"]
    # when it is saved
    with pytest.raises(ValidationProblems) as refusal:
        save_item_document(document, actor_label="tester")
    # then every problem is named and nothing exists
    assert refusal.value.code == "CATALOGUE_GUIDE_INVALID"
    assert _codes(refusal.value.problems) == [
        ("$.basic_item.basic_code", "CATALOGUE_BASIC_CODE_MALFORMED"),
        ("$.implementation_code", "CATALOGUE_IMPLEMENTATION_CODE_MALFORMED"),
        ("$.guide.promised_limit", "CATALOGUE_PROMISED_OVER_STATUTORY"),
        ("$.guide.materials[2].situation_options[0]", "CATALOGUE_SITUATION_UNKNOWN"),
    ]
    assert BasicItem.objects.count() == 0
    assert ServiceItem.objects.count() == 0


def test_structural_problems_carry_json_paths():
    document = item_document(AgencyFactory())
    document["guide"]["in_person_trips"] = -1
    del document["guide"]["conditions"]
    problems = check_item_document(document)
    assert [path for path, _code in _codes(problems)] == ["$.guide", "$.guide.in_person_trips"]
    assert {code for _path, code in _codes(problems)} == {"CATALOGUE_FORMAT_INVALID"}


def test_item_2_basic_code_clash_is_refused():
    """ITEM-2: the same basic code means the same name, type and legal basis everywhere."""
    # given a district agency that reuses a city item's basic code with another name
    city = AgencyFactory()
    district = AgencyFactory(level="district", parent=city, region_code="310115")
    save_item_document(item_document(city, basic_code="010000001000", name="居住证申领"), actor_label="t")
    clashing = item_document(district, basic_code="010000001000", name="居住证办理")
    # when it is saved, then it is refused naming the field that differs
    with pytest.raises(ValidationProblems) as refusal:
        save_item_document(clashing, actor_label="t")
    assert _codes(refusal.value.problems) == [("$.basic_item", "CATALOGUE_BASIC_CODE_CLASH")]
    assert "名称" in refusal.value.problems[0]["message"]
    # and reusing it with the same fields is allowed: one basic item, two implementations
    save_item_document(item_document(district, basic_code="010000001000", name="居住证申领"), actor_label="t")
    assert BasicItem.objects.count() == 1
    assert ServiceItem.objects.filter(basic_item__basic_code="010000001000").count() == 2


def test_item_2_implementation_code_must_match_basic_code_and_agency():
    """ITEM-2: the implementation code is the basic code, the agency's credit code and a unit number."""
    agency, other = AgencyFactory(), AgencyFactory()
    document = item_document(agency)
    document["implementation_code"] = document["basic_item"]["basic_code"] + other.uscc + "01"
    assert _codes(check_item_document(document)) == [
        ("$.implementation_code", "CATALOGUE_IMPLEMENTATION_CODE_MISMATCH")
    ]


def test_item_2_one_agency_cannot_implement_the_same_unit_twice():
    """ITEM-2: a second implementation code for the same agency, item and business unit is refused."""
    agency = AgencyFactory()
    first = item_document(agency, basic_code="010000002000")
    save_item_document(first, actor_label="t")
    second = item_document(agency, basic_code="010000002000", unit_number=2)
    second["business_unit"] = first["business_unit"]
    assert _codes(check_item_document(second)) == [("$.business_unit", "CATALOGUE_IMPLEMENTATION_DUPLICATE_UNIT")]


def test_basic_code_prefix_must_match_item_type():
    document = item_document(AgencyFactory(), basic_code="020000003000", item_type="licensing")
    document["implementation_code"] = "020000003000" + document["implementation_code"][12:]
    assert _codes(check_item_document(document)) == [("$.basic_item.basic_code", "CATALOGUE_BASIC_CODE_TYPE_MISMATCH")]


def test_invalid_form_schema_is_refused():
    document = item_document(AgencyFactory(), form_schema={"type": "no-such-type"})
    assert _codes(check_item_document(document)) == [("$.guide.form_schema", "CATALOGUE_FORM_SCHEMA_INVALID")]


def test_on_the_spot_handling_needs_an_on_the_spot_limit():
    document = item_document(AgencyFactory(), handling_kind="on_the_spot")
    assert _codes(check_item_document(document)) == [("$.guide.handling_kind", "CATALOGUE_LIMIT_INCONSISTENT")]


def test_item_4_completeness_requires_an_optimisation_record():
    """ITEM-4: an item opens only with an optimisation record (materials removed and why, trips, steps)."""
    version = save_item_document(item_document(AgencyFactory(), optimisation_record={}), actor_label="t")
    assert _codes(completeness_problems(version)) == [
        ("guide.optimisation_record", "CATALOGUE_OPTIMISATION_RECORD_MISSING")
    ]


def test_saving_again_rewrites_the_draft_in_place():
    agency = AgencyFactory()
    document = item_document(agency)
    first = save_item_document(document, actor_label="t")
    document["guide"]["conditions"] = "新的受理条件"
    second = save_item_document(document, actor_label="t")
    assert second.pk == first.pk
    assert ItemVersion.objects.get(pk=first.pk).conditions == "新的受理条件"
    assert second.materials.count() == 3
