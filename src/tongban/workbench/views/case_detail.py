"""The case page (CASE-1 … CASE-8, ITEM-13): everything about one case, its materials, and its action forms.

Only staff whose role covers the case's handling agency (officers, approvers)
or accepting window (counter staff) find it; anyone else gets a 404, as for a
case that does not exist. The applicant is shown masked (SEC-4); materials are
downloaded through ``documents.open_version``, which checks and audits the read.
An action is posted with the ``lock_version`` the page showed; a refusal
re-renders the page with the reason and its code and changes nothing.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from tongban.cases.models import (
    Case,
    CaseMaterial,
    CaseState,
    Channel,
    Commitment,
    CorrectionItem,
    CorrectionNotice,
    Decision,
)
from tongban.cases.services import documents
from tongban.catalogue.form_schema import ordered_properties
from tongban.catalogue.models.choices import IntegrationMode
from tongban.core.errors import TongbanError
from tongban.identity.models import StaffRole
from tongban.identity.services import personal_data
from tongban.workbench.forms.cases import CaseLockForm, CorrectionNoticeForm
from tongban.workbench.forms.counter_filing import PERSONAL_FIELDS
from tongban.workbench.views.access import apply_refusal, coverage_q, problems_of, render_page
from tongban.workbench.views.case_actions import ACTIONS, action_forms
from tongban.workbench.views.case_queues import case_scope
from tongban.workbench.views.case_timeline import timeline

PERMISSION_CODES = {"IDENTITY_LOGIN_REQUIRED", "IDENTITY_ROLE_REQUIRED", "IDENTITY_AGENCY_OUT_OF_SCOPE",
                    "CASE_NOT_YOUR_CASE"}
CONFLICT_CODES = {"CASE_STALE", "CASE_WRONG_STATE"}
_CASES = Case.objects.select_related(
    "item__basic_item", "item__agency", "version", "applicant", "enterprise", "handling_agency", "accepting_agency",
    "parent",
)


def find_case(request: HttpRequest, number: str, *, with_counter_drafts: bool = False) -> Case:
    """The case if one of the user's roles covers it, else 404 (counter drafts of the clerk's windows on request)."""
    scope = case_scope(request)
    if with_counter_drafts:
        scope |= coverage_q(request, (StaffRole.COUNTER_STAFF,), field="accepting_agency") & Q(
            channel=Channel.COUNTER, state=CaseState.DRAFT
        )
    case = _CASES.filter(scope, number=number).first()
    if case is None:
        raise Http404
    return case


def _shown(name: str, value: Any) -> str:
    if name in PERSONAL_FIELDS and isinstance(value, str) and value:
        return PERSONAL_FIELDS[name](value)
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def form_rows(case: Case) -> list[tuple[str, str]]:
    """The form data with the schema's field titles, in the schema's display order, then any other keys."""
    properties = dict(ordered_properties(case.version.form_schema))
    rows = [(str(spec.get("title") or name), _shown(name, case.form_data[name]))
            for name, spec in properties.items() if name in case.form_data]
    rows += [(name, _shown(name, value)) for name, value in case.form_data.items() if name not in properties]
    return rows


def situation_rows(case: Case) -> list[tuple[str, str]]:
    """Each answered situation question with the chosen options' labels."""
    rows = []
    for question in case.version.situation_questions.prefetch_related("options"):
        chosen = set(case.situation_answers.get(question.code) or [])
        if chosen:
            labels = [option.label for option in question.options.all() if option.code in chosen]
            rows.append((question.text, "、".join(labels)))
    return rows


def material_rows(case: Case) -> list[tuple[Any, CaseMaterial | None]]:
    """The guide materials the answers call for, each with what was provided, then anything else provided."""
    provided = {row.guide_material_id: row for row in case.materials.select_related(
        "guide_material", "document_version__document")}
    applicable = case.version.materials_for(case.situation_answers)
    rows: list[tuple[Any, CaseMaterial | None]] = [(material, provided.pop(material.pk, None))
                                                   for material in applicable]
    rows += [(row.guide_material, row) for row in provided.values()]
    return rows


def render_case(request: HttpRequest, case: Case, *, bound: tuple[str, CaseLockForm] | None = None,
                refusal: TongbanError | None = None, status: int = 200) -> HttpResponse:
    """The case page, with a posted form kept where it was refused."""
    commitment = Commitment.objects.filter(case=case).select_related("verification__agency").prefetch_related(
        "replaced_materials").first()
    notices = CorrectionNotice.objects.filter(case=case).prefetch_related(
        Prefetch("items", queryset=CorrectionItem.objects.select_related("guide_material")))
    return render_page(request, "workbench/cases/detail.html", {
        "case": case,
        "applicant": personal_data.masked_view(case.applicant),
        "is_mode_three": case.version.integration_mode == IntegrationMode.AGENCY_SYSTEM,
        "form_rows": form_rows(case),
        "situation_rows": situation_rows(case),
        "material_rows": material_rows(case),
        "commitment": commitment,
        "verification": getattr(commitment, "verification", None) if commitment else None,
        "notices": notices,
        "decision": Decision.objects.filter(case=case).first(),
        "sub_cases": case.sub_cases.select_related("item__basic_item", "handling_agency"),
        "events": timeline(case.events.all()),
        "actions": action_forms(request, case, bound),
        "refusal": refusal,
        "problems": problems_of(refusal),
    }, status=status)


@require_safe
@login_required
def case_page(request: HttpRequest, number: str) -> HttpResponse:
    """One case in the user's scope; a counter draft opens the counter filing page instead."""
    case = find_case(request, number, with_counter_drafts=True)
    if case.state == CaseState.DRAFT:
        return redirect("workbench:counter_draft", number=case.number)
    return render_case(request, case)


def _status_of(error: TongbanError) -> int:
    if error.code in PERMISSION_CODES:
        return 403
    return 409 if error.code in CONFLICT_CODES else 400


@require_POST
@login_required
def case_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """Take one action; success returns to the case page with a message, a refusal shows why and changes nothing."""
    definition = ACTIONS.get(action)
    if definition is None:
        raise Http404
    case = find_case(request, number)
    form = definition.form(case, request.POST)
    if not form.is_valid():
        return render_case(request, case, bound=(action, form), status=400)
    try:
        definition.perform(request.user, case, form)
    except TongbanError as error:
        if isinstance(form, CorrectionNoticeForm) and error.field:
            error.field = form.field_for(error.field) or error.field
        apply_refusal(form, error)
        # A stale or moved-on page gets fresh forms with the current lock; other refusals keep the input.
        keep = None if error.code in CONFLICT_CODES else (action, form)
        return render_case(request, find_case(request, number), bound=keep, refusal=error, status=_status_of(error))
    messages.success(request, str(definition.done))
    return redirect("workbench:case", number=case.number)


@require_safe
@login_required
def material_download(request: HttpRequest, number: str, pk: int) -> HttpResponseBase:
    """The stored file of one of the case's materials, for staff the documents service lets read it (audited)."""
    case = find_case(request, number, with_counter_drafts=True)
    material = get_object_or_404(
        CaseMaterial.objects.select_related("document_version__document"), case=case, pk=pk,
        document_version__isnull=False,
    )
    version = material.document_version
    assert version is not None
    try:
        handle = documents.open_version(request.user, version)
    except TongbanError as error:
        return render_page(request, "workbench/refused.html", {"refusal": error}, status=403)
    response = FileResponse(handle, as_attachment=True, filename=version.original_name,
                            content_type=version.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
