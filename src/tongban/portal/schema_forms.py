"""Application forms generated at run time from an item version's JSON Schema (CASE-1).

An item's form is published as a JSON Schema object (``form_schema``). The
portal turns each property into a Django field: a string becomes a text input
(a select with ``enum``, a date input with ``format: date``, a text area when
``maxLength`` is long), an integer or number a number input with its
``minimum``/``maximum``, a boolean a checkbox; any other type is shown as text.
``title`` is the label, ``description`` the help text.

The form only shapes input. Drafts may be saved half-filled, so by default a
schema-``required`` property is marked as required but not enforced; the case
service validates the stored data against the schema on submission and its
problems (paths like ``$.field``) are put back next to the fields with
:func:`attach_problems`.
"""

from __future__ import annotations

import datetime
import decimal
import re
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from tongban.catalogue.form_schema import ordered_properties
from tongban.portal.enterprise_forms import PortalForm

# A text input is enough up to this many characters; longer answers get a text area.
TEXT_AREA_FROM = 200
# jsonschema's message for a missing required property names the property.
FIELD_PATH = re.compile(r"^\$\.(?P<name>[A-Za-z_][A-Za-z0-9_-]*)")


class SchemaForm(PortalForm):
    """Base of the generated forms; ``schema`` and ``required_names`` are set on each generated class."""

    schema: dict[str, Any] = {}
    required_names: frozenset[str] = frozenset()

    def form_data(self) -> dict[str, Any]:
        """The cleaned data as JSON for ``save_draft(form_data=...)``: empty answers left out, dates as ISO text."""
        data: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if value is None or value == "":
                continue
            if isinstance(value, datetime.date):
                value = value.isoformat()
            elif isinstance(value, decimal.Decimal):
                value = int(value) if value == value.to_integral_value() else float(value)
            data[name] = value
        return data


def _schema_type(spec: Mapping[str, Any]) -> str:
    kind = spec.get("type", "string")
    if isinstance(kind, list):
        kind = next((entry for entry in kind if entry != "null"), "string")
    return str(kind)


def _common(name: str, spec: Mapping[str, Any], required: bool, enforce: bool) -> dict[str, Any]:
    label = str(spec.get("title") or name)
    return {"label": label, "help_text": str(spec.get("description") or ""), "required": required and enforce}


def _string_field(spec: Mapping[str, Any], options: dict[str, Any]) -> forms.Field:
    if "enum" in spec:
        choices = [("", _("请选择"))] + [(str(value), str(value)) for value in spec["enum"]]
        return forms.ChoiceField(choices=choices, **options)
    if spec.get("format") == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **options)
    if spec.get("format") == "email":
        return forms.EmailField(max_length=spec.get("maxLength"), **options)
    max_length = spec.get("maxLength")
    widget = forms.Textarea(attrs={"rows": 4}) if max_length is not None and max_length > TEXT_AREA_FROM else None
    field = forms.CharField(max_length=max_length, min_length=spec.get("minLength"), strip=True,
                            widget=widget, **options)
    if spec.get("pattern"):
        field.validators.append(RegexValidator(spec["pattern"], _("格式不正确")))
    return field


def field_for(name: str, spec: Mapping[str, Any], *, required: bool = False, enforce_required: bool = True
              ) -> forms.Field:
    """The Django field for one schema property."""
    options = _common(name, spec, required, enforce_required)
    kind = _schema_type(spec)
    if kind == "boolean":
        options["required"] = False  # an unticked box is an answer (False), not a missing one
        field: forms.Field = forms.BooleanField(**options)
    elif kind == "integer":
        field = forms.IntegerField(min_value=spec.get("minimum"), max_value=spec.get("maximum"), **options)
    elif kind == "number":
        field = forms.DecimalField(min_value=spec.get("minimum"), max_value=spec.get("maximum"), **options)
    elif kind == "string":
        field = _string_field(spec, options)
    else:
        field = forms.CharField(**options)
    if required:
        field.widget.attrs["aria-required"] = "true"
    field.schema_required = required  # type: ignore[attr-defined]
    return field


def form_class_for(schema: Mapping[str, Any] | None, *, enforce_required: bool = True) -> type[SchemaForm]:
    """A form class with one field per property of ``schema`` (in display order, see ``ordered_properties``).

    ``enforce_required=False`` lets a draft be saved before every required
    property is answered; the submission check reports what is still missing.
    """
    schema = dict(schema or {})
    required_names = frozenset(str(name) for name in schema.get("required") or ())
    # In the guide's order: jsonb does not keep key order, propertyOrder does (catalogue.form_schema).
    fields = {
        name: field_for(name, spec, required=name in required_names, enforce_required=enforce_required)
        for name, spec in ordered_properties(schema)
    }
    attributes: dict[str, Any] = {**fields, "schema": schema, "required_names": required_names}
    return type("GeneratedSchemaForm", (SchemaForm,), attributes)


def field_name_of(problem: Mapping[str, Any], names: set[str] | frozenset[str]) -> str | None:
    """The form field a submission problem concerns (``$.field…``; a missing field is reported at its path)."""
    match = FIELD_PATH.match(str(problem.get("path") or ""))
    if match and match.group("name") in names:
        return match.group("name")
    return None


def problem_message(problem: Mapping[str, Any], field_name: str | None) -> str:
    """The problem in words: the service already words it for the applicant (cases.services.form_problems)."""
    return str(problem.get("message") or problem.get("code") or "")


def attach_problems(form: SchemaForm, problems: list[dict[str, Any]]) -> list[str]:
    """Put the service's schema problems next to the fields of a bound form; returns those without a field."""
    names = set(form.fields)
    unplaced: list[str] = []
    for problem in problems:
        field_name = field_name_of(problem, names)
        message = problem_message(problem, field_name)
        if field_name is None:
            unplaced.append(message)
        else:
            form.add_error(field_name, message)
    return unplaced


def bound_from_stored(form_class: type[SchemaForm], stored: Mapping[str, Any]) -> SchemaForm:
    """A form bound to the stored draft data (so problems can be attached), already validated."""
    form = form_class(data={name: value for name, value in stored.items() if name in form_class.base_fields})
    form.is_valid()
    return form
