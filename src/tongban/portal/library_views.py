"""The applicant's material library (材料库, CASE-5): list, upload, corrected versions, download.

While the session acts for an enterprise (ID-4) the pages show and fill the
enterprise's library instead of the person's own. The views read the forms and
call :mod:`tongban.cases.services.documents`, which checks every permission and
every file; a refusal comes back on the form or as a message with its code.

Downloads here are for the holder only: staff read materials through the
workbench, whose pages sit behind the second factor, never through the portal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from tongban.cases.errors import DocumentError
from tongban.cases.models import Document, DocumentVersion
from tongban.cases.services import documents
from tongban.core.errors import TongbanError
from tongban.identity.models import Enterprise, Person
from tongban.identity.services.enterprise_sessions import current_grant, person_of
from tongban.portal.enterprise_views import applicant_login_required
from tongban.portal.library_forms import UploadForm, VersionForm

ViewFunction = Callable[..., HttpResponseBase]


def _with_person(view: ViewFunction) -> ViewFunction:
    """Pass the logged-in applicant's Person; accounts without one (staff) get a page saying so."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        person = person_of(request.user)
        if person is None:
            message = _("材料库需要使用个人账号登录；工作人员请在工作台查阅办件材料")
            return render(request, "portal/library/refused.html", {"message": message}, status=403)
        return view(request, person, *args, **kwargs)

    wrapped.__doc__ = view.__doc__
    wrapped.__name__ = view.__name__
    return wrapped


def _acting_for(request: HttpRequest) -> Enterprise | None:
    grant = current_grant(request)
    return grant.enterprise if grant is not None else None


def _refused_page(request: HttpRequest, error: TongbanError, status: int) -> HttpResponse:
    message = f"{error.message}（{error.code}）"
    return render(request, "portal/library/refused.html", {"message": message}, status=status)


def _page(request: HttpRequest, person: Person, upload_form: UploadForm | None = None) -> HttpResponse:
    enterprise = _acting_for(request)
    try:
        held = list(documents.library(person, enterprise=enterprise).order_by("-created_at", "-id"))
    except TongbanError as error:
        return _refused_page(request, error, status=403)
    today = timezone.localdate()
    for document in held:
        document.version_list = sorted(document.versions.all(), key=lambda version: -version.number)  # type: ignore[attr-defined]
        document.is_expired = document.valid_until is not None and document.valid_until < today  # type: ignore[attr-defined]
    return render(request, "portal/library/home.html", {
        "documents": held, "enterprise": enterprise, "upload_form": upload_form or UploadForm(),
        "version_form": VersionForm(),
    })


@require_safe
@applicant_login_required
@_with_person
def home(request: HttpRequest, person: Person) -> HttpResponse:
    """My materials, each with its versions (date, size, hash prefix), validity and an add-version form."""
    return _page(request, person)


@require_POST
@applicant_login_required
@_with_person
def upload(request: HttpRequest, person: Person) -> HttpResponse:
    """Put a new file into the library; identical content already there is not stored again."""
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, person, form)
    data = form.cleaned_data
    try:
        version = documents.store_upload(
            person, data["file"], title=data["title"], material_name=data["material_name"],
            enterprise=_acting_for(request), valid_until=data["valid_until"],
        )
    except TongbanError as error:
        field = error.field if error.field in form.fields else None
        form.add_error(field, f"{error.message}（{error.code}）")
        return _page(request, person, form)
    if documents.was_deduplicated(version):
        messages.info(request, _("该文件已在材料库中（“{title}”第{number}版），未重复保存").format(
            title=version.document.title, number=version.number))
    else:
        messages.success(request, _("材料“{title}”已存入材料库").format(title=version.document.title))
    return redirect("library:home")


@require_POST
@applicant_login_required
@_with_person
def add_version(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    """Upload a corrected file as the next version of one of my materials."""
    document = Document.objects.select_related("enterprise").filter(pk=pk).first()
    form = VersionForm(request.POST, request.FILES)
    if document is None:
        return _refused_page(request, TongbanError(DocumentError.ACCESS_DENIED), status=404)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的文件"))
        return redirect("library:home")
    try:
        version = documents.add_version(person, document, form.cleaned_data["file"])
    except TongbanError as error:
        messages.error(request, f"{error.message}（{error.code}）")
        return redirect("library:home")
    if documents.was_deduplicated(version):
        messages.info(request, _("上传的文件与当前第{number}版相同，未生成新版本").format(number=version.number))
    else:
        messages.success(request, _("材料“{title}”已更新为第{number}版，以前的版本仍然保留").format(
            title=document.title, number=version.number))
    return redirect("library:home")


@require_safe
@applicant_login_required
@_with_person
def download(request: HttpRequest, person: Person, pk: int) -> HttpResponseBase:
    """The stored file as an attachment, with the detected content type and no sniffing by the browser."""
    version = DocumentVersion.objects.select_related("document__enterprise").filter(pk=pk).first()
    if version is None:
        return _refused_page(request, TongbanError(DocumentError.ACCESS_DENIED), status=404)
    try:
        opened = documents.open_version(request.user, version)
    except TongbanError as error:
        return _refused_page(request, error, status=404)
    response = FileResponse(
        opened, as_attachment=True, filename=version.original_name, content_type=version.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
