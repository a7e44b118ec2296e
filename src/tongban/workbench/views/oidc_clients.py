"""The platform operator's single sign-on clients (ID-2): the list, registration (the secret shown once), disabling.

``identity.oidc.clients`` checks the role inside each use case; the pages are
shown to platform operators only, so these views check the role before they
read anything, and a refusal changes nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tongban.core.errors import TongbanError
from tongban.identity.models import StaffRole
from tongban.identity.oidc import clients
from tongban.identity.services import require_role
from tongban.workbench.forms.oidc_clients import DisableClientForm, RegisterClientForm
from tongban.workbench.views.access import apply_refusal, render_page, show_error

LIST_TEMPLATE = "workbench/oidc_clients/list.html"
FORM_TEMPLATE = "workbench/oidc_clients/form.html"
REGISTERED_TEMPLATE = "workbench/oidc_clients/registered.html"


def _operator_refusal(request: HttpRequest) -> HttpResponse | None:
    """None for a platform operator; otherwise the refusal page (403), before anything is read or changed."""
    try:
        require_role(request.user, StaffRole.PLATFORM_OPERATOR)
    except TongbanError as error:
        return render_page(request, "workbench/refused.html", {"refusal": error}, status=403)
    return None


@require_safe
@login_required
def client_list(request: HttpRequest) -> HttpResponse:
    """Every registered client with its agency, redirect URIs and state."""
    refused = _operator_refusal(request)
    if refused is not None:
        return refused
    return render_page(request, LIST_TEMPLATE, {
        "clients": list(clients.list_clients()), "disable_form": DisableClientForm(),
    })


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def client_register(request: HttpRequest) -> HttpResponse:
    """GET shows the form; POST registers through the service and shows the secret this once."""
    refused = _operator_refusal(request)
    if refused is not None:
        return refused
    refusal = None
    if request.method == "POST":
        form = RegisterClientForm(request.POST)
        if form.is_valid():
            try:
                registered = clients.register_client(request.user, **form.service_arguments())
            except TongbanError as error:
                refusal = error
                apply_refusal(form, error)
            else:
                response = render_page(request, REGISTERED_TEMPLATE, {"registered": registered})
                response["Cache-Control"] = "no-store"  # the secret must not stay in any cache
                return response
    else:
        form = RegisterClientForm()
    return render_page(request, FORM_TEMPLATE, {"form": form, "refusal": refusal},
                       status=400 if refusal is not None else 200)


@require_POST
@login_required
def client_disable(request: HttpRequest, client_id: str) -> HttpResponse:
    """Disable a client: refused from the next request on, its codes and tokens deleted."""
    refused = _operator_refusal(request)
    if refused is not None:
        return refused
    form = DisableClientForm(request.POST)
    try:
        client = clients.client_by_id(client_id)
        if not form.is_valid():
            messages.error(request, _("请填写停用原因"))
            return redirect("workbench:oidc_clients")
        clients.disable_client(request.user, client, form.cleaned_data["reason"])
    except TongbanError as error:
        show_error(request, error)
        return redirect("workbench:oidc_clients")
    messages.success(request, _("接入系统“%(name)s”已停用") % {"name": client.application.name})
    return redirect("workbench:oidc_clients")
