"""The platform operator's other-region identity providers (ID-5, YRD-1): list, add, edit, disable.

``identity.federation.services`` checks the role and the configuration; the
pages are shown to platform operators only, so each view checks the role
before it reads anything. The list shows the callback URL the other region
must register for the platform.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tongban.core.errors import TongbanError
from tongban.identity.federation import services
from tongban.identity.models import ExternalProvider, StaffRole
from tongban.identity.services import require_role
from tongban.workbench.forms.federation import ProviderForm
from tongban.workbench.views.access import apply_refusal, render_page, show_error


def _operator_refusal(request: HttpRequest) -> HttpResponse | None:
    """None for a platform operator; otherwise the refusal page (403), before anything is read or changed."""
    try:
        require_role(request.user, StaffRole.PLATFORM_OPERATOR)
    except TongbanError as error:
        return render_page(request, "workbench/refused.html", {"refusal": error}, status=403)
    return None


def _callback_url(request: HttpRequest, provider: ExternalProvider) -> str:
    return request.build_absolute_uri(reverse("account:federation_callback", args=[provider.slug]))


@require_safe
@login_required
def provider_list(request: HttpRequest) -> HttpResponse:
    """Every configured provider with its state, its callback URL and how many accounts are linked."""
    refused = _operator_refusal(request)
    if refused is not None:
        return refused
    providers = list(ExternalProvider.objects.annotate(identity_count=Count("identities")).order_by("name", "slug"))
    rows = [{"provider": provider, "callback_url": _callback_url(request, provider)} for provider in providers]
    return render_page(request, "workbench/federation/list.html", {"rows": rows})


def _form_page(request: HttpRequest, provider: ExternalProvider | None) -> HttpResponse:
    """GET shows the form; POST saves through the service and returns to the list, or shows the refusal."""
    refusal = None
    if request.method == "POST":
        form = ProviderForm(request.POST, provider=provider)
        if form.is_valid():
            try:
                if provider is None:
                    saved = services.create_provider(request.user, **form.service_arguments())
                else:
                    saved = services.update_provider(request.user, provider, **form.service_arguments())
            except TongbanError as error:
                refusal = error
                apply_refusal(form, error)
            else:
                messages.success(request, _("已保存外省市认证源：%(name)s") % {"name": saved.name})
                return redirect("workbench:federation")
    else:
        form = ProviderForm(provider=provider)
    return render_page(request, "workbench/federation/form.html", {
        "form": form, "provider": provider, "refusal": refusal,
        "callback_url": _callback_url(request, provider) if provider else "",
    })


@require_http_methods(["GET", "POST"])
@login_required
def provider_create(request: HttpRequest) -> HttpResponse:
    """Add another region's provider."""
    refused = _operator_refusal(request)
    if refused is not None:
        return refused
    return _form_page(request, None)


@require_http_methods(["GET", "POST"])
@login_required
def provider_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a provider's settings (the slug stays)."""
    refused = _operator_refusal(request)
    if refused is not None:
        return refused
    return _form_page(request, get_object_or_404(ExternalProvider, pk=pk))


@require_POST
@login_required
def provider_enabled(request: HttpRequest, pk: int) -> HttpResponse:
    """Disable (``enabled=0``) or enable again (``enabled=1``) a provider."""
    refused = _operator_refusal(request)
    if refused is not None:
        return refused
    provider = get_object_or_404(ExternalProvider, pk=pk)
    enabled = request.POST.get("enabled") == "1"
    try:
        services.set_provider_enabled(request.user, provider, enabled=enabled)
    except TongbanError as error:
        show_error(request, error)
    else:
        text = _("已启用：%(name)s") if enabled else _("已停用：%(name)s")
        messages.success(request, text % {"name": provider.name})
    return redirect("workbench:federation")
