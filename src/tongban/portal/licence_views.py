"""The holder's licence wallet (我的证照, LIC-1, LIC-3, LIC-4): licences with status and PDF, other regions'
licences gathered under the holder's ID number, the use history, and 亮证 (a short-lived QR code)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from tongban.core.errors import TongbanError
from tongban.identity.models import Person
from tongban.licences.services import regions, show, wallet
from tongban.portal.enterprise_views import applicant_login_required
from tongban.portal.trust_access import with_person


class ImportForm(forms.Form):
    """Another region's signed licence file (JSON) to gather into the wallet."""

    file = forms.FileField(label=_("外省市电子证照文件（JSON）"))


def _page(request: HttpRequest, person: Person, import_form: ImportForm | None = None,
          status: int = 200) -> HttpResponse:
    licences = list(wallet.licences_of(person).defer("pdf", "fields_encrypted"))
    for licence in licences:
        licence.use_list = list(wallet.uses_of(licence)[:10])  # type: ignore[attr-defined]
    return render(request, "portal/licences/home.html", {
        "licences": licences, "foreign": wallet.foreign_licences_of(person),
        "import_form": import_form or ImportForm(),
    }, status=status)


@require_safe
@applicant_login_required
@with_person
def home(request: HttpRequest, person: Person) -> HttpResponse:
    """My licences (and my enterprises'), their status, PDF and recent uses."""
    return _page(request, person)


@require_safe
@applicant_login_required
@with_person
def pdf(request: HttpRequest, person: Person, number: str) -> HttpResponse:
    """The signed PDF of one of my licences."""
    try:
        licence = wallet.own_licence(request.user, number)
    except TongbanError as error:
        return render(request, "portal/library/refused.html", {"message": f"{error.message}（{error.code}）"},
                      status=404)
    response = HttpResponse(bytes(licence.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{licence.number}.pdf"'
    return response


@require_POST
@applicant_login_required
@with_person
def show_licence(request: HttpRequest, person: Person, number: str) -> HttpResponse:
    """亮证: a fresh short-lived token as a QR code for the verifier to scan."""
    try:
        shown = show.create_token(request.user, wallet.own_licence(request.user, number))
    except TongbanError as error:
        messages.error(request, f"{error.message}（{error.code}）")
        return redirect("licences:home")
    return render(request, "portal/licences/show.html", {"shown": shown, "qr_svg": shown.qr_svg()})


@require_POST
@applicant_login_required
@with_person
def import_foreign(request: HttpRequest, person: Person) -> HttpResponse:
    """Gather my licence from another Yangtze River Delta region (verified under the trust list, LIC-4)."""
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, person, form, status=400)
    upload = form.cleaned_data["file"]
    try:
        if upload.size > 256 * 1024:
            raise ValueError
        text = upload.read().decode("utf-8")
    except (UnicodeDecodeError, ValueError):
        form.add_error("file", _("文件应为不超过 256 KB 的 UTF-8 JSON 文件"))
        return _page(request, person, form, status=400)
    try:
        licence = regions.import_document(request.user, text)
    except TongbanError as error:
        form.add_error("file", f"{error.message}（{error.code}）")
        return _page(request, person, form, status=400)
    messages.success(request, _("已归集“%(name)s”") % {"name": licence.type_name})
    return redirect("licences:home")
