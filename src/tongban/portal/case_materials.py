"""The materials step of the apply wizard and the review summary (CASE-5, CASE-8, ITEM-9).

For each material the situation answers call for, the applicant can upload a
file (it goes into the material library and is attached), reuse a still-valid
document of the library filed under the material's name, let the platform fetch
it where the guide says a licence or shared data replaces it, or sign a
commitment where the guide allows one. Leaving the form step reuses the library
automatically: what was already submitted and is still valid is never asked
again (CASE-5).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.forms import Form
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongban.cases.errors import CaseError
from tongban.cases.models import Case, CaseMaterial, Document, MaterialProvision
from tongban.cases.services import applications, documents
from tongban.catalogue.models import Material
from tongban.core.errors import TongbanError
from tongban.identity.models import Person
from tongban.portal.case_forms import CommitmentForm, MaterialUploadForm, ReuseForm, commitment_text
from tongban.portal.schema_forms import attach_problems, bound_from_stored, form_class_for

# Until the data-sharing module lands, a fetched shared-data material records what will be fetched.
SHARED_DATA_REFERENCE = "待数据共享调取：{kind}"
REFERENCE_MAX = 120
FETCH_NOTE = gettext_lazy(
    "由平台调取的材料无需上传：电子证照经您同意后从您名下的有效证照中调取，办件记录所用证照编号；"
    "共享数据由平台从数据共享系统获取。"
)


@dataclass
class MaterialRow:
    """One material of the step: what the guide says, how it is provided now, and the choices left."""

    material: Material
    provided: CaseMaterial | None
    reusable: list[Document] = field(default_factory=list)
    commitment_text: str = ""
    error: str = ""
    upload_form: Form | None = None
    reuse_form: Form | None = None
    commitment_form: Form | None = None


def _provided(case: Case) -> dict[int, CaseMaterial]:
    rows = case.materials.select_related("document_version__document")
    return {row.guide_material_id: row for row in rows}


def _committed(case: Case, applicable: list[Material], provided: dict[int, CaseMaterial]) -> list[Material]:
    return [m for m in applicable if (row := provided.get(m.pk)) is not None
            and row.provision == MaterialProvision.COMMITMENT]


@dataclass
class ReviewField:
    """One form field as the review step shows it, with the submission's problems next to it."""

    label: str
    value: str
    required: bool
    errors: list[str]


def _reusable(person: Person, case: Case, material: Material) -> list[Document]:
    return documents.reusable_for(person, material.name, today=timezone.localdate(), enterprise=case.enterprise)


def rows(person: Person, case: Case, errors: dict[str, str]) -> list[MaterialRow]:
    """Every applicable material with its current provision and the forms to provide it another way."""
    applicable = case.version.materials_for(case.situation_answers)
    provided = _provided(case)
    committed = _committed(case, applicable, provided)
    result = []
    for material in applicable:
        current = provided.get(material.pk)
        in_use = current.document_version.document_id if current and current.document_version else None
        reusable = [document for document in _reusable(person, case, material) if document.pk != in_use]
        row = MaterialRow(material=material, provided=current, reusable=reusable,
                          error=errors.get(material.code, ""), upload_form=MaterialUploadForm(
                              auto_id=f"id_{material.code}_%s"))
        if reusable:
            row.reuse_form = ReuseForm(documents=reusable, auto_id=f"id_{material.code}_reuse_%s")
        if material.commitment_allowed:
            others = [m for m in committed if m.pk != material.pk]
            row.commitment_text = commitment_text([*others, material])
            row.commitment_form = CommitmentForm(auto_id=f"id_{material.code}_%s")
        result.append(row)
    return result


def _reference(material: Material) -> str:
    return SHARED_DATA_REFERENCE.format(kind=material.shared_data_resource)[:REFERENCE_MAX]


def _first_error(form: Form) -> str:
    return next((str(message) for messages in form.errors.values() for message in messages), _("请检查填写内容"))


def _upload(request: HttpRequest, person: Person, case: Case, material: Material) -> str | None:
    form = MaterialUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _first_error(form)
    version = documents.store_upload(
        person, form.cleaned_data["file"], title=material.name, material_name=material.name,
        enterprise=case.enterprise, valid_until=form.cleaned_data["valid_until"],
    )
    applications.attach_document(request.user, case, material.code, version)
    return None


def _reuse(request: HttpRequest, person: Person, case: Case, material: Material) -> str | None:
    form = ReuseForm(request.POST, documents=_reusable(person, case, material))
    if not form.is_valid():
        return _("请从材料库中选择一份仍在有效期内的材料")
    version = form.documents[form.cleaned_data["document"]].current_version
    applications.attach_document(request.user, case, material.code, version)
    return None


def _commit(request: HttpRequest, person: Person, case: Case, material: Material) -> str | None:
    form = CommitmentForm(request.POST)
    if not form.is_valid():
        return _first_error(form)
    applicable = case.version.materials_for(case.situation_answers)
    others = [m for m in _committed(case, applicable, _provided(case)) if m.pk != material.pk]
    replaced = [*others, material]
    applications.sign_commitment(request.user, case, [m.code for m in replaced], commitment_text(replaced))
    return None


def _fetch(request: HttpRequest, person: Person, case: Case, material: Material) -> str | None:
    if material.licence_type:
        # The applicant's own licence from the wallet, only with the consent ticked on the row (LIC-2).
        applications.use_licence(request.user, case, material.code, consent=request.POST.get("consent") == "yes")
        return None
    applications.mark_fetched(request.user, case, material.code, _reference(material))
    return None


ACTIONS = {"upload": _upload, "reuse": _reuse, "commit": _commit, "fetch": _fetch}


def act(request: HttpRequest, person: Person, case: Case) -> tuple[str, str | None]:
    """Carry out the row's POSTed action; returns the material code and the refusal to show on its row."""
    code = request.POST.get("material", "")[:16]
    action = ACTIONS.get(request.POST.get("action", ""))
    material = next((m for m in case.version.materials_for(case.situation_answers) if m.code == code), None)
    if material is None or action is None:
        error = TongbanError(CaseError.MATERIAL_NOT_IN_GUIDE, code=code or "—")
        return code, f"{error.message}（{error.code}）"
    try:
        return code, action(request, person, case, material)
    except TongbanError as error:
        return code, f"{error.message}（{error.code}）"


def reuse_from_library(request: HttpRequest, person: Person, case: Case) -> list[str]:
    """Attach, for each applicable material not yet provided, the newest still-valid library document (CASE-5).

    Materials the platform fetches are left to the "由平台调取" button. Returns
    the names of the materials reused; a refusal simply leaves the material open.
    """
    provided = _provided(case)
    reused = []
    for material in case.version.materials_for(case.situation_answers):
        if material.pk in provided or material.is_fetched_by_platform:
            continue
        candidates = _reusable(person, case, material)
        version = candidates[0].current_version if candidates else None
        if version is None:
            continue
        try:
            applications.attach_document(request.user, case, material.code, version)
        except TongbanError:
            continue
        reused.append(material.name)
    return reused


def _display(value: Any) -> str:
    if value is True:
        return _("是")
    if value is False:
        return _("否")
    return "" if value is None else str(value)


def review_summary(case: Case, problems: list[dict[str, Any]]) -> dict[str, Any]:
    """Everything the review step shows, with every known problem at once: form fields and missing materials."""
    form = bound_from_stored(form_class_for(case.version.form_schema, enforce_required=False), case.form_data)
    unplaced = attach_problems(form, problems)
    fields = [ReviewField(label=str(bound.label), value=_display(case.form_data.get(bound.name)),
                          required=getattr(bound.field, "schema_required", False),
                          errors=[str(error) for error in bound.errors])
              for bound in form]
    provided = _provided(case)
    applicable = case.version.materials_for(case.situation_answers)
    materials = [{"material": m, "provided": provided.get(m.pk)} for m in applicable]
    missing = [m for m in applicable if m.is_required and m.pk not in provided]
    labels = {f"{q.code}.{o.code}": (q.text, o.label)
              for q in case.version.situation_questions.prefetch_related("options") for o in q.options.all()}
    answers = [labels[f"{code}.{option}"] for code, options in case.situation_answers.items() for option in options
               if f"{code}.{option}" in labels]
    return {"fields": fields, "unplaced": unplaced, "review_materials": materials, "missing": missing,
            "answers": answers, "problem_count": sum(len(f.errors) for f in fields) + len(unplaced) + len(missing)}
