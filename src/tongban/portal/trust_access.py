"""Shared by the wallet (/licences/) and seal (/seals/) pages: the logged-in applicant, or a page saying why not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tongban.identity.services.enterprise_sessions import person_of

ViewFunction = Callable[..., HttpResponse]


def with_person(view: ViewFunction) -> ViewFunction:
    """Pass the logged-in applicant's Person; staff accounts without one get a 403 page."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        person = person_of(request.user)
        if person is None:
            message = _("请使用个人账号登录")
            return render(request, "portal/library/refused.html", {"message": message}, status=403)
        return view(request, person, *args, **kwargs)

    wrapped.__doc__ = view.__doc__
    wrapped.__name__ = view.__name__
    return wrapped
