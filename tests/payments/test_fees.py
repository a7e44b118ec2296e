"""ITEM-3: fees are a fixed amount or a machine-readable rule over the form; the catalogue refuses a bad rule."""

from __future__ import annotations

import pytest

from tests.factories import AgencyFactory, item_document
from tongban.catalogue.services import guides
from tongban.core.errors import TongbanError, ValidationProblems
from tongban.payments.services import fees

RULE = {"field": "copies", "per_unit_fen": 1000, "base_fen": 500, "free_units": 1, "max_fen": 3000}


@pytest.mark.parametrize(("copies", "amount"), [(0, 500), (1, 500), (2, 1500), (3, 2500), (9, 3000), ("4", 3000)])
def test_item_3_a_rule_computes_the_amount_from_the_form(copies, amount):
    """ITEM-3: base + per unit beyond the free ones, capped (a digit string counts as its number)."""
    assert fees.fee_amount({"name": "副本费", "rule": RULE}, {"copies": copies}) == amount


def test_item_3_a_fixed_amount_wins_and_free_fees_are_left_out():
    """ITEM-3: amount_fen is charged as is; a fee that comes to 0 makes no order line."""
    lines = fees.compute_lines([{"name": "工本费", "amount_fen": 2000, "rule": "首次免费"},
                                {"name": "副本费", "rule": {"field": "copies", "per_unit_fen": 100}}], {"copies": 0})
    assert lines == [{"name": "工本费", "revenue_code": "", "amount_fen": 2000, "basis": ""}]


@pytest.mark.parametrize("value", [-1, "many", True, None, 1.5])
def test_item_3_a_bad_form_value_is_refused(value):
    """ITEM-3: the counted field must hold a non-negative integer."""
    with pytest.raises(TongbanError) as refused:
        fees.fee_amount({"name": "副本费", "rule": RULE}, {"copies": value} if value is not None else {"copies": None})
    assert refused.value.code == "PAYMENTS_FEE_FIELD_INVALID"


def test_item_3_a_fee_without_amount_or_rule_object_is_not_computable():
    """ITEM-3: a description alone cannot be charged online."""
    with pytest.raises(TongbanError) as refused:
        fees.fee_amount({"name": "检测费", "amount_fen": None, "rule": "按检测项目计费"}, {})
    assert refused.value.code == "PAYMENTS_FEE_NOT_COMPUTABLE"


@pytest.mark.parametrize(("rule", "problem"), [
    ({"per_unit_fen": 100}, "field 须为申请表字段名"),
    ({"field": "copies"}, "per_unit_fen 须为 0 至 100000000000 的整数"),
    ({"field": "copies", "per_unit_fen": -5}, "per_unit_fen 须为 0 至 100000000000 的整数"),
    ({"field": "copies", "per_unit_fen": 5, "eval": "1+1"}, "未知的键 eval"),
    ({"field": "__import__('os')", "per_unit_fen": 5}, "field 须为申请表字段名"),
])
def test_item_3_invalid_rules_are_named(rule, problem):
    """ITEM-3: the rule is data, never code: unknown keys and non-field names are refused."""
    assert problem in fees.rule_problems(rule)


@pytest.mark.django_db
def test_item_3_the_catalogue_refuses_a_guide_with_an_invalid_fee_rule():
    """ITEM-3: saving a guide checks its machine-readable fee rule with the payments module's rules."""
    document = item_document(AgencyFactory(), fees=[{"name": "副本费", "amount_fen": None,
                                                     "rule": {"field": "copies", "per_unit_fen": "10"}}])
    with pytest.raises(ValidationProblems) as refused:
        guides.save_item_document(document, actor_label="test")
    assert [problem["path"] for problem in refused.value.problems] == ["$.guide.fees[0].rule"]


@pytest.mark.django_db
def test_item_3_the_catalogue_accepts_a_valid_fee_rule():
    """ITEM-3: a valid rule is stored as given and described in the guide."""
    document = item_document(AgencyFactory(), fees=[{"name": "副本费", "amount_fen": None,
                                                     "rule": {**RULE, "description": "每份 10 元"}}])
    version = guides.save_item_document(document, actor_label="test")
    assert version.fees[0]["rule"]["per_unit_fen"] == 1000
    assert fees.describe_rule(version.fees[0]["rule"]) == "每份 10 元"
