"""What a staff member may see in the workbench, and how refusals reach the page.

Permission to *act* is checked by the services (``require_role`` inside each
use case). The views only make sure nobody is even shown another agency's
objects: every queryset is narrowed to the agencies the user's roles cover,
and an object outside that scope is a 404.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import messages
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tongban.agencies.models import Agency
from tongban.core.errors import TongbanError, ValidationProblems
from tongban.identity.models import RoleAssignment, StaffRole

WORKBENCH_ROLES = tuple(StaffRole)
ModelT = TypeVar("ModelT", bound=Model)
_CACHE_ATTRIBUTE = "_workbench_assignments"


def assignments(request: HttpRequest) -> list[RoleAssignment]:
    """The user's role assignments with their agencies, read once per request."""
    cached = getattr(request, _CACHE_ATTRIBUTE, None)
    if cached is None:
        user = request.user
        if not user.is_authenticated or not user.is_active:
            cached = []
        else:
            cached = list(RoleAssignment.objects.filter(user=user).select_related("agency").order_by("role", "id"))
        setattr(request, _CACHE_ATTRIBUTE, cached)
    return cached


def held_agencies(request: HttpRequest, roles: tuple[str, ...] | list[str] = WORKBENCH_ROLES) -> list[Agency]:
    """The agencies at which the user holds any of ``roles``."""
    return [assignment.agency for assignment in assignments(request) if assignment.role in roles]


def holds(request: HttpRequest, role: str, agency: Agency | None = None) -> bool:
    """True when the user holds ``role`` covering ``agency`` (anywhere when None); decides which forms to show."""
    return any(holder.covers(agency) if agency is not None else True for holder in held_agencies(request, (role,)))


def coverage_q(request: HttpRequest, roles: tuple[str, ...] | list[str] = WORKBENCH_ROLES,
               field: str = "agency") -> Q:
    """A filter keeping rows whose agency lies in the subtree of an agency where the user holds one of ``roles``."""
    paths = sorted({agency.path for agency in held_agencies(request, roles)})
    # A path that lies below another adds nothing to the filter.
    paths = [path for path in paths if not any(path != other and path.startswith(other) for other in paths)]
    if not paths:
        return Q(pk__in=[])
    prefix = f"{field}__path__startswith" if field else "path__startswith"
    condition = Q()
    for path in paths:
        condition |= Q(**{prefix: path})
    return condition


def covered_agencies(request: HttpRequest, roles: tuple[str, ...] | list[str] = WORKBENCH_ROLES) -> QuerySet[Agency]:
    """Every agency the user's ``roles`` cover, in tree order."""
    return Agency.objects.filter(coverage_q(request, roles, field="")).order_by("path")


def get_in_scope(request: HttpRequest, queryset: QuerySet[ModelT],
                 roles: tuple[str, ...] | list[str] = WORKBENCH_ROLES, **lookup: Any) -> ModelT:
    """The object matching ``lookup`` if one of the user's roles covers its agency, else 404."""
    found = queryset.filter(coverage_q(request, roles), **lookup).first()
    if found is None:
        raise Http404
    return found


def show_error(request: HttpRequest, error: TongbanError) -> None:
    """Report a refusal as a message with its code, which staff can quote to support."""
    messages.error(request, f"{error.message}（{error.code}）")


def problems_of(error: TongbanError | None) -> list[dict[str, Any]]:
    """The path-by-path problems of a refusal that carries them (guide checks), else none."""
    return list(error.problems) if isinstance(error, ValidationProblems) else []


def render_page(request: HttpRequest, template: str, context: dict[str, Any] | None = None,
                status: int = 200) -> HttpResponse:
    """Render a workbench page with what the navigation needs: the roles held and today's date."""
    page_context = {
        "held_roles": {assignment.role for assignment in assignments(request)},
        "today": timezone.localdate(),
        **(context or {}),
    }
    return render(request, template, page_context, status=status)


def apply_refusal(form: Any, error: TongbanError) -> None:
    """Show a refusal on the form field it names as well (the page states every refusal above the form)."""
    if error.field in getattr(form, "fields", {}):
        form.add_error(error.field, f"{error.message}（{error.code}）")

