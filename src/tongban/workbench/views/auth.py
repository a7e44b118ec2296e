"""Staff login, logout and the home dashboard."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpRequest, HttpResponse
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from django_otp import DEVICE_ID_SESSION_KEY

from tongban.catalogue.models import LifecycleRequest, RequestState
from tongban.identity.models import StaffRole
from tongban.identity.services.second_factor import second_factor_required
from tongban.identity.sessions import forget_session, record_login
from tongban.workbench.forms.base import StaffLoginForm
from tongban.workbench.views import case_queues
from tongban.workbench.views.access import assignments, coverage_q, render_page
from tongban.workbench.views.queue_config import QUEUE_OF_ROLE


class StaffLoginView(LoginView):
    """Username and password login for staff; a logged-in user goes straight to the dashboard.

    django-axes locks a username or address after repeated wrong passwords
    (``identity.lockout``). A successful login gets a new session key (Django's
    ``login``), starts the session's lifetime (``record_login``) and always asks
    for the TOTP second factor again before any workbench page opens.
    """

    template_name = "workbench/login.html"
    authentication_form = StaffLoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        """Log in, forget any earlier second-factor pass, and record the session."""
        response = super().form_valid(form)
        self.request.session.pop(DEVICE_ID_SESSION_KEY, None)
        record_login(self.request)
        return response

    def get_success_url(self) -> str:
        """Staff go through the second-factor page on the way to where they were heading."""
        target = super().get_success_url()
        if second_factor_required(self.request.user):
            return f"{reverse('workbench:two_factor')}?{urlencode({'next': target})}"
        return target


class StaffLogoutView(LogoutView):
    """Logout by POST only (Django refuses GET), back to the login page."""

    next_page = reverse_lazy("workbench:login")  # type: ignore[assignment]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Drop the session from the account's session index, then log out."""
        forget_session(request)
        return super().post(request, *args, **kwargs)


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
    tiles = [*_tiles(request), *case_queues.tiles(request)]
    return render_page(request, "workbench/home.html", {"assignments": assignments(request), "tiles": tiles})
