"""A lifecycle request's page and the actions taken on it by each role (ITEM-5, ITEM-6, ITEM-7).

Every action posts the request's ``version_lock`` as the service's
``expected_lock``, so a page that someone else has acted on meanwhile is
refused with CATALOGUE_REQUEST_STALE instead of acting twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from tongban.catalogue.models import ItemVersion, LifecycleRequest, RequestKind, RequestState
from tongban.catalogue.services import lifecycle
from tongban.core.errors import TongbanError
from tongban.identity.models import StaffRole
from tongban.workbench.forms.actions import DecisionForm, IntegrationTestForm, LockedForm, NoteForm
from tongban.workbench.views.access import get_in_scope, holds, render_page, show_error
from tongban.workbench.views.guide_display import version_changes, with_labels
from tongban.workbench.views.history import history
from tongban.workbench.views.queue_config import QUEUE_OF_ROLE

_REQUESTS = LifecycleRequest.objects.select_related(
    "item__basic_item", "item__agency", "item__published_version", "agency", "version", "announcement"
)


@dataclass(frozen=True)
class Action:
    """One action on a request: who takes it, in which states, with which form, calling which service."""

    role: StaffRole
    states: tuple[RequestState, ...]
    form: type[forms.Form]
    perform: Callable[[Any, LifecycleRequest, Any], LifecycleRequest]
    done: str | Promise


def _lock(form: forms.Form) -> int:
    return form.cleaned_data["version_lock"]


ACTIONS: dict[str, Action] = {
    "civil-affairs": Action(
        StaffRole.CIVIL_AFFAIRS_REVIEWER, (RequestState.AWAITING_CIVIL_AFFAIRS,), DecisionForm,
        lambda user, request, form: lifecycle.decide_civil_affairs(
            user, request, approve=form.approve, note=form.cleaned_data["note"], expected_lock=_lock(form)),
        _("民政审核意见已提交"),
    ),
    "authority": Action(
        StaffRole.CATALOGUE_AUTHORITY, (RequestState.AWAITING_AUTHORITY,), DecisionForm,
        lambda user, request, form: lifecycle.decide_authority(
            user, request, approve=form.approve, note=form.cleaned_data["note"], expected_lock=_lock(form)),
        _("审核意见已提交"),
    ),
    "test": Action(
        StaffRole.PLATFORM_OPERATOR, (RequestState.AWAITING_TEST,), IntegrationTestForm,
        lambda user, request, form: lifecycle.record_test(
            user, request, passed=form.passed, report=form.cleaned_data["report"], expected_lock=_lock(form)),
        _("测试结果已记录"),
    ),
    "publish": Action(
        StaffRole.PLATFORM_OPERATOR, (RequestState.AWAITING_PUBLICATION,), LockedForm,
        lambda user, request, form: lifecycle.publish(user, request, expected_lock=_lock(form)),
        _("事项已发布"),
    ),
    "execute": Action(
        StaffRole.PLATFORM_OPERATOR, (RequestState.AWAITING_EXECUTION,), NoteForm,
        lambda user, request, form: lifecycle.execute(
            user, request, note=form.cleaned_data["note"], expected_lock=_lock(form)),
        _("已执行"),
    ),
    "withdraw": Action(
        StaffRole.AGENCY_ADMIN,
        (RequestState.AWAITING_CIVIL_AFFAIRS, RequestState.AWAITING_AUTHORITY, RequestState.RETURNED_FOR_RETEST),
        NoteForm,
        lambda user, request, form: lifecycle.withdraw(
            user, request, note=form.cleaned_data["note"], expected_lock=_lock(form)),
        _("申请已撤回"),
    ),
    "resubmit": Action(
        StaffRole.AGENCY_ADMIN, (RequestState.RETURNED_FOR_RETEST,), NoteForm,
        lambda user, request, form: lifecycle.resubmit_for_test(
            user, request, note=form.cleaned_data["note"], expected_lock=_lock(form)),
        _("已重新提交测试"),
    ),
}


def available_actions(request: HttpRequest, lifecycle_request: LifecycleRequest) -> list[str]:
    """The actions whose form this user sees on the request now (the service still decides when posted)."""
    return [
        name for name, action in ACTIONS.items()
        if lifecycle_request.state in action.states and holds(request, action.role, lifecycle_request.agency)
    ]


@require_safe
@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The item, the filed guide, what it changes, the history and the action forms of this stage."""
    lifecycle_request = get_in_scope(request, _REQUESTS, pk=pk)
    version = None
    changes = None
    if lifecycle_request.version_id is not None:
        version = with_labels(ItemVersion.objects.prefetch_related("materials", "situation_questions__options").get(
            pk=lifecycle_request.version_id
        ))
        published = lifecycle_request.item.published_version
        if lifecycle_request.kind == RequestKind.CHANGE and published is not None and published.pk != version.pk:
            changes = version_changes(version, published)
    queue = next(
        (queue for queue in QUEUE_OF_ROLE.values() if lifecycle_request.state in queue.states), None
    )
    return render_page(request, "workbench/request_detail.html", {
        "lifecycle_request": lifecycle_request,
        "item": lifecycle_request.item,
        "version": version,
        "changes": changes,
        "steps": history(lifecycle_request.steps.all()),
        "actions": available_actions(request, lifecycle_request),
        "queue": queue,
        "overdue": lifecycle_request.is_overdue(timezone.localdate()),
    })


@require_POST
@login_required
def request_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Take one action on a request; a refusal is shown as a message and changes nothing."""
    definition = ACTIONS.get(action)
    if definition is None:
        raise Http404
    lifecycle_request = get_in_scope(request, _REQUESTS, pk=pk)
    form = definition.form(request.POST)
    if not form.is_valid():
        messages.error(request, _("表单数据不完整，请刷新页面后重试"))
    else:
        try:
            definition.perform(request.user, lifecycle_request, form)
        except TongbanError as error:
            show_error(request, error)
        else:
            messages.success(request, str(definition.done))
    return HttpResponseRedirect(_next_url(request, lifecycle_request))


def _next_url(request: HttpRequest, lifecycle_request: LifecycleRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse("workbench:request", args=[lifecycle_request.pk])
