"""My electronic seals (SEAL-2): a person applies for a personal signature, an enterprise's legal representative
or administrator for the enterprise seal; holders suspend, reinstate and revoke them; use history is listed."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from tongban.core.errors import TongbanError
from tongban.identity.models import Enterprise, EnterpriseGrant, GrantRole, Person
from tongban.portal.enterprise_views import applicant_login_required
from tongban.portal.trust_access import with_person
from tongban.seals.models import SealKind
from tongban.seals.services import registry


def _managed(person: Person) -> list[Enterprise]:
    grants = EnterpriseGrant.objects.active().filter(
        person=person, role__in=[GrantRole.LEGAL_REPRESENTATIVE, GrantRole.ADMINISTRATOR]).select_related("enterprise")
    return [grant.enterprise for grant in grants]


@require_safe
@applicant_login_required
@with_person
def home(request: HttpRequest, person: Person) -> HttpResponse:
    """My seals and my enterprises' seals, their status and recent uses, and the application forms."""
    seals = list(registry.seals_of(person).select_related("enterprise", "person"))
    for seal in seals:
        seal.use_list = list(seal.uses.order_by("-used_at")[:10])  # type: ignore[attr-defined]
    return render(request, "portal/seals/home.html", {"seals": seals, "enterprises": _managed(person)})


@require_safe
@applicant_login_required
@with_person
def image(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    """The seal image (PNG), for its holder."""
    seal = registry.seals_of(person).filter(pk=pk).first()
    if seal is None:
        return HttpResponse(status=404)
    return HttpResponse(bytes(seal.image_png), content_type="image/png")


@require_POST
@applicant_login_required
@with_person
def apply(request: HttpRequest, person: Person) -> HttpResponse:
    """Apply online for a personal signature or for an enterprise's seal; the operator approves it."""
    enterprise = None
    kind = SealKind.PERSONAL
    if request.POST.get("enterprise"):
        kind = SealKind.ENTERPRISE
        enterprise = Enterprise.objects.filter(pk=request.POST["enterprise"]).first()
    try:
        registry.apply(request.user, kind=kind, enterprise=enterprise)
    except TongbanError as error:
        messages.error(request, f"{error.message}（{error.code}）")
    else:
        messages.success(request, _("申请已提交，平台审核通过后即可使用"))
    return redirect("seals:home")


@require_POST
@applicant_login_required
@with_person
def change(request: HttpRequest, person: Person, pk: int, action: str) -> HttpResponse:
    """Suspend, reinstate or revoke one of my seals."""
    seal = registry.seals_of(person).filter(pk=pk).first()
    if seal is None or action not in {"suspend", "reinstate", "revoke"}:
        return redirect("seals:home")
    try:
        if action == "reinstate":
            registry.reinstate(request.user, seal)
        else:
            getattr(registry, action)(request.user, seal, request.POST.get("reason", "")[:200])
    except TongbanError as error:
        messages.error(request, f"{error.message}（{error.code}）")
    return redirect("seals:home")
