"""The operator's trust-services page (SEAL-1, SEAL-2, LIC-1, LIC-4): seal applications to approve, agency
seals to create, seals to suspend or revoke, other regions' issuing keys, and recent licences to revoke.

The services check the operator role (or the issuing role) themselves; the
page is for platform operators, so the views check that first and a refusal
changes nothing.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from tongban.agencies.models import Agency
from tongban.core.errors import TongbanError
from tongban.identity.models import StaffRole
from tongban.identity.services import require_role
from tongban.licences.models import Licence, TrustedIssuer
from tongban.licences.services import issuance, regions
from tongban.seals.models import AGENCY_KINDS, Seal, SealStatus
from tongban.seals.services import registry
from tongban.workbench.forms.base import WorkbenchForm
from tongban.workbench.views.access import render_page, show_error

TEMPLATE = "workbench/trust/page.html"


class AgencySealForm(WorkbenchForm):
    """A new agency seal: which agency, which kind, the caption under the star."""

    agency = forms.ModelChoiceField(label=_("单位"), queryset=Agency.objects.order_by("path"))
    kind = forms.ChoiceField(label=_("印章类型"), choices=[(k.value, k.label) for k in AGENCY_KINDS])
    caption = forms.CharField(label=_("印章下方文字"), max_length=20, required=False,
                              help_text=_("如“证照专用章”；单位公章可留空"))


class IssuerForm(WorkbenchForm):
    """Another region's issuing key to trust."""

    key_id = forms.CharField(label=_("密钥标识"), max_length=80)
    region = forms.CharField(label=_("地区"), max_length=40)
    name = forms.CharField(label=_("平台名称"), max_length=120)
    public_key_pem = forms.CharField(label=_("公钥（PEM）"), widget=forms.Textarea(attrs={"rows": 4}))


def _refusal(request: HttpRequest) -> HttpResponse | None:
    try:
        require_role(request.user, StaffRole.PLATFORM_OPERATOR)
    except TongbanError as error:
        return render_page(request, "workbench/refused.html", {"refusal": error}, status=403)
    return None


def _page(request: HttpRequest, seal_form: AgencySealForm | None = None, issuer_form: IssuerForm | None = None,
          status: int = 200) -> HttpResponse:
    seals = Seal.objects.select_related("agency", "enterprise", "person").defer("image_png").order_by("-applied_at")
    return render_page(request, TEMPLATE, {
        "pending": seals.filter(status=SealStatus.PENDING), "seals": seals.exclude(status=SealStatus.PENDING)[:200],
        "seal_form": seal_form or AgencySealForm(), "issuer_form": issuer_form or IssuerForm(),
        "issuers": TrustedIssuer.objects.order_by("-added_at"),
        "licences": Licence.objects.select_related("licence_type").defer("pdf").order_by("-issued_at")[:50],
    }, status=status)


@require_safe
@login_required
def trust_page(request: HttpRequest) -> HttpResponse:
    """Everything the operator keeps for the trust services, on one page."""
    return _refusal(request) or _page(request)


@require_POST
@login_required
def create_agency_seal(request: HttpRequest) -> HttpResponse:
    """Make an agency's seal (key, certificate and image), active at once."""
    if refused := _refusal(request):
        return refused
    form = AgencySealForm(request.POST)
    if not form.is_valid():
        return _page(request, seal_form=form, status=400)
    try:
        seal = registry.create_agency_seal(request.user, form.cleaned_data["agency"], kind=form.cleaned_data["kind"],
                                           caption=form.cleaned_data["caption"])
    except TongbanError as error:
        show_error(request, error)
        return _page(request, seal_form=form, status=400)
    messages.success(request, _("已为“%(name)s”制作%(kind)s") % {"name": seal.name, "kind": seal.get_kind_display()})
    return redirect("workbench:trust")


SEAL_ACTIONS = {"approve", "reject", "suspend", "reinstate", "revoke"}


@require_POST
@login_required
def seal_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Approve or reject an application; suspend, reinstate or revoke a seal (reasons where they are needed)."""
    if refused := _refusal(request):
        return refused
    seal = get_object_or_404(Seal, pk=pk)
    if action not in SEAL_ACTIONS:
        return redirect("workbench:trust")
    reason = request.POST.get("reason", "")[:200]
    try:
        if action in {"approve", "reinstate"}:
            getattr(registry, action)(request.user, seal)
        else:
            getattr(registry, action)(request.user, seal, reason)
    except TongbanError as error:
        show_error(request, error)
        return redirect("workbench:trust")
    messages.success(request, _("印章“%(name)s”已处理") % {"name": seal.name})
    return redirect("workbench:trust")


@require_POST
@login_required
def add_issuer(request: HttpRequest) -> HttpResponse:
    """Put another region's issuing key on the trust list (LIC-4)."""
    if refused := _refusal(request):
        return refused
    form = IssuerForm(request.POST)
    if not form.is_valid():
        return _page(request, issuer_form=form, status=400)
    try:
        regions.add_issuer(request.user, **form.cleaned_data)
    except TongbanError as error:
        show_error(request, error)
        return _page(request, issuer_form=form, status=400)
    messages.success(request, _("已加入信任列表"))
    return redirect("workbench:trust")


@require_POST
@login_required
def withdraw_issuer(request: HttpRequest, pk: int) -> HttpResponse:
    """Stop trusting a key; its licences show as revoked at once."""
    if refused := _refusal(request):
        return refused
    try:
        regions.withdraw_issuer(request.user, get_object_or_404(TrustedIssuer, pk=pk))
    except TongbanError as error:
        show_error(request, error)
    return redirect("workbench:trust")


@require_POST
@login_required
def revoke_licence(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke a licence with a reason; every page shows it revoked from the next read."""
    if refused := _refusal(request):
        return refused
    try:
        issuance.revoke(request.user, get_object_or_404(Licence, pk=pk), request.POST.get("reason", ""))
    except TongbanError as error:
        show_error(request, error)
    return redirect("workbench:trust")


