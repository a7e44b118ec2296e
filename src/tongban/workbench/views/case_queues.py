"""The staff case queues (CASE-2, CASE-4, CASE-7, ITEM-13): who sees which cases, most urgent first.

Officers and approvers see the cases their agencies handle; counter staff see
the cases their windows accepted (a citywide item taken at a street window is
handled by the deciding agency, and both see it). Drafts never appear: they
have not reached the agency. The queue sorts by urgency from the stored
deadline status (overdue, then warning), then by due date, then by submission;
a page is two queries whatever its length (the count and the rows with their
item, agencies and applicant). The "all cases" list is no worklist: it shows the
newest filings first, and counts at most ``COUNT_CAP`` of them, because sorting
or counting every case an agency ever handled costs seconds at city scale.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from tongban.cases.models import Case, CaseState, DeadlineStatus
from tongban.core.errors import TongbanError
from tongban.identity.errors import IdentityError
from tongban.identity.models import StaffRole
from tongban.workbench.forms.cases import CaseQueueFilterForm
from tongban.workbench.views.access import assignments, coverage_q, render_page

PAGE_SIZE = 20
# The "all" list counts up to this many cases and then says "more than" (the count of a million rows alone
# takes 160–360 ms; nobody pages through 50 pages of history instead of filtering).
COUNT_CAP = 1000
CASE_ROLES = (StaffRole.CASE_OFFICER, StaffRole.APPROVER, StaffRole.COUNTER_STAFF)
HANDLING_ROLES = (StaffRole.CASE_OFFICER, StaffRole.APPROVER)


@dataclass(frozen=True)
class CaseQueue:
    """One worklist: the case states it holds and the roles that work it."""

    slug: str
    title: str | Promise
    states: tuple[CaseState, ...]
    roles: tuple[StaffRole, ...]


_FILED_STATES = tuple(state for state in CaseState if state != CaseState.DRAFT)
QUEUES: dict[str, CaseQueue] = {
    queue.slug: queue
    for queue in (
        CaseQueue("acceptance", _("待预审受理"), (CaseState.SUBMITTED, CaseState.PRE_REVIEWED),
                  (StaffRole.CASE_OFFICER, StaffRole.COUNTER_STAFF)),
        CaseQueue("correction", _("补正中"), (CaseState.CORRECTION_REQUESTED,),
                  (StaffRole.CASE_OFFICER, StaffRole.COUNTER_STAFF)),
        CaseQueue("review", _("待审查"), (CaseState.ACCEPTED,), HANDLING_ROLES),
        CaseQueue("decision", _("待决定"), (CaseState.UNDER_REVIEW,), HANDLING_ROLES),
        CaseQueue("delivery", _("待出证送达办结"),
                  (CaseState.APPROVED, CaseState.DENIED, CaseState.RESULT_ISSUED, CaseState.DELIVERED),
                  (StaffRole.CASE_OFFICER, StaffRole.COUNTER_STAFF)),
        CaseQueue("all", _("全部办件"), _FILED_STATES, CASE_ROLES),
    )
}
WORK_QUEUES = [queue for queue in QUEUES.values() if queue.slug != "all"]


def held_case_roles(request: HttpRequest) -> set[str]:
    return {assignment.role for assignment in assignments(request) if assignment.role in CASE_ROLES}


def case_scope(request: HttpRequest, roles: Sequence[str] = CASE_ROLES) -> Q:
    """Cases whose handling agency an officer or approver role covers, or whose accepting window a counter
    role covers; never drafts."""
    handling = [role for role in roles if role in HANDLING_ROLES]
    scope = coverage_q(request, handling, field="handling_agency") if handling else Q(pk__in=[])
    if StaffRole.COUNTER_STAFF in roles:
        scope |= coverage_q(request, (StaffRole.COUNTER_STAFF,), field="accepting_agency")
    return scope & ~Q(state=CaseState.DRAFT)


def queues_for(request: HttpRequest) -> list[CaseQueue]:
    """The queues the user's roles work, in workflow order."""
    held = held_case_roles(request)
    return [queue for queue in QUEUES.values() if held.intersection(queue.roles)]


def by_urgency(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Overdue first, then warning, then the earliest due date, then the earliest submission."""
    urgency = models.Case(
        models.When(deadline_status=DeadlineStatus.OVERDUE, then=0),
        models.When(deadline_status=DeadlineStatus.WARNING, then=1),
        default=2, output_field=models.IntegerField(),
    )
    return cases.alias(urgency=urgency).order_by(
        "urgency", F("due_on").asc(nulls_last=True), F("submitted_at").asc(nulls_last=True), "pk"
    )


def newest_first(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The latest submission first (index ``cases_filed_newest_first``)."""
    return cases.order_by("-submitted_at", "-id")


class CappedPaginator(Paginator):
    """A paginator that counts at most ``COUNT_CAP`` + 1 rows; ``is_capped`` says the true number is larger."""

    @property
    def count(self) -> int:  # type: ignore[override]
        """The number of rows, or ``COUNT_CAP`` when there are more."""
        if not hasattr(self, "_capped_count"):
            counted = self.object_list[: COUNT_CAP + 1].count()  # type: ignore[union-attr,attr-defined]
            self.is_capped = counted > COUNT_CAP
            self._capped_count = min(counted, COUNT_CAP)
        return self._capped_count


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filtered(cases: QuerySet[Case], data: dict[str, Any]) -> QuerySet[Case]:
    """Apply the cleaned filters of :class:`CaseQueueFilterForm`."""
    if data.get("number"):
        cases = cases.filter(number__startswith=data["number"].strip().upper())
    if data.get("item"):
        text = data["item"].strip()
        cases = cases.filter(Q(item__implementation_code__startswith=text) | Q(item__basic_item__name__icontains=text))
    for field, key in (("state", "state"), ("channel", "channel"), ("deadline_status", "deadline")):
        if data.get(key):
            cases = cases.filter(**{field: data[key]})
    if data.get("submitted_from"):
        cases = cases.filter(submitted_at__gte=_day_start(data["submitted_from"]))
    if data.get("submitted_to"):
        cases = cases.filter(submitted_at__lt=_day_start(data["submitted_to"] + datetime.timedelta(days=1)))
    return cases


def _refused(request: HttpRequest) -> HttpResponse:
    error = TongbanError(IdentityError.ROLE_REQUIRED, role="、".join(str(role.label) for role in CASE_ROLES))
    return render_page(request, "workbench/refused.html", {"refusal": error}, status=403)


@require_safe
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """One queue of the cases in the user's scope, filtered, most urgent first, 20 a page."""
    available = queues_for(request)
    if not available:
        return _refused(request)
    slug = request.GET.get("queue") or available[0].slug
    definition = QUEUES.get(slug)
    if definition is None:
        raise Http404
    held = held_case_roles(request)
    roles: list[str] = [role for role in definition.roles if role in held] or list(held)
    filters = CaseQueueFilterForm(request.GET or None)
    cases = Case.objects.filter(case_scope(request, roles), state__in=definition.states).select_related(
        "item__basic_item", "handling_agency", "accepting_agency", "applicant"
    )
    if filters.is_valid():
        cases = filtered(cases, filters.cleaned_data)
    if definition.slug == "all":
        page = CappedPaginator(newest_first(cases), PAGE_SIZE).get_page(request.GET.get("page"))
    else:
        page = Paginator(by_urgency(cases), PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page(request, "workbench/cases/queue.html", {
        "queue": definition,
        "queues": available,
        "filters": filters,
        "page_obj": page,
    })


@dataclass(frozen=True)
class CaseTile:
    """A dashboard tile: a case queue, how many cases are in it and how many of those are overdue."""

    title: str | Promise
    url: str
    open: int
    overdue: int


def tiles(request: HttpRequest) -> list[CaseTile]:
    """The dashboard tiles of the user's case queues, counted in one query."""
    work = [queue for queue in queues_for(request) if queue.slug != "all"]
    if not work:
        return []
    overdue = Q(deadline_status=DeadlineStatus.OVERDUE)
    counts: dict[str, Any] = {}
    held = held_case_roles(request)
    for queue in work:
        in_queue = case_scope(request, [role for role in queue.roles if role in held]) & Q(state__in=queue.states)
        counts[f"{queue.slug}_open"] = Count("pk", filter=in_queue)
        counts[f"{queue.slug}_overdue"] = Count("pk", filter=in_queue & overdue)
    totals = Case.objects.filter(case_scope(request, list(held))).aggregate(**counts)
    base = reverse("workbench:cases")
    return [CaseTile(queue.title, f"{base}?queue={queue.slug}", totals[f"{queue.slug}_open"],
                     totals[f"{queue.slug}_overdue"]) for queue in work]
