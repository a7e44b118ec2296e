"""The counter draft page (窗口代办, PLAT-1, CASE-3, CASE-5, CASE-8): fill, collect materials, submit.

The clerk fills the application form generated from the item version's schema
and the situation answers (which fix the material list), and provides each
material on the applicant's behalf: a scan uploaded into the applicant's
library (checked and hashed by the documents service; a replacement becomes a
new version of the same document), a still-valid document reused from the
library (CASE-5), a licence or shared data the platform fetches, or a signed
commitment where the guide allows it (CASE-8). Submitting files the case; for
a case waiting for correction the same page takes the corrected materials and
answers the notice. Every change goes through the application services, which
check that the clerk works at the case's window.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from tongban.cases.models import Case, CaseMaterial, CaseState, Channel, Document, DocumentVersion
from tongban.cases.services import applications, documents, handling
from tongban.catalogue.models import Material
from tongban.core.errors import TongbanError
from tongban.identity.models import StaffRole
from tongban.identity.services import personal_data
from tongban.workbench.forms.counter_filing import (
    ApplicationForm,
    CommitmentForm,
    FetchForm,
    LibraryPickForm,
    MaterialUploadForm,
)
from tongban.workbench.views.access import apply_refusal, coverage_q, problems_of, render_page
from tongban.workbench.views.counter_filing import PERMISSION_CODES, counter_refusal

TEMPLATE = "workbench/cases/counter_draft.html"
Bound = tuple[str, str, Any]  # material code, how ("upload", "library", "fetch"), the posted form


def _draft(request: HttpRequest, number: str) -> Case:
    """A counter case of one of the clerk's windows that is still being filled or corrected, else 404."""
    case = Case.objects.select_related(
        "item__basic_item", "version", "applicant", "accepting_agency", "handling_agency"
    ).filter(
        coverage_q(request, (StaffRole.COUNTER_STAFF,), field="accepting_agency"), channel=Channel.COUNTER,
        number=number, state__in=(CaseState.DRAFT, CaseState.CORRECTION_REQUESTED),
    ).first()
    if case is None:
        raise Http404
    return case


def _application_form(case: Case, data: Any = None) -> ApplicationForm:
    return ApplicationForm(data, schema=case.version.form_schema,
                           questions=case.version.situation_questions.prefetch_related("options"),
                           form_data=case.form_data, answers=case.situation_answers, auto_id="id_application_%s")


@dataclass
class MaterialRow:
    """One material the answers call for, what is provided, and the ways to provide it."""

    material: Material
    provided: CaseMaterial | None
    defect: str
    upload_form: MaterialUploadForm
    pick_form: LibraryPickForm | None
    fetch_form: FetchForm | None


def _defects(case: Case) -> dict[int, str]:
    """Guide material id → what the latest unanswered correction notice asks for."""
    notice = case.correction_notices.filter(answered_at__isnull=True).order_by("-issued_at", "-id").first()
    return {item.guide_material_id: item.reason for item in notice.items.all()} if notice else {}


def _rows(case: Case, bound: Bound | None) -> list[MaterialRow]:
    provided = {row.guide_material_id: row for row in case.materials.select_related("document_version")}
    defects = _defects(case)
    today = timezone.localdate()
    rows = []
    for material in case.version.materials_for(case.situation_answers):
        posted: Any = bound[2] if bound is not None and bound[0] == material.code else None
        kind = bound[1] if posted is not None and bound is not None else ""
        library = documents.reusable_for(case.applicant, material.name, today=today)
        auto_id = f"id_{material.code}_%s"
        rows.append(MaterialRow(
            material=material, provided=provided.get(material.pk), defect=defects.get(material.pk, ""),
            upload_form=posted if kind == "upload" else MaterialUploadForm(auto_id=auto_id),
            pick_form=(posted if kind == "library" else LibraryPickForm(documents=library, auto_id=auto_id))
            if library else None,
            fetch_form=(posted if kind == "fetch" else FetchForm(auto_id=auto_id))
            if material.is_fetched_by_platform else None,
        ))
    return rows


def _commitment_materials(case: Case) -> list[Material]:
    return [material for material in case.version.materials_for(case.situation_answers) if material.commitment_allowed]


def _render(request: HttpRequest, case: Case, *, application_form: ApplicationForm | None = None,
            bound: Bound | None = None, commitment_form: CommitmentForm | None = None,
            refusal: TongbanError | None = None, status: int = 200) -> HttpResponse:
    eligible = _commitment_materials(case)
    return render_page(request, TEMPLATE, {
        "case": case,
        "applicant": personal_data.masked_view(case.applicant),
        "application_form": application_form or _application_form(case),
        "rows": _rows(case, bound),
        "commitment_form": commitment_form or (CommitmentForm(materials=eligible) if eligible else None),
        "is_correction": case.state == CaseState.CORRECTION_REQUESTED,
        "refusal": refusal,
        "problems": problems_of(refusal),
    }, status=status)


def _refused(request: HttpRequest, case: Case, error: TongbanError, **context: Any) -> HttpResponse:
    status = 403 if error.code in PERMISSION_CODES or error.code == "CASE_NOT_YOUR_CASE" else 400
    return _render(request, _draft(request, case.number), refusal=error, status=status, **context)


@require_safe
@login_required
def draft_page(request: HttpRequest, number: str) -> HttpResponse:
    """The draft (or the case waiting for correction) with its form, materials and submit button."""
    return counter_refusal(request) or _render(request, _draft(request, number))


@require_POST
@login_required
def save_form(request: HttpRequest, number: str) -> HttpResponse:
    """Keep the form data and situation answers (checked against the schema only on submission)."""
    refused = counter_refusal(request)
    if refused is not None:
        return refused
    case = _draft(request, number)
    form = _application_form(case, request.POST)
    if not form.is_valid():
        return _render(request, case, application_form=form, status=400)
    try:
        applications.save_draft(request.user, case, form_data=form.form_data(),
                                situation_answers=form.situation_answers())
    except TongbanError as error:
        return _refused(request, case, error, application_form=form)
    messages.success(request, str(_("申请表已保存")))
    return redirect("workbench:counter_draft", number=case.number)


def _uploaded_version(case: Case, material: Material, uploaded: Any) -> DocumentVersion:
    """Store the scan in the applicant's library: a new version of the document it replaces, if any."""
    provided = case.materials.filter(guide_material=material).select_related("document_version__document").first()
    current = provided.document_version if provided is not None else None
    document = current.document if current is not None else None
    if document is not None and document.owner_id == case.applicant_id and document.enterprise_id is None:
        return documents.add_version(case.applicant, document, uploaded)
    return documents.store_upload(case.applicant, uploaded, title=material.name, material_name=material.name)


@require_POST
@login_required
def provide_material(request: HttpRequest, number: str, code: str) -> HttpResponse:
    """Provide one material: ``how`` is ``upload`` (a file), ``library`` (reuse) or ``fetch`` (platform)."""
    refused = counter_refusal(request)
    if refused is not None:
        return refused
    case = _draft(request, number)
    material = case.version.materials.filter(code=code).first()
    how = request.POST.get("how", "")
    if material is None or how not in ("upload", "library", "fetch"):
        raise Http404
    auto_id = f"id_{material.code}_%s"
    form: Any
    if how == "upload":
        form = MaterialUploadForm(request.POST, request.FILES, auto_id=auto_id)
    elif how == "library":
        library = documents.reusable_for(case.applicant, material.name, today=timezone.localdate())
        form = LibraryPickForm(request.POST, documents=library, auto_id=auto_id)
    else:
        form = FetchForm(request.POST, auto_id=auto_id)
    bound: Bound = (material.code, how, form)
    if not form.is_valid():
        return _render(request, case, bound=bound, status=400)
    try:
        if how == "upload":
            version = _uploaded_version(case, material, form.cleaned_data["file"])
            applications.attach_document(request.user, case, material.code, version)
        elif how == "library":
            document: Document = form.cleaned_data["document"]
            chosen = document.current_version
            assert chosen is not None  # reusable_for lists documents with a version only
            applications.attach_document(request.user, case, material.code, chosen)
        else:
            applications.mark_fetched(request.user, case, material.code,
                                      form.cleaned_data["reference"] or str(_("窗口代办时确认由平台调取")))
    except TongbanError as error:
        apply_refusal(form, error)
        return _refused(request, case, error, bound=bound)
    messages.success(request, str(_("材料“{name}”已提供")).format(name=material.name))
    return redirect("workbench:counter_draft", number=case.number)


@require_POST
@login_required
def sign_commitment(request: HttpRequest, number: str) -> HttpResponse:
    """The applicant signs a commitment at the counter instead of the chosen proofs (CASE-8)."""
    refused = counter_refusal(request)
    if refused is not None:
        return refused
    case = _draft(request, number)
    form = CommitmentForm(request.POST, materials=_commitment_materials(case))
    if not form.is_valid():
        return _render(request, case, commitment_form=form, status=400)
    try:
        applications.sign_commitment(request.user, case, form.cleaned_data["materials"], form.cleaned_data["text"])
    except TongbanError as error:
        apply_refusal(form, error)
        return _refused(request, case, error, commitment_form=form)
    messages.success(request, str(_("告知承诺已签署")))
    return redirect("workbench:counter_draft", number=case.number)


@require_POST
@login_required
def submit(request: HttpRequest, number: str) -> HttpResponse:
    """File the draft (every problem reported at once), or answer the correction notice with the new materials."""
    refused = counter_refusal(request)
    if refused is not None:
        return refused
    case = _draft(request, number)
    try:
        if case.state == CaseState.CORRECTION_REQUESTED:
            handling.answer_correction(request.user, case)
            done = _("补正材料已提交，办件回到受理环节")
        else:
            applications.submit(request.user, case)
            done = _("已提交，办件编号 {number}")
    except TongbanError as error:
        return _refused(request, case, error)
    messages.success(request, str(done).format(number=case.number))
    return redirect("workbench:case", number=case.number)
