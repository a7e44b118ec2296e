"""The order of an application form's fields (ITEM-2 form schema).

PostgreSQL stores JSON as ``jsonb``, which does not keep the order of object
keys, while a form's fields must appear in the order the guide lists them. So
when a version is saved, every property that does not say where it goes gets a
``propertyOrder`` (its 1-based position as written); the portal and the
workbench render properties sorted by it. ``propertyOrder`` is an annotation
that JSON Schema validators ignore.
"""

from __future__ import annotations

from typing import Any

_UNPLACED = 1_000_000


def with_property_order(schema: Any) -> Any:
    """A copy of ``schema`` in which each object's properties carry their position (nested objects too)."""
    if not isinstance(schema, dict):
        return schema
    result = dict(schema)
    properties = schema.get("properties")
    if isinstance(properties, dict):
        placed = {}
        for position, (name, spec) in enumerate(properties.items(), start=1):
            spec = with_property_order(spec)
            if isinstance(spec, dict) and not isinstance(spec.get("propertyOrder"), int):
                spec = {**spec, "propertyOrder": position}
            placed[name] = spec
        result["properties"] = placed
    if isinstance(schema.get("items"), dict):
        result["items"] = with_property_order(schema["items"])
    return result


def without_implied_order(schema: Any) -> Any:
    """The schema as written: properties in display order, a ``propertyOrder`` that only repeats the position dropped.

    Exports use it, so a guide written without ``propertyOrder`` reads back exactly as it was written.
    """
    if not isinstance(schema, dict):
        return schema
    result = dict(schema)
    if isinstance(schema.get("properties"), dict):
        written = {}
        for position, (name, spec) in enumerate(ordered_properties(schema), start=1):
            spec = without_implied_order(spec)
            if spec.get("propertyOrder") == position:
                spec = {key: value for key, value in spec.items() if key != "propertyOrder"}
            written[name] = spec
        result["properties"] = written
    if isinstance(schema.get("items"), dict):
        result["items"] = without_implied_order(schema["items"])
    return result


def ordered_properties(schema: dict[str, Any] | None) -> list[tuple[str, dict[str, Any]]]:
    """The schema's properties in display order: by ``propertyOrder`` where given, else as stored."""
    properties = [(str(name), spec) for name, spec in ((schema or {}).get("properties") or {}).items()
                  if isinstance(spec, dict)]
    return sorted(properties, key=lambda pair: _position(pair[1]))


def _position(spec: dict[str, Any]) -> int:
    value = spec.get("propertyOrder")
    return value if isinstance(value, int) and not isinstance(value, bool) else _UNPLACED
