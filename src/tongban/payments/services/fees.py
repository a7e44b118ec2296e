"""Fee computation (ITEM-3): a fixed amount, or a machine-readable rule over the case's form fields.

A rule is a small JSON object, never code::

    {"field": "copies", "per_unit_fen": 1000, "base_fen": 0, "free_units": 0, "max_fen": 50000,
     "description": "每份 10 元"}

amount = base_fen + per_unit_fen × max(0, form[field] − free_units), capped at max_fen.
Only ``field`` and ``per_unit_fen`` are required; ``description`` is the words shown in the guide.
A plain string ``rule`` is a description only: such a fee must also carry ``amount_fen``.
"""

from __future__ import annotations

import re
from typing import Any

from tongban.core.errors import TongbanError
from tongban.payments.errors import PaymentError

RULE_KEYS = {"field", "per_unit_fen", "base_fen", "free_units", "max_fen", "description"}
FIELD_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
LIMIT_FEN = 10**11  # one billion yuan: anything larger is a typing error


def rule_problems(rule: Any) -> list[str]:
    """What is wrong with a machine-readable rule (an empty list when it is valid)."""
    if not isinstance(rule, dict):
        return ["计费规则须为对象"]
    problems = [f"未知的键 {key}" for key in sorted(set(rule) - RULE_KEYS)]
    if not isinstance(rule.get("field"), str) or not FIELD_PATTERN.match(rule["field"]):
        problems.append("field 须为申请表字段名")
    for key in ("per_unit_fen", "base_fen", "free_units", "max_fen"):
        value = rule.get(key)
        if value is None and key != "per_unit_fen":
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= LIMIT_FEN:
            problems.append(f"{key} 须为 0 至 {LIMIT_FEN} 的整数")
    if "description" in rule and not isinstance(rule["description"], str):
        problems.append("description 须为文字")
    return problems


def validate_rule(rule: Any) -> None:
    """Refuse an invalid rule with PAYMENTS_FEE_RULE_INVALID."""
    problems = rule_problems(rule)
    if problems:
        raise TongbanError(PaymentError.FEE_RULE_INVALID, detail="；".join(problems))


def is_computable(fee: dict[str, Any]) -> bool:
    """A fee the platform can charge online: a fixed amount or a valid rule."""
    return isinstance(fee.get("amount_fen"), int) or (isinstance(fee.get("rule"), dict)
                                                      and not rule_problems(fee["rule"]))


def fee_amount(fee: dict[str, Any], form_data: dict[str, Any]) -> int:
    """The amount in fen of one fee entry for this form."""
    fixed = fee.get("amount_fen")
    if isinstance(fixed, int) and not isinstance(fixed, bool):
        return fixed
    rule = fee.get("rule")
    if not isinstance(rule, dict) or rule_problems(rule):
        raise TongbanError(PaymentError.FEE_NOT_COMPUTABLE, name=fee.get("name", ""))
    units = form_data.get(rule["field"], 0)
    if isinstance(units, str) and units.strip().isdigit():
        units = int(units)
    if isinstance(units, bool) or not isinstance(units, int) or units < 0:
        raise TongbanError(PaymentError.FEE_FIELD_INVALID, field=rule["field"], name=fee.get("name", ""),
                           form_field=rule["field"])
    amount = int(rule.get("base_fen") or 0) + rule["per_unit_fen"] * max(0, units - int(rule.get("free_units") or 0))
    if rule.get("max_fen") is not None:
        amount = min(amount, rule["max_fen"])
    return amount


def compute_lines(fees: list[dict[str, Any]], form_data: dict[str, Any]) -> list[dict[str, Any]]:
    """The order lines for an item version's fees and a case's form; fees that come to 0 are left out."""
    lines = []
    for fee in fees:
        amount = fee_amount(fee, form_data)
        if amount > 0:
            lines.append({"name": fee.get("name", ""), "revenue_code": fee.get("revenue_code") or "",
                          "amount_fen": amount, "basis": fee.get("basis") or ""})
    return lines


def describe_rule(rule: Any) -> str:
    """The words of a rule for the guide page (its description, or the arithmetic spelled out)."""
    if isinstance(rule, str):
        return rule
    if not isinstance(rule, dict):
        return ""
    if rule.get("description"):
        return str(rule["description"])
    return f"按 {rule.get('field')} 每单位 {int(rule.get('per_unit_fen') or 0) / 100:.2f} 元"
