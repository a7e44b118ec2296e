"""Scope rules of enterprise grants (ID-4): what a grant covers, and whether a new grant stays inside its parent.

A scope is a :class:`GrantScope` with its values, from widest to narrowest:

* ``all_items`` – no values;
* ``item_types`` – item-type codes of the catalogue (``licensing``, ``filing`` …);
* ``items`` – implementation codes of service items.

The identity module sits below the catalogue and may not read it, so it cannot
tell on its own which item type an item belongs to. Callers that can (the
portal) pass ``item_type_of(implementation_code) -> item type | None``; without
it, narrowing an item-type grant down to named items is refused rather than
guessed, and named items are not checked for existence.

These functions only compute and raise :class:`TongbanError`; they touch no
database, so the services call them before changing anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.utils.translation import gettext

from tongban.core.errors import TongbanError
from tongban.identity.errors import IdentityError
from tongban.identity.models import GrantScope

ItemTypeOf = Callable[[str], str | None]

MAX_SCOPE_VALUES = 200
VALUE_PATTERN = re.compile(r"^[A-Za-z0-9_]{1,40}$")


def _invalid(detail: str) -> TongbanError:
    return TongbanError(IdentityError.GRANT_SCOPE_INVALID, field="scope_values", detail=detail)


def _wider(detail: str) -> TongbanError:
    return TongbanError(IdentityError.GRANT_WIDER_THAN_PARENT, field="scope", detail=detail)


def normalise_scope(scope: str, values: Iterable[str] | None) -> list[str]:
    """The scope's values cleaned (trimmed, de-duplicated, sorted), or a refusal.

    ``all_items`` takes no values (any given are a mistake and refused); the
    narrower scopes need at least one and at most :data:`MAX_SCOPE_VALUES`.
    """
    if scope not in GrantScope.values:
        raise _invalid(gettext("未知的授权范围“{scope}”").format(scope=scope))
    cleaned = sorted({str(value).strip() for value in (values or []) if str(value).strip()})
    if scope == GrantScope.ALL_ITEMS:
        if cleaned:
            raise _invalid(gettext("“全部事项”不需要指定事项类型或事项"))
        return []
    if not cleaned:
        raise _invalid(gettext("请至少指定一项“{scope}”").format(scope=GrantScope(scope).label))
    if len(cleaned) > MAX_SCOPE_VALUES:
        raise _invalid(gettext("最多指定{count}项").format(count=MAX_SCOPE_VALUES))
    malformed = [value for value in cleaned if not VALUE_PATTERN.match(value)]
    if malformed:
        raise _invalid(gettext("“{value}”不是有效的编码").format(value=malformed[0]))
    return cleaned


def check_items_known(values: Iterable[str], item_type_of: ItemTypeOf | None) -> None:
    """Refuse implementation codes the catalogue does not know (only when the caller can ask it)."""
    if item_type_of is None:
        return
    for code in values:
        if item_type_of(code) is None:
            raise TongbanError(IdentityError.GRANT_ITEM_UNKNOWN, field="scope_values", code=code)


def check_within(
    parent_scope: str,
    parent_values: Iterable[str],
    scope: str,
    values: Iterable[str],
    item_type_of: ItemTypeOf | None = None,
) -> None:
    """Refuse with ``IDENTITY_GRANT_WIDER_THAN_PARENT`` unless (scope, values) lies within the parent's."""
    parent_set = set(parent_values)
    value_set = set(values)
    if parent_scope == GrantScope.ALL_ITEMS:
        return
    if scope == GrantScope.ALL_ITEMS:
        raise _wider(gettext("您只能授予自己范围内的事项，不能授予“全部事项”"))
    if parent_scope == GrantScope.ITEM_TYPES:
        if scope == GrantScope.ITEM_TYPES:
            outside = sorted(value_set - parent_set)
            if outside:
                raise _wider(gettext("事项类型{values}不在您的授权范围内").format(values="、".join(outside)))
            return
        if item_type_of is None:
            raise _wider(gettext("无法确认所选事项属于您被授权的事项类型"))
        for code in sorted(value_set):
            item_type = item_type_of(code)
            if item_type is None:
                raise TongbanError(IdentityError.GRANT_ITEM_UNKNOWN, field="scope_values", code=code)
            if item_type not in parent_set:
                raise _wider(gettext("事项{code}的类型不在您的授权范围内").format(code=code))
        return
    # The parent names items: only a subset of those items fits inside it.
    if scope != GrantScope.ITEMS:
        raise _wider(gettext("您只被授权办理指定事项，不能授予整个事项类型"))
    outside = sorted(value_set - parent_set)
    if outside:
        raise _wider(gettext("事项{values}不在您的授权范围内").format(values="、".join(outside)))


def covers(scope: str, values: Iterable[str], implementation_code: str, item_type: str) -> bool:
    """True when a grant with (scope, values) covers the item ``implementation_code`` of type ``item_type``."""
    if scope == GrantScope.ALL_ITEMS:
        return True
    if scope == GrantScope.ITEM_TYPES:
        return item_type in set(values)
    if scope == GrantScope.ITEMS:
        return implementation_code in set(values)
    return False
