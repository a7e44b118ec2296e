"""The authorization endpoint as Tongban needs it (ID-2): applicant login, sign-on context, a consent page in Chinese.

django-oauth-toolkit's ``AuthorizationView`` does the protocol; this subclass

* sends a visitor who is not logged in to the applicant login page
  (``settings.TONGBAN_OIDC_LOGIN_URL``) with ``next`` pointing back here:
  ``settings.LOGIN_URL`` is the staff workbench's login;
* hands the validator what the session knows: the enterprise grant the person
  acts under (ID-4, re-checked on every read) and how they logged in;
* gives the consent template the client's agency and the exact data shared;
* answers ``prompt=none`` from a logged-in person with ``consent_required``:
  the platform asks for consent on every sign-on, so it never signs in silently.

The templates live under ``identity/oidc/``: ``oauth2_provider/…`` would be
shadowed by the toolkit's own, which comes first in ``INSTALLED_APPS``.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.models import get_application_model
from oauth2_provider.views import AuthorizationView, ConnectDiscoveryInfoView

from tongban.identity.models import OidcClient
from tongban.identity.oidc import claims
from tongban.identity.oidc.validator import AUTHENTICATION_METHODS_ATTRIBUTE, ENTERPRISE_GRANT_ATTRIBUTE
from tongban.identity.services.enterprise_sessions import current_grant


class SignOnAuthorizationView(AuthorizationView):
    """``/o/authorize/``: log the person in, show what the agency system asks for, issue the code on consent."""

    template_name = "identity/oidc/authorize.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Refuse ``prompt=none`` with ``consent_required`` (OpenID Connect Core 3.1.2.6); else the toolkit's flow."""
        if request.user.is_authenticated and "none" in request.GET.get("prompt", "").split():
            return self._consent_required(request)
        return super().get(request, *args, **kwargs)

    def _consent_required(self, request: HttpRequest) -> HttpResponse:
        try:
            _scopes, credentials = self.validate_authorization_request(request)
        except OAuthToolkitError as error:
            return self.error_response(error, application=None)
        # Validated: the redirect URI is registered for this client.
        application = get_application_model().objects.get(client_id=credentials["client_id"])
        parameters = {"error": "consent_required"}
        if credentials.get("state"):
            parameters["state"] = credentials["state"]
        redirect_uri = credentials["redirect_uri"]
        separator = "&" if "?" in redirect_uri else "?"
        return self.redirect(f"{redirect_uri}{separator}{urlencode(parameters)}", application)

    def get_login_url(self) -> str:
        """The applicant login page, not the staff one."""
        return str(settings.TONGBAN_OIDC_LOGIN_URL)

    def create_authorization_response(self, request: HttpRequest, scopes: str, credentials: dict[str, Any],
                                      allow: bool) -> tuple[str, dict[str, Any], str, int]:
        """Pass the session's sign-on context to the validator with the credentials it saves with the code."""
        methods = request.session.get(claims.AUTHENTICATION_METHODS_SESSION_KEY) or []
        credentials = {
            **credentials,
            ENTERPRISE_GRANT_ATTRIBUTE: current_grant(request),
            AUTHENTICATION_METHODS_ATTRIBUTE: [str(method) for method in methods],
        }
        return super().create_authorization_response(request, scopes, credentials, allow)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """The toolkit's context plus the client's agency, the enterprise acted for and the data to be shared."""
        context = super().get_context_data(**kwargs)
        application = context.get("application")
        if application is not None and not context.get("error"):
            registration = OidcClient.objects.filter(application=application).select_related("agency").first()
            acting = current_grant(self.request)
            context["client_agency"] = registration.agency if registration else None
            context["acting_grant"] = acting
            context["shared_items"] = claims.shared_items(self.request.user, list(context.get("scopes") or []), acting)
        return context

    def render_to_response(self, context: dict[str, Any], **response_kwargs: Any) -> HttpResponse:
        """The page is never cached: it carries the request's state and the person's data."""
        response = super().render_to_response(context, **response_kwargs)
        response["Cache-Control"] = "no-store"
        return response


class SignOnDiscoveryView(ConnectDiscoveryInfoView):
    """The toolkit's discovery document, stating what Tongban really does: RS256 only, the four ``acr`` levels."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Adjust the toolkit's document (it would also offer HS256, which no Tongban client uses)."""
        toolkit_response = super().get(request, *args, **kwargs)
        document = json.loads(toolkit_response.content)
        document["id_token_signing_alg_values_supported"] = ["RS256"]
        document["claims_supported"] = sorted(document.get("claims_supported", []))
        document["acr_values_supported"] = [claims.acr_for(level) for level in range(0, 5)]
        response = JsonResponse(document)
        response["Access-Control-Allow-Origin"] = "*"
        return response
