"""The platform operator's life events (一件事, ITEM-11): the list, and the form that creates or edits one.

``catalogue.services.life_events.save_life_event`` checks the role over the lead
agency and ITEM-11's minimums (personal events ≥ 3 situations, enterprise
events ≥ 3 items); the form shows its refusal. The pages themselves are shown
to platform operators only, so these views check the role before reading.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from tongban.catalogue.models import LifeEvent
from tongban.catalogue.services.life_events import save_life_event
from tongban.core.errors import TongbanError
from tongban.identity.models import StaffRole
from tongban.identity.services import require_role
from tongban.workbench.forms.life_events import LifeEventForm
from tongban.workbench.views.access import apply_refusal, render_page


def _operator_refusal(request: HttpRequest) -> HttpResponse | None:
    """None for a platform operator; otherwise the refusal page (403), before anything is read or changed."""
    try:
        require_role(request.user, StaffRole.PLATFORM_OPERATOR)
    except TongbanError as error:
        return render_page(request, "workbench/refused.html", {"refusal": error}, status=403)
    return None


@require_safe
@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    """Every life event, published or not, with how many items and situations it bundles."""
    refused = _operator_refusal(request)
    if refused is not None:
        return refused
    events = list(
        LifeEvent.objects.select_related("lead_agency").annotate(item_count=Count("entries")).order_by("code")
    )
    return render_page(request, "workbench/life_events/list.html", {"events": events})


def _form_page(request: HttpRequest, event: LifeEvent | None) -> HttpResponse:
    """GET shows the form; POST saves through the service and returns to the list, or shows the refusal."""
    refusal = None
    if request.method == "POST":
        form = LifeEventForm(request.POST, event=event)
        if form.is_valid():
            try:
                saved = save_life_event(request.user, **form.service_arguments())
            except TongbanError as error:
                refusal = error
                apply_refusal(form, error)
            else:
                messages.success(request, _("已保存一件事：%(name)s") % {"name": saved.name})
                return redirect("workbench:life_events")
    else:
        form = LifeEventForm(event=event)
    # The stored items with their names, because the form lists bare implementation codes.
    entries = event.entries.select_related("item__basic_item", "item__agency").order_by("position") if event else []
    return render_page(request, "workbench/life_events/form.html", {
        "form": form, "event": event, "entries": entries, "refusal": refusal,
    })


@require_http_methods(["GET", "POST"])
@login_required
def event_create(request: HttpRequest) -> HttpResponse:
    """A new life event."""
    refused = _operator_refusal(request)
    if refused is not None:
        return refused
    return _form_page(request, None)


@require_http_methods(["GET", "POST"])
@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a life event: its items and situations are replaced by what the form lists."""
    refused = _operator_refusal(request)
    if refused is not None:
        return refused
    return _form_page(request, get_object_or_404(LifeEvent.objects.select_related("lead_agency"), pk=pk))
