"""Staff login, logout and the home dashboard."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpRequest, HttpResponse
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from tongban.catalogue.models import LifecycleRequest, RequestState
from tongban.identity.models import StaffRole
from tongban.workbench.forms.base import StaffLoginForm
from tongban.workbench.views.access import assignments, coverage_q, render_page
from tongban.workbench.views.queue_config import QUEUE_OF_ROLE


class StaffLoginView(LoginView):
    """Username and password login for staff; a logged-in user goes straight to the dashboard."""

    template_name = "workbench/login.html"
    authentication_form = StaffLoginForm
    redirect_authenticated_user = True


class StaffLogoutView(LogoutView):
    """Logout by POST only (Django refuses GET), back to the login page."""

    next_page = reverse_lazy("workbench:login")  # type: ignore[assignment]


@dataclass(frozen=True)
class QueueCount:
    """One dashboard tile: a worklist, how many requests are in it and how many of those are overdue."""

    title: str | Promise
    url: str
    open: int
    overdue: int


def _count(role: StaffRole, request: HttpRequest, states: tuple[str, ...] | None,
           today: datetime.date) -> tuple[int, int]:
    requests = LifecycleRequest.objects.filter(coverage_q(request, (role,)))
    requests = requests.filter(state__in=states) if states is not None else requests.open()
    return requests.count(), requests.overdue(today).count()


def _tiles(request: HttpRequest) -> list[QueueCount]:
    today = timezone.localdate()
    held = {assignment.role for assignment in assignments(request)}
    tiles = []
    if StaffRole.AGENCY_ADMIN in held:
        open_count, overdue = _count(StaffRole.AGENCY_ADMIN, request, None, today)
        tiles.append(QueueCount(_("本单位进行中的申请"), reverse("workbench:agency_items"), open_count, overdue))
        retest, retest_overdue = _count(
            StaffRole.AGENCY_ADMIN, request, (RequestState.RETURNED_FOR_RETEST,), today
        )
        tiles.append(QueueCount(_("测试未通过、待整改"), reverse("workbench:agency_items"), retest, retest_overdue))
    for role, queue in QUEUE_OF_ROLE.items():
        if role in held:
            open_count, overdue = _count(role, request, queue.states, today)
            tiles.append(QueueCount(queue.title, reverse("workbench:queue", args=[queue.slug]), open_count, overdue))
    if StaffRole.SUPERVISOR in held:
        open_count, overdue = _count(StaffRole.SUPERVISOR, request, None, today)
        tiles.append(QueueCount(_("全部进行中的申请"), reverse("workbench:supervision"), open_count, overdue))
    return tiles


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard: the roles the user holds and the size of each of their worklists."""
    return render_page(request, "workbench/home.html", {"assignments": assignments(request), "tiles": _tiles(request)})
