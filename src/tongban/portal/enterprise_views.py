"""The applicant's enterprise pages (ID-4): my enterprises, registration, members and grants, acting as one.

Views read the form and call :mod:`tongban.identity.services.enterprises`,
which checks every permission; a refusal comes back as a message with its code
(or on the form). Every change is a POST with a CSRF token; the pages work
without JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tongban.catalogue.models.choices import ItemType
from tongban.catalogue.services import queries
from tongban.core.errors import TongbanError
from tongban.identity.models import Enterprise, EnterpriseGrant, GrantScope, Person
from tongban.identity.services import enterprises
from tongban.identity.services.enterprise_sessions import person_of
from tongban.portal.enterprise_forms import GrantForm, RegisterEnterpriseForm, RevokeForm

# The applicant login page (persons' sign-in); settings.LOGIN_URL is the staff workbench's.
applicant_login_required = login_required(login_url="account:login")
ViewFunction = Callable[..., HttpResponse]


def _with_person(view: ViewFunction) -> ViewFunction:
    """Pass the logged-in applicant's Person; accounts without one (staff) get a page saying so."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        person = person_of(request.user)
        if person is None:
            message = _("企业业务需要使用个人账号登录办理")
            return render(request, "portal/enterprise/refused.html", {"message": message}, status=403)
        return view(request, person, *args, **kwargs)

    wrapped.__doc__ = view.__doc__
    wrapped.__name__ = view.__name__
    return wrapped


def _refused(request: HttpRequest, error: TongbanError) -> None:
    messages.error(request, f"{error.message}（{error.code}）")


def _not_found(request: HttpRequest) -> HttpResponse:
    message = _("没有找到该企业，或您不是该企业的授权人员")
    return render(request, "portal/enterprise/refused.html", {"message": message}, status=404)


def _item_type_of(implementation_code: str) -> str | None:
    """The item type of a listed item, for narrowing grants from item types to items (ID-4)."""
    try:
        return str(queries.published_item(implementation_code).basic_item.item_type)
    except TongbanError:
        return None


def describe_scope(grant: EnterpriseGrant) -> str:
    """The scope in words: "全部事项", "指定事项类型：行政许可、行政备案", "指定事项：…"."""
    if grant.scope == GrantScope.ALL_ITEMS:
        return str(GrantScope.ALL_ITEMS.label)
    if grant.scope == GrantScope.ITEM_TYPES:
        labels = [str(ItemType(value).label) if value in ItemType.values else value for value in grant.scope_values]
    else:
        labels = list(grant.scope_values)
    return f"{GrantScope(grant.scope).label}：{'、'.join(labels)}"


def _status(grant: EnterpriseGrant) -> str:
    if grant.revoked_at is not None:
        return _("已撤销")
    return _("有效") if grant.is_active else _("已过期")


@require_safe
@applicant_login_required
@_with_person
def home(request: HttpRequest, person: Person) -> HttpResponse:
    """My enterprises, each with my role, scope and expiry, and a button to act for it."""
    grants = enterprises.my_grants(person)
    for grant in grants:
        grant.scope_text = describe_scope(grant)  # type: ignore[attr-defined]
    return render(request, "portal/enterprise/home.html", {
        "grants": grants, "acting": enterprises.current_grant(request),
    })


@require_http_methods(["GET", "POST"])
@applicant_login_required
@_with_person
def register(request: HttpRequest, person: Person) -> HttpResponse:
    """Register an enterprise of which I am the legal representative (checked against the registry)."""
    form = RegisterEnterpriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = enterprises.register_enterprise(person, form.cleaned_data["uscc"], form.cleaned_data["name"])
        except TongbanError as error:
            _refused(request, error)
            if error.field in form.fields:
                form.add_error(error.field, f"{error.message}（{error.code}）")
        else:
            messages.success(request, _("企业“{name}”已注册，您是其法定代表人").format(name=enterprise.name))
            return redirect("enterprise:detail", uscc=enterprise.uscc)
    return render(request, "portal/enterprise/register.html", {"form": form, "level": person.real_name_level})


def _visible(person: Person, uscc: str) -> tuple[Enterprise | None, list[enterprises.GrantRow]]:
    enterprise = Enterprise.objects.filter(uscc=uscc).first()
    if enterprise is None:
        return None, []
    return enterprise, enterprises.visible_grants(person, enterprise)


def _granting_grants(person: Person, enterprise: Enterprise) -> list[EnterpriseGrant]:
    return [
        grant for grant in enterprises.my_grants(person)
        if grant.enterprise_id == enterprise.pk and grant.role in enterprises.CHILD_ROLE
    ]


@require_safe
@applicant_login_required
@_with_person
def detail(request: HttpRequest, person: Person, uscc: str) -> HttpResponse:
    """The enterprise's members and grants tree as far as my grants reach, with revoke and act-as buttons."""
    enterprise, rows = _visible(person, uscc)
    if enterprise is None or not rows:
        return _not_found(request)
    for row in rows:
        row.grant.scope_text = describe_scope(row.grant)  # type: ignore[attr-defined]
        row.grant.status_text = _status(row.grant)  # type: ignore[attr-defined]
    return render(request, "portal/enterprise/detail.html", {
        "enterprise": enterprise, "rows": rows, "person": person, "revoke_form": RevokeForm(),
        "can_grant": bool(_granting_grants(person, enterprise)), "acting": enterprises.current_grant(request),
    })


@require_http_methods(["GET", "POST"])
@applicant_login_required
@_with_person
def grant_new(request: HttpRequest, person: Person, uscc: str) -> HttpResponse:
    """Delegate part of one of my grants to a registered person."""
    enterprise = Enterprise.objects.filter(uscc=uscc).first()
    parents = _granting_grants(person, enterprise) if enterprise is not None else []
    if enterprise is None or not parents:
        return _not_found(request)
    form = GrantForm(request.POST or None, parents=parents, initial={"scope": GrantScope.ALL_ITEMS})
    if request.method == "POST" and form.is_valid():
        parent = form.parents[form.cleaned_data["parent"]]
        try:
            enterprises.grant(
                person, parent, form.cleaned_data["grantee"], enterprises.CHILD_ROLE[parent.role],
                form.cleaned_data["scope"], form.scope_values(), form.expires_at(), item_type_of=_item_type_of,
            )
        except TongbanError as error:
            _refused(request, error)
            field = {"scope_values": "items" if form.cleaned_data["scope"] == GrantScope.ITEMS else "item_types",
                     "expires_at": "expires_on"}.get(error.field or "", error.field)
            if field in form.fields:
                form.add_error(field, f"{error.message}（{error.code}）")
        else:
            messages.success(request, _("授权已生效"))
            return redirect("enterprise:detail", uscc=enterprise.uscc)
    return render(request, "portal/enterprise/grant_form.html", {"enterprise": enterprise, "form": form})


def _back(request: HttpRequest, grant: EnterpriseGrant | None) -> HttpResponse:
    if grant is not None:
        return redirect("enterprise:detail", uscc=grant.enterprise.uscc)
    return redirect("enterprise:home")


@require_POST
@applicant_login_required
@_with_person
def revoke(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    """Revoke a grant under one of mine, and everything granted under it."""
    grant = EnterpriseGrant.objects.select_related("enterprise").filter(pk=pk).first()
    form = RevokeForm(request.POST)
    if grant is None:
        return _not_found(request)
    if not form.is_valid():
        messages.error(request, _("请填写撤销原因"))
        return _back(request, grant)
    try:
        revoked = enterprises.revoke(person, grant, form.cleaned_data["reason"])
    except TongbanError as error:
        _refused(request, error)
    else:
        messages.success(request, _("已撤销{count}项授权").format(count=len(revoked)))
    return _back(request, grant)


@require_POST
@applicant_login_required
@_with_person
def act_as(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    """Start acting for the grant's enterprise; the header shows it until I switch back."""
    grant = EnterpriseGrant.objects.select_related("enterprise").filter(pk=pk).first()
    if grant is None:
        return _not_found(request)
    try:
        enterprises.act_as(request, grant)
    except TongbanError as error:
        _refused(request, error)
        return redirect("enterprise:home")
    messages.success(request, _("您现在以“{name}”的身份办理").format(name=grant.enterprise.name))
    return redirect("enterprise:detail", uscc=grant.enterprise.uscc)


@require_POST
@applicant_login_required
def stop_acting(request: HttpRequest) -> HttpResponse:
    """Go back to acting as myself; returns to the page the banner was on."""
    enterprises.stop_acting(request)
    messages.info(request, _("您已切换回个人身份"))
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect("enterprise:home")
