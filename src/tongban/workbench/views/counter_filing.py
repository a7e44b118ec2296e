"""Counter filing (窗口代办, PLAT-1, CASE-6, CASE-7, ITEM-13): a clerk files on an applicant's behalf.

The clerk finds the applicant by a full document number or phone (the identity
service's keyed-hash lookup, masked results), searches a published item, picks
one of the windows where the clerk works, and starts a counter draft: the case
records the counter channel and the window, and the item's agency handles it
(a citywide personal item may be taken at any street window, ITEM-13). No online
booking is needed first (CASE-6). The draft is then filled on the draft page.
The chosen applicant is always one the search found: the start form carries the
search and the service runs it again, so no person can be picked by id alone.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from tongban.agencies.models import Agency
from tongban.cases.models import Case, CaseState, Channel
from tongban.cases.services import applications
from tongban.catalogue.models import ServiceItem
from tongban.catalogue.search import service as catalogue_search
from tongban.core.errors import TongbanError
from tongban.identity.models import EnterpriseGrant, Person, StaffRole
from tongban.identity.services import personal_data, real_name, require_role
from tongban.workbench.forms.counter import CounterSearchForm
from tongban.workbench.forms.counter_filing import ItemSearchForm, StartFilingForm
from tongban.workbench.views.access import apply_refusal, coverage_q, held_agencies, render_page

TEMPLATE = "workbench/cases/counter_start.html"
PERMISSION_CODES = {"IDENTITY_LOGIN_REQUIRED", "IDENTITY_ROLE_REQUIRED", "IDENTITY_AGENCY_OUT_OF_SCOPE"}
ITEM_RESULTS = 20
OPEN_DRAFTS = 20


def counter_refusal(request: HttpRequest) -> HttpResponse | None:
    """None for counter staff; otherwise the refusal page (403), and nothing is read."""
    try:
        require_role(request.user, StaffRole.COUNTER_STAFF)
    except TongbanError as error:
        return render_page(request, "workbench/refused.html", {"refusal": error}, status=403)
    return None


def _windows(request: HttpRequest) -> QuerySet[Agency]:
    """The agencies at which the clerk holds the counter role (the windows the clerk may file at)."""
    held = [agency.pk for agency in held_agencies(request, (StaffRole.COUNTER_STAFF,))]
    return Agency.objects.filter(pk__in=held).order_by("path")


def _found(request: HttpRequest, query: str) -> list[Person]:
    return real_name.find_for_counter(request.user, query)


def _grants(person: Person) -> list[EnterpriseGrant]:
    """The enterprises the applicant may act for now (ID-4); the service checks the grant's scope per item."""
    return list(EnterpriseGrant.objects.active().filter(person=person).select_related("enterprise")
                .order_by("enterprise__name", "pk"))


def _page(request: HttpRequest, *, start_form: StartFilingForm | None = None, refusal: TongbanError | None = None,
          status: int = 200) -> HttpResponse:
    """The filing page: applicant search and results, item search and results, open counter drafts."""
    source = request.POST if request.method == "POST" else request.GET
    person_form = CounterSearchForm(source if source.get("query") else None)
    people: list[tuple[Person, Any]] | None = None
    chosen: Person | None = None
    if person_form.is_bound and person_form.is_valid():
        try:
            found = _found(request, person_form.cleaned_data["query"])
        except TongbanError as error:
            apply_refusal(person_form, error)
            refusal = refusal or error
        else:
            people = [(person, personal_data.masked_view(person)) for person in found]
            chosen = next((person for person in found if str(person.pk) == source.get("person")), None)
    item_form = ItemSearchForm(source if chosen is not None and source.get("item_query") else None)
    items = None
    if item_form.is_bound and item_form.is_valid():
        items = catalogue_search.search(item_form.cleaned_data["item_query"], limit=ITEM_RESULTS).results
    drafts = Case.objects.filter(
        coverage_q(request, (StaffRole.COUNTER_STAFF,), field="accepting_agency"), channel=Channel.COUNTER,
        state__in=(CaseState.DRAFT, CaseState.CORRECTION_REQUESTED),
    ).select_related("item__basic_item", "applicant", "accepting_agency").order_by("-created_at", "-pk")
    return render_page(request, TEMPLATE, {
        "person_form": person_form,
        "people": people,
        "chosen": chosen,
        "chosen_data": personal_data.masked_view(chosen) if chosen is not None else None,
        "grants": _grants(chosen) if chosen is not None else [],
        "item_form": item_form,
        "items": items,
        "start_form": start_form,
        "windows": list(_windows(request)),
        "drafts": drafts[:OPEN_DRAFTS],
        "refusal": refusal,
    }, status=status)


@require_safe
@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Find the applicant, then the item; each item found offers a start button with the window choice."""
    return counter_refusal(request) or _page(request)


@require_POST
@login_required
def start_draft(request: HttpRequest) -> HttpResponse:
    """Open a counter draft for the applicant the search found, at the chosen window."""
    refused = counter_refusal(request)
    if refused is not None:
        return refused
    form = StartFilingForm(request.POST, windows=_windows(request))
    if not form.is_valid():
        return _page(request, start_form=form, status=400)
    try:
        found = _found(request, form.cleaned_data["query"])
    except TongbanError as error:
        return _page(request, start_form=form, refusal=error, status=400)
    person = next((person for person in found if person.pk == form.cleaned_data["person"]), None)
    if person is None:
        form.add_error(None, _("请先查找并选择申请人"))
        return _page(request, start_form=form, status=400)
    item = get_object_or_404(ServiceItem, pk=form.cleaned_data["item"])
    grant = None
    if form.cleaned_data.get("grant"):
        # Only a grant the applicant holds now: an id typed into the form picks nothing else.
        grant = next((held for held in _grants(person) if held.pk == form.cleaned_data["grant"]), None)
        if grant is None:
            form.add_error(None, _("申请人未获得该企业的有效授权"))
            return _page(request, start_form=form, status=400)
    try:
        case = applications.start_draft(request.user, item, channel=Channel.COUNTER, applicant=person,
                                        window=form.cleaned_data["window"], enterprise_grant=grant)
    except TongbanError as error:
        apply_refusal(form, error)
        status = 403 if error.code in PERMISSION_CODES else 400
        return _page(request, start_form=form, refusal=error, status=status)
    messages.success(request, str(_("已为申请人开始填报，请填写申请表并收取材料")))
    return redirect("workbench:counter_draft", number=case.number)
