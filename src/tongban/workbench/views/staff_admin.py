"""Staff accounts and roles (三员分立): the system administrator's page, shared with the security administrator.

The system administrator creates staff, assigns and removes roles, disables and
enables accounts; the security administrator disables and enables accounts and
resets authenticators (``security_admin``). Each sees the staff whose roles lie
in the agencies their administrator role covers; the services check every action.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp.plugins.otp_totp.models import TOTPDevice

from tongban.agencies.models import Agency
from tongban.core.errors import TongbanError
from tongban.identity.errors import IdentityError
from tongban.identity.models import RoleAssignment, StaffRole, User
from tongban.identity.services import staff as staff_services
from tongban.workbench.forms.staff_admin import ReasonForm, RoleForm, StaffCreateForm, StaffSearchForm
from tongban.workbench.views.access import coverage_q, covered_agencies, held_agencies, holds, render_page, show_error

ADMIN_ROLES = (StaffRole.SYSTEM_ADMIN, StaffRole.SECURITY_ADMIN)
PAGE_SIZE = 30


def admin_refusal(request: HttpRequest) -> HttpResponse | None:
    """None for a system or security administrator; otherwise the refusal page (403)."""
    if held_agencies(request, ADMIN_ROLES):
        return None
    error = TongbanError(IdentityError.ROLE_REQUIRED, role="或".join(str(role.label) for role in ADMIN_ROLES))
    return render_page(request, "workbench/refused.html", {"refusal": error}, status=403)


def staff_in_scope(request: HttpRequest) -> QuerySet[User]:
    """Accounts holding a role in an agency the user's administrator roles cover (platform-wide: all staff)."""
    holders = RoleAssignment.objects.filter(coverage_q(request, ADMIN_ROLES)).values("user_id")
    condition = Q(pk__in=holders)
    if any(agency.parent_id is None for agency in held_agencies(request, ADMIN_ROLES)):
        # platform-wide: also admin accounts, and staff whose roles were all removed (they kept an authenticator)
        condition |= Q(is_staff=True) | Q(is_superuser=True)
        condition |= Q(role_assignments__isnull=True, totpdevice__isnull=False)
    enrolled = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return User.objects.filter(condition).distinct().annotate(enrolled=Exists(enrolled)).order_by("username")


def staff_member(request: HttpRequest, pk: int) -> User:
    """The account ``pk`` if it is in the user's administrative scope, else 404."""
    member = staff_in_scope(request).filter(pk=pk).first()
    if member is None:
        raise Http404
    return member


def _create_form(request: HttpRequest, data: dict[str, str] | None = None) -> StaffCreateForm:
    return StaffCreateForm(data, agencies=covered_agencies(request, (StaffRole.SYSTEM_ADMIN,)))


@require_safe
@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    """Every staff member in scope with their roles; the system administrator's form for a new account."""
    refused = admin_refusal(request)
    if refused is not None:
        return refused
    search = StaffSearchForm(request.GET or None)
    members = staff_in_scope(request).prefetch_related("role_assignments__agency")
    if search.is_valid() and search.cleaned_data["q"]:
        text = search.cleaned_data["q"].strip()
        members = members.filter(Q(username__icontains=text) | Q(display_name__icontains=text))
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page(request, "workbench/staff/list.html", {
        "search": search, "page_obj": page, "create_form": _create_form(request),
        "is_system_admin": holds(request, StaffRole.SYSTEM_ADMIN),
    })


@require_http_methods(["POST"])
@login_required
def staff_create(request: HttpRequest) -> HttpResponse:
    """Create the account through ``create_staff`` and open it; a refusal is shown with the form."""
    refused = admin_refusal(request)
    if refused is not None:
        return refused
    form = _create_form(request, request.POST)
    refusal = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            member = staff_services.create_staff(
                request.user, username=data["username"], display_name=data["display_name"],
                password=data["password"], role=data["role"], agency=data["agency"],
            )
        except TongbanError as error:
            refusal = error
        else:
            messages.success(request, _("已创建工作人员账号 %(username)s") % {"username": member.username})
            return redirect("workbench:staff_detail", pk=member.pk)
    return render_page(request, "workbench/staff/create.html", {"create_form": form, "refusal": refusal},
                       status=400)


@require_safe
@login_required
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One account: roles, second factor, status, and the forms the user's administrator roles allow."""
    refused = admin_refusal(request)
    if refused is not None:
        return refused
    member = staff_member(request, pk)
    return render_page(request, "workbench/staff/detail.html", {
        "member": member,
        "assignments": member.role_assignments.select_related("agency").order_by("role", "agency__path"),
        "role_form": RoleForm(agencies=covered_agencies(request, (StaffRole.SYSTEM_ADMIN,))),
        "reason_form": ReasonForm(),
        "is_system_admin": holds(request, StaffRole.SYSTEM_ADMIN),
        "is_security_admin": holds(request, StaffRole.SECURITY_ADMIN),
        "is_self": member.pk == request.user.pk,
    })


def _act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Run one account action from a posted form, report the outcome, and return to the account."""
    refused = admin_refusal(request)
    if refused is not None:
        return refused
    member = staff_member(request, pk)
    form: RoleForm | ReasonForm
    if action in ("assign", "remove"):
        # Any agency parses; the service decides whether the administrator's role covers it.
        form = RoleForm(request.POST, agencies=Agency.objects.all())
    else:
        form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请检查填写的内容：%(errors)s") % {"errors": form.errors.as_text()})
        return redirect("workbench:staff_detail", pk=member.pk)
    data = form.cleaned_data
    try:
        if action == "assign":
            staff_services.assign_role(request.user, member, data["role"], data["agency"])
            done = _("已授予角色")
        elif action == "remove":
            staff_services.remove_role(request.user, member, data["role"], data["agency"])
            done = _("已撤销角色")
        elif action == "disable":
            staff_services.disable_account(request.user, member, data["reason"])
            done = _("账号已停用，其所有登录会话已结束")
        else:
            staff_services.enable_account(request.user, member, data["reason"])
            done = _("账号已启用")
    except TongbanError as error:
        show_error(request, error)
    else:
        messages.success(request, done)
    return redirect("workbench:staff_detail", pk=member.pk)


@require_POST
@login_required
def role_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Give the account a role (system administrator)."""
    return _act(request, pk, "assign")


@require_POST
@login_required
def role_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a role away (system administrator)."""
    return _act(request, pk, "remove")


@require_POST
@login_required
def account_disable(request: HttpRequest, pk: int) -> HttpResponse:
    """Disable the account and end its sessions (system or security administrator)."""
    return _act(request, pk, "disable")


@require_POST
@login_required
def account_enable(request: HttpRequest, pk: int) -> HttpResponse:
    """Enable a disabled account (system or security administrator)."""
    return _act(request, pk, "enable")
