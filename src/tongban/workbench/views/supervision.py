"""The supervisor's read-only overview (ITEM-8): items by agency and status, queues by stage, time limits."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.db.models import Avg, Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from tongban.catalogue.models import LifecycleRequest, RequestState, ServiceItem
from tongban.catalogue.models.choices import ItemStatus, LimitUnit
from tongban.core.errors import TongbanError
from tongban.identity.models import StaffRole
from tongban.identity.services import require_role
from tongban.workbench.views.access import coverage_q, render_page

# ITEM-8: on average the promised limit is at most half the statutory one.
PROMISED_SHARE_TARGET = 0.5


@dataclass
class AgencyRow:
    """Item counts of one agency, by status."""

    name: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def cells(self) -> list[int]:
        """The counts in the order of the status columns."""
        return [self.counts.get(status, 0) for status in ItemStatus.values]

    @property
    def total(self) -> int:
        """All the agency's items."""
        return sum(self.counts.values())


@dataclass(frozen=True)
class LimitRow:
    """ITEM-8 figure of one agency: average promised and statutory limits of its published items."""

    name: str
    items: int
    promised: float
    statutory: float

    @property
    def share(self) -> float:
        """Average promised limit as a share of the average statutory limit."""
        return self.promised / self.statutory if self.statutory else 0.0

    @property
    def meets_target(self) -> bool:
        """At most half, as ITEM-8 asks."""
        return self.share <= PROMISED_SHARE_TARGET


def _items_by_agency(scope: QuerySet[ServiceItem]) -> list[AgencyRow]:
    rows: dict[int, AgencyRow] = {}
    counted = scope.values("agency_id", "agency__name", "agency__path", "status").annotate(count=Count("pk"))
    for entry in counted.order_by("agency__path", "status"):
        row = rows.setdefault(entry["agency_id"], AgencyRow(entry["agency__name"]))
        row.counts[entry["status"]] = entry["count"]
    return list(rows.values())


def _limits_by_agency(scope: QuerySet[ServiceItem]) -> list[LimitRow]:
    published = scope.filter(
        published_version__isnull=False,
        published_version__promised_limit_unit=LimitUnit.WORKING_DAYS,
        published_version__statutory_limit_unit=LimitUnit.WORKING_DAYS,
    )
    averaged = (
        published.values("agency_id", "agency__name", "agency__path")
        .annotate(items=Count("pk"), promised=Avg("published_version__promised_limit_value"),
                  statutory=Avg("published_version__statutory_limit_value"))
        .order_by("agency__path")
    )
    return [
        LimitRow(entry["agency__name"], entry["items"], float(entry["promised"]), float(entry["statutory"]))
        for entry in averaged
    ]


@require_safe
@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Read-only figures over the agencies the supervisor role covers."""
    try:
        require_role(request.user, StaffRole.SUPERVISOR)
    except TongbanError as error:
        return render_page(request, "workbench/supervision.html", {"refusal": error}, status=403)
    today = timezone.localdate()
    roles = (StaffRole.SUPERVISOR,)
    items = ServiceItem.objects.filter(coverage_q(request, roles))
    requests = LifecycleRequest.objects.filter(coverage_q(request, roles))
    open_counts = dict(requests.open().values_list("state").annotate(count=Count("pk")).order_by())
    overdue_counts = dict(requests.overdue(today).values_list("state").annotate(count=Count("pk")).order_by())
    stages = [
        (RequestState(state).label, open_counts.get(state, 0), overdue_counts.get(state, 0))
        for state in RequestState.values if state in open_counts
    ]
    return render_page(request, "workbench/supervision.html", {
        "statuses": ItemStatus.choices,
        "agency_rows": _items_by_agency(items),
        "stages": stages,
        "limit_rows": _limits_by_agency(items),
        "target": PROMISED_SHARE_TARGET,
    })
