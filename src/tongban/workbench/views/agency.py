"""The agency admin's pages: the agency's items, one item's versions and requests, and filing requests.

Filing, status changes, maintenance and urgent suspension are decided by the
lifecycle services, which check the role; these views show their refusals on
the form (a field's error on that field, a guide's problems with their paths).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tongban.catalogue.models import ItemVersion, LifecycleRequest, RequestKind, RequestState, ServiceItem
from tongban.catalogue.models.choices import ItemStatus, VersionState
from tongban.catalogue.models.lifecycle import OPEN_STATES
from tongban.catalogue.services import drafts, guides, lifecycle
from tongban.core.errors import TongbanError
from tongban.identity.models import StaffRole
from tongban.workbench.forms.actions import MaintenanceForm, ReasonForm, StatusChangeForm, UrgentSuspensionForm
from tongban.workbench.views.access import (
    apply_refusal,
    coverage_q,
    get_in_scope,
    holds,
    problems_of,
    render_page,
    show_error,
)
from tongban.workbench.views.guide_display import with_labels
from tongban.workbench.views.history import history

PAGE_SIZE = 20
# The states lifecycle.withdraw accepts; the item page offers the form only then.
WITHDRAWABLE_STATES = {
    RequestState.AWAITING_CIVIL_AFFAIRS, RequestState.AWAITING_AUTHORITY, RequestState.RETURNED_FOR_RETEST,
}
ITEMS = ServiceItem.objects.select_related("basic_item", "agency", "published_version")


@require_safe
@login_required
def item_list(request: HttpRequest) -> HttpResponse:
    """The items of the agencies the user administers, with status, published version and any open request."""
    open_requests = LifecycleRequest.objects.filter(item=OuterRef("pk"), state__in=OPEN_STATES)
    drafts = ItemVersion.objects.filter(item=OuterRef("pk"), state=VersionState.DRAFT)
    items = (
        ITEMS.filter(coverage_q(request, (StaffRole.AGENCY_ADMIN,)))
        .annotate(
            open_request_kind=Subquery(open_requests.values("kind")[:1]),
            open_request_id=Subquery(open_requests.values("pk")[:1]),
            draft_number=Subquery(drafts.values("number")[:1]),
        )
        .order_by("agency__path", "implementation_code")
    )
    status = request.GET.get("status", "")
    if status in ItemStatus.values:
        items = items.filter(status=status)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    for item in page:
        label = RequestKind(item.open_request_kind).label if item.open_request_kind else ""
        item.open_request_label = label  # type: ignore[attr-defined]
    return render_page(request, "workbench/agency/item_list.html", {
        "page_obj": page,
        "statuses": ItemStatus.choices,
        "status": status,
        "is_admin": holds(request, StaffRole.AGENCY_ADMIN),
    })


@require_safe
@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One item: its versions, its requests with their step history, and the agency admin's actions."""
    item = get_in_scope(request, ITEMS, pk=pk)
    versions = list(item.versions.order_by("-number"))
    requests = list(item.lifecycle_requests.select_related("version").prefetch_related("steps").order_by("-pk"))
    for entry in requests:
        entry.history = history(entry.steps.all())  # type: ignore[attr-defined]
    open_request = next((entry for entry in requests if entry.is_open), None)
    return render_page(request, "workbench/agency/item_detail.html", {
        "item": item,
        "versions": versions,
        "draft": next((version for version in versions if version.state == VersionState.DRAFT), None),
        "lifecycle_requests": requests,
        "open_request": open_request,
        "withdrawable": open_request is not None and open_request.state in WITHDRAWABLE_STATES,
        "is_admin": holds(request, StaffRole.AGENCY_ADMIN, item.agency),
    })


@require_safe
@login_required
def version_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """One version's guide as filed (materials, situations, limits, optimisation record)."""
    item = get_in_scope(request, ITEMS, pk=pk)
    version = (
        ItemVersion.objects.filter(item=item, number=number)
        .prefetch_related("materials", "situation_questions__options").first()
    )
    if version is None:
        return redirect("workbench:agency_item", pk=item.pk)
    return render_page(request, "workbench/agency/version_detail.html", {"item": item, "version": with_labels(version)})


@require_POST
@login_required
def new_version(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy the published guide into a new draft version, to be edited and filed as a change (ITEM-5)."""
    item = get_in_scope(request, ITEMS, pk=pk)
    try:
        created = drafts.start_version(request.user, item)
    except TongbanError as error:
        show_error(request, error)
        return redirect("workbench:agency_item", pk=item.pk)
    messages.success(request, _("已从现行版本复制生成草稿 v%(number)s") % {"number": created.number})
    return redirect("workbench:draft_edit", pk=item.pk)


def _item_action(
    request: HttpRequest, item: ServiceItem, form_class: type[forms.Form], title: str | Promise,
    perform: Callable[[Any, ServiceItem, Any], LifecycleRequest], extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """GET shows the form; POST calls the service and goes to the new request, or shows the refusal."""
    refusal = None
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                filed = perform(request.user, item, form)
            except TongbanError as error:
                refusal = error
                apply_refusal(form, error)
            else:
                messages.success(request, _("已提交：%(request)s") % {"request": filed})
                return redirect("workbench:request", pk=filed.pk)
    else:
        form = form_class()
    return render_page(request, "workbench/agency/item_action.html", {
        "item": item, "form": form, "title": title, "refusal": refusal,
        "problems": problems_of(refusal) if refusal else [], **(extra or {}),
    })


@require_http_methods(["GET", "POST"])
@login_required
def file_version(request: HttpRequest, pk: int) -> HttpResponse:
    """File the draft guide to open the item or change it (ITEM-4, ITEM-5); shows what keeps it from opening."""
    item = get_in_scope(request, ITEMS, pk=pk)
    draft = item.versions.filter(state=VersionState.DRAFT).first()
    # Without a draft the latest version goes to the service, which refuses it as frozen (after the role check).
    # Every item is created with a version, so there is always a latest one.
    version = draft or item.versions.order_by("-number").first()
    assert version is not None

    def perform(user: Any, item: ServiceItem, form: ReasonForm) -> LifecycleRequest:
        """File the version with the reason given."""
        return lifecycle.file_version(user, version, form.cleaned_data["reason"])

    title = _("申请事项上线") if item.published_version_id is None else _("申请事项变更")
    preview = guides.completeness_problems(draft) if draft is not None and request.method == "GET" else []
    return _item_action(request, item, ReasonForm, title, perform, {"filing": True, "draft": draft, "preview": preview})


@require_http_methods(["GET", "POST"])
@login_required
def status_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask to suspend, resume or terminate the item (ITEM-6)."""
    return _item_action(
        request, get_in_scope(request, ITEMS, pk=pk), StatusChangeForm, _("申请暂停、恢复或终止"),
        lambda user, item, form: lifecycle.file_status_change(
            user, item, RequestKind(form.cleaned_data["kind"]), form.cleaned_data["reason"]),
    )


@require_http_methods(["GET", "POST"])
@login_required
def maintenance(request: HttpRequest, pk: int) -> HttpResponse:
    """File a maintenance window with the operator, at least 5 working days ahead (ITEM-6)."""
    return _item_action(
        request, get_in_scope(request, ITEMS, pk=pk), MaintenanceForm, _("报备维护暂停"),
        lambda user, item, form: lifecycle.file_maintenance(
            user, item, starts_on=form.cleaned_data["starts_on"], ends_on=form.cleaned_data["ends_on"],
            reason=form.cleaned_data["reason"]),
    )


@require_http_methods(["GET", "POST"])
@login_required
def urgent_suspension(request: HttpRequest, pk: int) -> HttpResponse:
    """Suspend at once with a public announcement, reported to the operator (ITEM-6)."""
    return _item_action(
        request, get_in_scope(request, ITEMS, pk=pk), UrgentSuspensionForm, _("紧急暂停"),
        lambda user, item, form: lifecycle.suspend_urgently(
            user, item, reason=form.cleaned_data["reason"],
            announcement_title=form.cleaned_data["announcement_title"],
            announcement_body=form.cleaned_data["announcement_body"]),
    )
