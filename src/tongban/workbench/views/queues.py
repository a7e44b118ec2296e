"""Review queues of civil affairs, the catalogue authority and the platform operator (ITEM-5, ITEM-6, ITEM-7)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from tongban.catalogue.models import LifecycleRequest
from tongban.workbench.forms.queues import QueueFilterForm
from tongban.workbench.views.access import coverage_q, covered_agencies, holds, render_page
from tongban.workbench.views.queue_config import QUEUES

PAGE_SIZE = 20


@require_safe
@login_required
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    """Requests in the queue's stages at agencies the role covers, earliest due first; overdue rows flagged."""
    definition = QUEUES.get(slug)
    if definition is None:
        raise Http404
    roles = (definition.role,)
    filters = QueueFilterForm(request.GET or None, agencies=covered_agencies(request, roles))
    requests = (
        LifecycleRequest.objects.filter(coverage_q(request, roles), state__in=definition.states)
        .select_related("item__basic_item", "agency", "version")
        .order_by("due_on", "filed_at", "pk")
    )
    if filters.is_valid():
        if filters.cleaned_data["kind"]:
            requests = requests.filter(kind=filters.cleaned_data["kind"])
        if filters.cleaned_data["agency"] is not None:
            requests = requests.filter(agency=filters.cleaned_data["agency"])
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page(request, "workbench/queue.html", {
        "queue": definition,
        "holds_role": holds(request, definition.role),
        "filters": filters,
        "page_obj": page,
    })
