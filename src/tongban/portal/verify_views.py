"""Public verification pages under /verify/ (LIC-3, SEAL-1): scan a show token, open a licence's QR link,
or upload a sealed PDF. No login; every refusal says why, with its code."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from tongban.core.errors import TongbanError
from tongban.licences.services import show as licence_show
from tongban.seals.models import Seal
from tongban.seals.services import signing

MAX_PDF_BYTES = 20 * 1024 * 1024


class PdfUploadForm(forms.Form):
    """One PDF to check."""

    file = forms.FileField(label=_("签章 PDF 文件"), widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}))


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """What can be verified here, and the PDF upload form."""
    return render(request, "portal/verify/home.html", {"form": PdfUploadForm()})


@require_http_methods(["GET", "POST"])
def verify_pdf(request: HttpRequest) -> HttpResponse:
    """Upload a PDF: every signature validated against the platform CA; a changed byte is reported."""
    form = PdfUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "portal/verify/home.html", {"form": form})
    upload = form.cleaned_data["file"]
    if upload.size > MAX_PDF_BYTES:
        form.add_error("file", _("文件超过 20 MB"))
        return render(request, "portal/verify/home.html", {"form": form})
    try:
        result = signing.verify_pdf(upload.read())
    except TongbanError as error:
        form.add_error("file", f"{error.message}（{error.code}）")
        return render(request, "portal/verify/home.html", {"form": form}, status=400)
    seal = None
    if result.seal_id is not None:
        seal = Seal.objects.filter(pk=result.seal_id).select_related("agency", "enterprise", "person").first()
    return render(request, "portal/verify/home.html", {"form": PdfUploadForm(), "result": result, "seal": seal})


def _licence_page(request: HttpRequest, loader, argument: tuple[str, ...]) -> HttpResponse:  # type: ignore[no-untyped-def]
    try:
        licence = loader(*argument)
    except TongbanError as error:
        return render(request, "portal/verify/licence.html", {"error": error}, status=410 if error.code in {
            "LICENCE_TOKEN_EXPIRED", "LICENCE_TOKEN_USED_UP"} else 400)
    response = render(request, "portal/verify/licence.html", {"licence": licence})
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def show(request: HttpRequest, token: str) -> HttpResponse:
    """A scanned show token (亮证码): the licence's essentials, status and issuer; spends one use."""
    return _licence_page(request, licence_show.verify_token, (token,))


@require_safe
def licence(request: HttpRequest, number: str, code: str) -> HttpResponse:
    """The page a licence PDF's QR code opens."""
    return _licence_page(request, licence_show.verify_link, (number, code))
