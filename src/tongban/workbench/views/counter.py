"""The counter's real-name pages (ID-1, SEC-4): find a person, verify in person (level 4), reveal with a reason.

Counter staff search by a full document number or phone (keyed-hash lookups
only) and see masked data. With the person and the physical document in front
of them they type the document's number and confirm: ``verify_at_counter``
raises the person to level 4. Reading a full number takes a reason and goes
through ``personal_data.reveal``, which is audited; the revealed value is shown
once on the response and stored nowhere. The identity services check the roles
again: these views only decide what to show.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from tongban.core.errors import TongbanError
from tongban.identity.errors import IdentityError
from tongban.identity.models import Person, StaffRole
from tongban.identity.services import personal_data, real_name
from tongban.identity.services.roles import require_role
from tongban.workbench.forms.counter import CounterSearchForm, CounterVerifyForm, RevealForm
from tongban.workbench.views.access import apply_refusal, holds, render_page

SEARCH_TEMPLATE = "workbench/counter/search.html"
PERSON_TEMPLATE = "workbench/counter/person.html"
PERMISSION_CODES = {
    IdentityError.LOGIN_REQUIRED.code, IdentityError.ROLE_REQUIRED.code, IdentityError.REVEAL_NOT_ALLOWED.code,
}


def _refused(request: HttpRequest, error: TongbanError) -> HttpResponse:
    return render_page(request, "workbench/refused.html", {"refusal": error}, status=403)


def _counter_refusal(request: HttpRequest) -> HttpResponse | None:
    """None for counter staff; otherwise the refusal page (403), and nothing is read."""
    try:
        require_role(request.user, StaffRole.COUNTER_STAFF)
    except TongbanError as error:
        return _refused(request, error)
    return None


def _person_refusal(request: HttpRequest) -> HttpResponse | None:
    """The person page is for counter staff and for security administrators (who may reveal)."""
    if personal_data.may_reveal(request.user):
        return None
    return _counter_refusal(request)


@require_safe
@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Find a person by full document number or phone; the results are masked."""
    refused = _counter_refusal(request)
    if refused is not None:
        return refused
    form, results, refusal = CounterSearchForm(request.GET or None), None, None
    if form.is_bound and form.is_valid():
        try:
            people = real_name.find_for_counter(request.user, form.cleaned_data["query"])
        except TongbanError as error:
            apply_refusal(form, error)
            refusal = error
        else:
            results = [(person, personal_data.masked_view(person)) for person in people]
    return render_page(request, SEARCH_TEMPLATE, {"form": form, "results": results, "refusal": refusal})


def _person_page(request: HttpRequest, person: Person, *, status: int = 200, **context: Any) -> HttpResponse:
    return render_page(request, PERSON_TEMPLATE, {
        "person": person,
        "data": personal_data.masked_view(person),
        "level_label": real_name.LEVEL_LABELS[person.real_name_level],
        "checks": person.real_name_checks.order_by("-checked_at", "-id")[:10],
        "can_verify": holds(request, StaffRole.COUNTER_STAFF) and 2 <= person.real_name_level < 4,
        "verify_form": context.pop("verify_form", None) or CounterVerifyForm(),
        "reveal_form": context.pop("reveal_form", None) or RevealForm(),
        **context,
    }, status=status)


@require_safe
@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One person, masked, with the verification and reveal forms."""
    refused = _person_refusal(request)
    if refused is not None:
        return refused
    return _person_page(request, get_object_or_404(Person, pk=pk))


@require_POST
@login_required
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    """Raise the person to level 4 after checking the physical document in person."""
    refused = _counter_refusal(request)
    if refused is not None:
        return refused
    person = get_object_or_404(Person, pk=pk)
    form = CounterVerifyForm(request.POST)
    if not form.is_valid():
        return _person_page(request, person, status=400, verify_form=form)
    try:
        real_name.verify_at_counter(request.user, person, form.cleaned_data["document_number"],
                                    confirmed=form.cleaned_data["confirmed"])
    except TongbanError as error:
        if error.code in PERMISSION_CODES:
            return _refused(request, error)
        apply_refusal(form, error)
        return _person_page(request, person, status=400, verify_form=form, refusal=error)
    messages.success(request, _("已完成窗口现场核验，该用户实名等级升为四级"))
    return redirect("workbench:counter_person", pk=person.pk)


@require_POST
@login_required
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one full number once, after a reason; the read is audited by the service."""
    refused = _person_refusal(request)
    if refused is not None:
        return refused
    person = get_object_or_404(Person, pk=pk)
    form = RevealForm(request.POST)
    if not form.is_valid():
        return _person_page(request, person, status=400, reveal_form=form)
    try:
        value = personal_data.reveal(request.user, person, form.cleaned_data["field"], form.cleaned_data["reason"])
    except TongbanError as error:
        if error.code in PERMISSION_CODES:
            return _refused(request, error)
        apply_refusal(form, error)
        return _person_page(request, person, status=400, reveal_form=form, refusal=error)
    label = dict(RevealForm.FIELD_CHOICES)[form.cleaned_data["field"]]
    response = _person_page(request, person, revealed={"label": label, "value": value})
    response["Cache-Control"] = "no-store"  # the full number must not linger in caches
    return response
