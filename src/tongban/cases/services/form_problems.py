"""Problems of an application form against its version's JSON Schema, told in the applicant's language.

jsonschema words its messages in English for developers ("'reason' is a
required property"); applicants read "请填写“申请事由”". Each problem names the
field by its JSON path (``$.reason``, ``$.members[0].name``) and by the title
the guide gives it, with the rule it breaks; a missing field is reported at the
field's own path, not at the enclosing object's.
"""

from __future__ import annotations

import json
from typing import Any

import jsonschema
from django.utils.translation import gettext, gettext_noop

from tongban.cases.errors import CaseError

_TYPE_NAMES = {
    "string": gettext_noop("文字"), "integer": gettext_noop("整数"), "number": gettext_noop("数字"),
    "boolean": gettext_noop("是或否"), "array": gettext_noop("列表"), "object": gettext_noop("一组内容"),
    "null": gettext_noop("空值"),
}
# Validators cached per schema text: a published version's schema never changes, and building a validator
# (meta-schema check, reference resolution) costs more than validating a form.
_validators: dict[str, jsonschema.protocols.Validator] = {}
_VALIDATOR_CACHE_SIZE = 2048


def _validator(schema: dict[str, Any]) -> jsonschema.protocols.Validator:
    key = json.dumps(schema, sort_keys=True, ensure_ascii=False)
    validator = _validators.get(key)
    if validator is None:
        if len(_validators) >= _VALIDATOR_CACHE_SIZE:
            _validators.clear()
        validator = _validators[key] = jsonschema.Draft202012Validator(schema)
    return validator


def _path(parts: list[Any]) -> str:
    return "$" + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in parts)


def _title(schema: dict[str, Any], name: Any) -> str:
    if isinstance(schema, dict) and schema.get("title"):
        return str(schema["title"])
    return str(name) if name is not None else gettext("申请表")


def _message(error: jsonschema.ValidationError, title: str) -> str:
    """The rule ``error`` breaks, in words for the applicant."""
    rule, value = error.validator, error.validator_value
    texts = {
        "type": lambda: gettext("“%(title)s”应为%(kind)s") % {
            "title": title, "kind": gettext("或").join(gettext(_TYPE_NAMES.get(kind) or str(kind))
                                              for kind in (value if isinstance(value, list) else [value]))},
        "enum": lambda: gettext("“%(title)s”只能选择：%(options)s") % {
            "title": title, "options": "、".join(str(option) for option in value)},
        "const": lambda: gettext("“%(title)s”只能是：%(option)s") % {"title": title, "option": value},
        "minLength": lambda: (gettext("请填写“%(title)s”") % {"title": title} if value == 1 else
                              gettext("“%(title)s”至少 %(count)s 个字") % {"title": title, "count": value}),
        "maxLength": lambda: gettext("“%(title)s”不能超过 %(count)s 个字") % {"title": title, "count": value},
        "pattern": lambda: gettext("“%(title)s”的格式不正确") % {"title": title},
        "format": lambda: gettext("“%(title)s”的格式不正确") % {"title": title},
        "minimum": lambda: gettext("“%(title)s”不能小于 %(limit)s") % {"title": title, "limit": value},
        "maximum": lambda: gettext("“%(title)s”不能大于 %(limit)s") % {"title": title, "limit": value},
        "exclusiveMinimum": lambda: gettext("“%(title)s”必须大于 %(limit)s") % {"title": title, "limit": value},
        "exclusiveMaximum": lambda: gettext("“%(title)s”必须小于 %(limit)s") % {"title": title, "limit": value},
        "minItems": lambda: gettext("“%(title)s”至少填写 %(count)s 项") % {"title": title, "count": value},
        "maxItems": lambda: gettext("“%(title)s”最多填写 %(count)s 项") % {"title": title, "count": value},
        "uniqueItems": lambda: gettext("“%(title)s”中有重复的内容") % {"title": title},
        "additionalProperties": lambda: gettext("申请表中有本事项不需要的内容，请删除后再提交"),
    }
    text = texts.get(str(rule))
    return text() if text is not None else gettext("“%(title)s”填写不正确") % {"title": title}


def form_problems(schema: dict[str, Any], data: Any) -> list[dict[str, Any]]:
    """Every problem of ``data`` against ``schema``: ``{path, code, message}``, in path order, messages translated."""
    problems: list[tuple[list[Any], str]] = []
    reported_missing: set[tuple[Any, ...]] = set()
    for error in _validator(schema or {"type": "object"}).iter_errors(data):
        parts = list(error.absolute_path)
        if error.validator == "required":
            # jsonschema raises one error per missing name, each carrying the whole "required" list.
            missing = [name for name in error.validator_value
                       if isinstance(error.instance, dict) and name not in error.instance]
            properties = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
            for name in missing:
                if (*parts, name) in reported_missing:
                    continue
                reported_missing.add((*parts, name))
                title = _title(properties.get(name, {}), name)
                problems.append((parts + [name], gettext("请填写“%(title)s”") % {"title": title}))
            continue
        name = parts[-1] if parts else None
        problems.append((parts, _message(error, _title(error.schema, name))))
    problems.sort(key=lambda problem: [str(part) for part in problem[0]])
    return [{"path": _path(parts), "code": CaseError.FORM_INVALID.code, "message": message}
            for parts, message in problems]
