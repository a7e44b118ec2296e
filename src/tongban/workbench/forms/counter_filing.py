"""Forms of counter filing (窗口代办, PLAT-1, CASE-6, ITEM-13): the applicant, the item, the window, the
application form generated from the item version's JSON Schema, and the materials.

:class:`ApplicationForm` is a minimal JSON-Schema renderer for the workbench (the
portal has its own; the two layers stay independent). It coerces types only;
whether the data satisfies the schema is decided by ``applications.submit``,
which reports every problem at once with its JSON path.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tongban.agencies.models import Agency
from tongban.cases.models import Document
from tongban.catalogue.form_schema import ordered_properties
from tongban.catalogue.models import Material, SituationQuestion
from tongban.core.identifiers import mask_id_number, mask_phone
from tongban.workbench.forms.base import WorkbenchForm

_TEXT = forms.Textarea(attrs={"rows": 3})
# Form fields the profile pre-fills with personal numbers: shown masked, kept when left empty (SEC-4).
PERSONAL_FIELDS = {"id_number": mask_id_number, "document_number": mask_id_number, "phone": mask_phone,
                   "mobile": mask_phone}
FIELD_PREFIX = "data__"
SITUATION_PREFIX = "situation__"
_BOOLEAN_CHOICES = [("", "—"), ("true", _("是")), ("false", _("否"))]


class ItemSearchForm(WorkbenchForm):
    item_query = forms.CharField(label=_("事项名称或关键词"), max_length=100)


class StartFilingForm(WorkbenchForm):
    """File for the applicant found by ``query`` at one of the clerk's windows."""

    query = forms.CharField(widget=forms.HiddenInput, max_length=24)
    person = forms.IntegerField(widget=forms.HiddenInput)
    item = forms.IntegerField(widget=forms.HiddenInput)
    # Filing for an enterprise (ID-4): one of the applicant's active grants; empty = for the person.
    grant = forms.IntegerField(required=False, widget=forms.HiddenInput)
    window: forms.ModelChoiceField = forms.ModelChoiceField(label=_("受理窗口"), queryset=Agency.objects.none(),
                                                            empty_label=None)

    def __init__(self, *args: Any, windows: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["window"].queryset = windows  # type: ignore[attr-defined]


def _enum_field(values: list[Any], options: dict[str, Any]) -> forms.Field:
    """A choice among the enum's values, given back with their JSON type (``1`` stays a number)."""
    by_text = {str(value): value for value in values}
    return forms.TypedChoiceField(choices=[("", "—"), *[(text, text) for text in by_text]],
                                  coerce=by_text.__getitem__, empty_value=None, **options)


def _json_value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as error:
        raise ValidationError(_("请填写合法的 JSON")) from error


def schema_field(spec: dict[str, Any], *, required: bool) -> forms.Field:
    """One Django field for one JSON-Schema property (never required here: submission checks that)."""
    label = str(spec.get("title") or "")
    options: dict[str, Any] = {"label": _("{label}（必填）").format(label=label) if required else label,
                               "required": False,
                               "help_text": str(spec.get("description") or "")}
    kind = spec.get("type")
    if "enum" in spec and isinstance(spec["enum"], list):
        return _enum_field(spec["enum"], options)
    if kind == "string":
        widget: forms.Widget | None = forms.DateInput(attrs={"type": "date"}) if spec.get("format") == "date" else None
        if widget is None and int(spec.get("maxLength") or 0) > 200:
            widget = _TEXT
        return forms.CharField(max_length=spec.get("maxLength"), widget=widget, **options)
    if kind == "integer":
        return forms.IntegerField(min_value=spec.get("minimum"), max_value=spec.get("maximum"), **options)
    if kind == "number":
        return forms.FloatField(min_value=spec.get("minimum"), max_value=spec.get("maximum"), **options)
    if kind == "boolean":
        return forms.TypedChoiceField(choices=_BOOLEAN_CHOICES, coerce=lambda value: value == "true",
                                      empty_value=None, **options)
    options["help_text"] = options["help_text"] or _("以 JSON 格式填写")
    return forms.CharField(widget=_TEXT, **options)


def _initial(spec: dict[str, Any], value: Any) -> Any:
    if "enum" in spec:
        return str(value)
    if spec.get("type") == "boolean":
        return "true" if value else "false"
    if spec.get("type") not in ("string", "integer", "number"):
        return json.dumps(value, ensure_ascii=False)
    return value


class ApplicationForm(WorkbenchForm):
    """The application form of an item version plus its situation questions, for the counter clerk."""

    def __init__(self, data: Any = None, *, schema: dict[str, Any], questions: Iterable[SituationQuestion],
                 form_data: dict[str, Any], answers: dict[str, list[str]], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.stored = dict(form_data)
        self.specs: dict[str, dict[str, Any]] = dict(ordered_properties(schema))
        required = set((schema or {}).get("required") or [])
        for name, spec in self.specs.items():
            field = schema_field({"title": name, **spec}, required=name in required)
            masker = PERSONAL_FIELDS.get(name)
            if masker is not None and form_data.get(name):
                field.help_text = _("已预填 {masked}；留空则保持不变").format(masked=masker(str(form_data[name])))
            elif name in form_data:
                field.initial = _initial(spec, form_data[name])
            self.fields[FIELD_PREFIX + name] = field
        self.questions = list(questions)
        for question in self.questions:
            choices = [(option.code, option.label) for option in question.options.all()]
            field_class = forms.MultipleChoiceField if question.allows_several else forms.ChoiceField
            widget = forms.CheckboxSelectMultiple if question.allows_several else forms.RadioSelect
            chosen = answers.get(question.code) or []
            self.fields[SITUATION_PREFIX + question.code] = field_class(
                label=question.text, choices=choices, widget=widget, required=False,
                initial=chosen if question.allows_several else (chosen[0] if chosen else None),
            )

    def data_fields(self) -> list[forms.BoundField]:
        return [self[FIELD_PREFIX + name] for name in self.specs]

    def situation_fields(self) -> list[forms.BoundField]:
        return [self[SITUATION_PREFIX + question.code] for question in self.questions]

    def clean(self) -> dict[str, Any]:
        """Parse the free JSON fields (objects, arrays)."""
        cleaned = super().clean() or {}
        for name, spec in self.specs.items():
            key = FIELD_PREFIX + name
            value = cleaned.get(key)
            if spec.get("type") not in ("string", "integer", "number", "boolean") and "enum" not in spec and value:
                try:
                    cleaned[key] = _json_value(value)
                except ValidationError as error:
                    self.add_error(key, error)
        return cleaned

    def form_data(self) -> dict[str, Any]:
        """The form data to save: empty fields left out, pre-filled personal numbers kept when left empty."""
        result: dict[str, Any] = {}
        for name in self.specs:
            value = self.cleaned_data.get(FIELD_PREFIX + name)
            if value in (None, ""):
                if name in PERSONAL_FIELDS and self.stored.get(name):
                    result[name] = self.stored[name]
                continue
            result[name] = value
        return result

    def situation_answers(self) -> dict[str, list[str]]:
        """Question code → chosen option codes, unanswered questions left out."""
        answers: dict[str, list[str]] = {}
        for question in self.questions:
            value = self.cleaned_data.get(SITUATION_PREFIX + question.code)
            chosen = list(value) if isinstance(value, list) else ([value] if value else [])
            if chosen:
                answers[question.code] = chosen
        return answers


class MaterialUploadForm(WorkbenchForm):
    """A file the applicant handed over, scanned at the counter (type and size checked by the service)."""

    file = forms.FileField(label=_("选择文件"))


class LibraryPickForm(WorkbenchForm):
    """Reuse a still-valid document from the applicant's material library (CASE-5)."""

    document: forms.ModelChoiceField = forms.ModelChoiceField(label=_("材料库中的材料"),
                                                              queryset=Document.objects.none(), empty_label=None)

    def __init__(self, *args: Any, documents: Iterable[Document], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [document.pk for document in documents]
        self.fields["document"].queryset = Document.objects.filter(pk__in=ids)  # type: ignore[attr-defined]


class FetchForm(WorkbenchForm):
    """The platform fetches the material (licence or shared data); the clerk notes the number if known."""

    reference = forms.CharField(label=_("证照或数据编号"), max_length=120, required=False)


class CommitmentForm(WorkbenchForm):
    """A notice-and-commitment (告知承诺, CASE-8) the applicant signs at the counter instead of named proofs."""

    text = forms.CharField(label=_("承诺内容"), widget=_TEXT, required=False, max_length=4000)

    def __init__(self, *args: Any, materials: Iterable[Material], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["materials"] = forms.MultipleChoiceField(
            label=_("以承诺替代的材料"), widget=forms.CheckboxSelectMultiple, required=False,
            choices=[(material.code, f"{material.code} {material.name}") for material in materials],
        )
        self.order_fields(["materials", "text"])
