"""Writing a draft guide: on a form (main fields plus JSON for the nested lists) or by uploading a document.

Either way the view builds one item document in the exchange format and hands
it to ``drafts.save_draft``, which checks the agency admin's role, then the
document, and reports every problem with its JSON path; the page lists them all.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from tongban.catalogue.models import ItemVersion
from tongban.catalogue.models.choices import VersionState
from tongban.catalogue.services import drafts, guides
from tongban.core.errors import TongbanError
from tongban.identity.models import StaffRole
from tongban.identity.services import require_role
from tongban.workbench.forms.guide import DocumentUploadForm, GuideForm, NewItemForm, item_identity
from tongban.workbench.views.access import covered_agencies, get_in_scope, problems_of, render_page
from tongban.workbench.views.agency import ITEMS

# A new guide starts from the shape the exchange format expects, so the JSON boxes show what to fill in.
NEW_GUIDE_INITIAL: dict[str, Any] = {
    "applicant_kinds": ["person"],
    "handling_kind": "promised",
    "promised_limit_unit": "working_days",
    "statutory_limit_unit": "working_days",
    "delivery_methods": ["electronic"],
    "online_depth": "full_online",
    "in_person_trips": 0,
    "integration_mode": 2,
    "materials": [],
    "situations": [],
    "fees": [],
    "form_schema": {"type": "object", "required": [], "properties": {}},
    "optimisation_record": {"summary": "", "removed_materials": [], "trips_before": 0, "steps_before": 0},
}


def _save(request: HttpRequest, document: dict[str, Any]) -> ItemVersion:
    """Save the draft through the service, which checks the role over the document's agency."""
    return drafts.save_draft(request.user, document)


def _refused(request: HttpRequest, error: TongbanError) -> HttpResponse:
    return render_page(request, "workbench/refused.html", {"refusal": error}, status=403)


def _saved(request: HttpRequest, version: ItemVersion) -> HttpResponse:
    messages.success(request, _("草稿 v%(number)s 已保存") % {"number": version.number})
    return redirect("workbench:agency_item", pk=version.item_id)


@require_http_methods(["GET", "POST"])
@login_required
def draft_create(request: HttpRequest) -> HttpResponse:
    """A new item with its first draft guide."""
    try:
        require_role(request.user, StaffRole.AGENCY_ADMIN)
    except TongbanError as error:
        return _refused(request, error)
    agencies = covered_agencies(request, (StaffRole.AGENCY_ADMIN,))
    refusal = None
    if request.method == "POST":
        identity = NewItemForm(request.POST, agencies=agencies)
        guide = GuideForm(request.POST)
        if identity.is_valid() and guide.is_valid():
            document = {**identity.identity(), "is_community_delegated": guide.cleaned_data["is_community_delegated"],
                        "guide": guide.guide()}
            try:
                return _saved(request, _save(request, document))
            except TongbanError as error:
                refusal = error
                guide.attach_problems(problems_of(error))
    else:
        identity = NewItemForm(agencies=agencies)
        guide = GuideForm(initial=NEW_GUIDE_INITIAL)
    return render_page(request, "workbench/agency/draft_form.html", {
        "identity_form": identity, "form": guide, "refusal": refusal, "problems": problems_of(refusal),
        "title": _("新建事项"),
    })


@require_http_methods(["GET", "POST"])
@login_required
def draft_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit the item's draft guide; without a draft, saving starts one from the form (a change, ITEM-5)."""
    item = get_in_scope(request, ITEMS, pk=pk)
    versions = item.versions.order_by("-number")
    draft = versions.filter(state=VersionState.DRAFT).first()
    refusal = None
    if request.method == "POST":
        guide = GuideForm(request.POST)
        if guide.is_valid():
            document = {**item_identity(item), "is_community_delegated": guide.cleaned_data["is_community_delegated"],
                        "guide": guide.guide()}
            try:
                return _saved(request, _save(request, document))
            except TongbanError as error:
                refusal = error
                guide.attach_problems(problems_of(error))
    else:
        base = draft or item.published_version or versions.first()
        assert base is not None  # every item is created with its first version
        guide = GuideForm(initial=GuideForm.initial_from(guides.item_document(base, with_status=False)))
    return render_page(request, "workbench/agency/draft_form.html", {
        "item": item, "draft": draft, "form": guide, "refusal": refusal, "problems": problems_of(refusal),
        "title": _("编辑办事指南草稿"),
    })


@require_http_methods(["GET", "POST"])
@login_required
def draft_upload(request: HttpRequest) -> HttpResponse:
    """Upload one item document in the exchange format as a draft."""
    try:
        require_role(request.user, StaffRole.AGENCY_ADMIN)
    except TongbanError as error:
        return _refused(request, error)
    refusal = None
    if request.method == "POST":
        form = DocumentUploadForm(request.POST, request.FILES)
        if form.is_valid():
            document = form.cleaned_data["document"]
            try:
                return _saved(request, _save(request, document))
            except TongbanError as error:
                refusal = error
    else:
        form = DocumentUploadForm()
    return render_page(request, "workbench/agency/draft_upload.html", {
        "form": form, "refusal": refusal, "problems": problems_of(refusal),
    })
