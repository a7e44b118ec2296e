"""Cross-province login pages (ID-5): off to another region's provider, and back.

``/account/federation/<slug>/start/`` remembers state, nonce and PKCE verifier
in the session and redirects to the provider; ``…/callback/`` hands the
provider's answer to ``identity.federation.flow.finish_login``, logs the
matched person in (a new session id, as at every login) and goes on to
``next`` or the applicant's account page. Every refusal is shown with its code
and nothing was changed.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from tongban.core.errors import TongbanError
from tongban.identity.errors import IdentityError
from tongban.identity.federation import flow
from tongban.identity.services import persons

REFUSAL_STATUS = {
    IdentityError.FEDERATION_PROVIDER_UNKNOWN: 404,
    IdentityError.FEDERATION_PROVIDER_DISABLED: 403,
    IdentityError.FEDERATION_ACCOUNT_DISABLED: 403,
    IdentityError.FEDERATION_PROVIDER_UNREACHABLE: 502,
    IdentityError.FEDERATION_PROVIDER_METADATA_INVALID: 502,
}


def _refused(request: HttpRequest, error: TongbanError) -> HttpResponse:
    status = REFUSAL_STATUS.get(error.error, 400)  # type: ignore[call-overload]
    return render(request, "portal/account/federation_refused.html", {"refusal": error}, status=status)


def _safe_next(request: HttpRequest, candidate: str) -> str:
    """``candidate`` when it points back into this site, else "" (no open redirect through the login)."""
    allowed = url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                              require_https=request.is_secure())
    return candidate if candidate and allowed else ""


@never_cache
@require_safe
def start(request: HttpRequest, slug: str) -> HttpResponse:
    """Send the applicant to the other region's login page."""
    try:
        provider = flow.provider_by_slug(slug)
        callback = request.build_absolute_uri(reverse("account:federation_callback", args=[provider.slug]))
        url = flow.begin_login(request.session, provider, redirect_uri=callback,
                               next_url=_safe_next(request, request.GET.get("next", "")))
    except TongbanError as error:
        return _refused(request, error)
    return HttpResponseRedirect(url)


@never_cache
@require_safe
def callback(request: HttpRequest, slug: str) -> HttpResponse:
    """The provider sends the applicant back here with a code (or an error) and the state."""
    parameters = request.GET
    try:
        provider = flow.provider_by_slug(slug)
        person, pending = flow.finish_login(
            request.session, provider, state=parameters.get("state", ""), code=parameters.get("code", ""),
            error=parameters.get("error", ""), error_description=parameters.get("error_description", ""),
        )
    except TongbanError as error:
        return _refused(request, error)
    # A new session id, the session's lifetime limits and index, and the login audit event, as at every login.
    persons.open_session(request, person, method="other_region")
    return HttpResponseRedirect(_safe_next(request, pending.next_url) or reverse("account:home"))
