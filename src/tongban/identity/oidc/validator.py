"""django-oauth-toolkit's validator and oauthlib's server, adapted to Tongban (ID-2).

* Only clients registered through :mod:`tongban.identity.oidc.clients` and not
  disabled are usable; anything else is an unknown client.
* When the person consents, the authorization code is saved with an
  :class:`OidcSignOn` (how they logged in, which enterprise grant they act
  under) and the consent is audited; exchanging the code moves it onto the
  access token, so the ID token and the userinfo answer say the same.
* Claims come from :mod:`tongban.identity.oidc.claims`, released by scope.
* PKCE with S256 is required of every client (``PKCE_REQUIRED`` and
  :func:`require_s256`).
* No refresh tokens: when its hour is up an agency system sends the person
  through the authorization endpoint again (while the platform session lasts that
  is one consent click), so a disabled account or a revoked enterprise grant
  stops reaching it within the hour.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction
from oauth2_provider.models import get_access_token_model, get_grant_model
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.common import Request
from oauthlib.oauth2.rfc6749 import errors
from oauthlib.openid import Server

from tongban.core import audit
from tongban.identity.models import EnterpriseGrant, OidcClient, OidcSignOn, User
from tongban.identity.oidc import claims
from tongban.identity.services.enterprise_sessions import acting_audit_data

# Set on the oauthlib request by the authorization view (see views.SignOnAuthorizationView).
ENTERPRISE_GRANT_ATTRIBUTE = "tongban_enterprise_grant"
AUTHENTICATION_METHODS_ATTRIBUTE = "tongban_authentication_methods"
_SIGN_ON_ATTRIBUTE = "tongban_sign_on"
_ENABLED_ATTRIBUTE = "_tongban_enabled"
_SECTOR_ATTRIBUTE = "_tongban_sector"


def require_s256(request: Request) -> dict[str, Any]:
    """oauthlib pre-authorization check: a PKCE challenge must use S256 ("plain", or no method, is refused)."""
    if request.code_challenge is not None and request.code_challenge_method != "S256":
        raise errors.UnsupportedCodeChallengeMethodError(
            request=request, description='Only the "S256" code_challenge_method is supported.')
    return {}


class SignOnServer(Server):
    """oauthlib's OpenID Connect server: no refresh tokens, and PKCE with S256 only, for the authorization code grant.

    The toolkit refuses "plain" too, but only when the code is created, after
    the consent page; checking at validation refuses it before the page shows.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for grant_type in (self.auth_grant, self.openid_connect_auth.proxy_target):
            grant_type.refresh_token = False
            grant_type.custom_validators.pre_auth.append(require_s256)


class SignOnValidator(OAuth2Validator):
    """The toolkit's validator with Tongban's client registry, sign-on context and claims."""

    oidc_claim_scope = dict(claims.CLAIM_SCOPES)

    # -- clients -------------------------------------------------------------------------------
    def _load_application(self, client_id: str, request: Request) -> Any:
        """The toolkit's lookup, refusing clients that were never registered here or are disabled."""
        application = super()._load_application(client_id, request)
        if application is None:
            return None
        enabled = getattr(application, _ENABLED_ATTRIBUTE, None)
        if enabled is None:
            enabled = OidcClient.objects.filter(application_id=application.pk, disabled_at__isnull=True).exists()
            setattr(application, _ENABLED_ATTRIBUTE, enabled)
        if not enabled:
            request.client = None
            return None
        return application

    # -- prompt=none ---------------------------------------------------------------------------
    def validate_silent_login(self, request: Request) -> bool:
        """Let ``prompt=none`` through validation: the authorization view answers it.

        oauthlib asks this while validating, before the toolkit has put the user
        on the request, so it cannot decide; the view refuses an anonymous
        visitor with ``login_required`` and a logged-in person with
        ``consent_required`` (the platform never signs in silently).
        """
        return True

    def validate_silent_authorization(self, request: Request) -> bool:
        """See :meth:`validate_silent_login`."""
        return True

    # -- authorization code -------------------------------------------------------------------
    def save_authorization_code(self, client_id: str, code: dict[str, Any], request: Request,
                                *args: Any, **kwargs: Any) -> None:
        """Save the code with the person's sign-on context, and audit the consent, in one transaction."""
        with transaction.atomic():
            super().save_authorization_code(client_id, code, request, *args, **kwargs)
            grant = get_grant_model().objects.select_related("application").get(code=code["code"])
            enterprise_grant: EnterpriseGrant | None = getattr(request, ENTERPRISE_GRANT_ATTRIBUTE, None)
            sign_on = OidcSignOn.objects.create(
                grant=grant, enterprise_grant=enterprise_grant,
                authentication_methods=list(getattr(request, AUTHENTICATION_METHODS_ATTRIBUTE, None) or []),
            )
            registration = OidcClient.objects.filter(application_id=grant.application_id).first()
            audit.record(
                "identity.oidc.consented", actor=request.user, obj=sign_on,
                agency_id=registration.agency_id if registration else None,
                data={"client_id": grant.application.client_id, "client": grant.application.name,
                      "scopes": grant.scope.split(), **acting_audit_data(enterprise_grant)},
            )

    def validate_code(self, client_id: str, code: str, client: Any, request: Request,
                      *args: Any, **kwargs: Any) -> bool:
        """The toolkit's check, plus: the account is still active; the sign-on context is loaded for the claims."""
        if not super().validate_code(client_id, code, client, request, *args, **kwargs):
            return False
        if not request.user.is_active:
            return False
        sign_on = (
            OidcSignOn.objects.select_related("enterprise_grant").filter(grant__code=code, grant__application=client)
            .first()
        )
        setattr(request, _SIGN_ON_ATTRIBUTE, sign_on)
        return True

    def save_bearer_token(self, token: dict[str, Any], request: Request, *args: Any, **kwargs: Any) -> Any:
        """Save the tokens and move the sign-on context from the code onto the new access token."""
        with transaction.atomic():
            result = super().save_bearer_token(token, request, *args, **kwargs)
            sign_on = getattr(request, _SIGN_ON_ATTRIBUTE, None)
            if sign_on is not None and token.get("access_token"):
                checksum = hashlib.sha256(token["access_token"].encode("utf-8")).hexdigest()
                access_token = get_access_token_model().objects.get(token_checksum=checksum)
                OidcSignOn.objects.filter(pk=sign_on.pk).update(grant=None, access_token=access_token)
        return result

    # -- claims --------------------------------------------------------------------------------
    def _sign_on(self, request: Request) -> OidcSignOn | None:
        sign_on = getattr(request, _SIGN_ON_ATTRIBUTE, None)
        if sign_on is None:
            access_token = getattr(request, "access_token", None)
            if isinstance(access_token, get_access_token_model()):
                sign_on = OidcSignOn.objects.select_related("enterprise_grant").filter(
                    access_token=access_token).first()
                setattr(request, _SIGN_ON_ATTRIBUTE, sign_on)
        return sign_on

    def _sector(self, request: Request) -> str:
        sector = getattr(request, _SECTOR_ATTRIBUTE, None)
        if sector is None:
            sector = claims.sector_of(request.client)
            setattr(request, _SECTOR_ATTRIBUTE, sector)
        return sector

    def get_additional_claims(self, request: Request) -> dict[str, Any]:
        """Every claim about the person (``sub`` included); ``get_oidc_claims`` keeps those the scopes release."""
        sign_on = self._sign_on(request)
        user: User = request.user
        return claims.claims_for(
            user, sector=self._sector(request),
            enterprise_grant=sign_on.enterprise_grant if sign_on is not None else None,
            authentication_methods=sign_on.authentication_methods if sign_on is not None else [],
        )

    def get_discovery_claims(self, request: Any) -> list[str]:
        """The claims discovery advertises: every claim the platform can release."""
        return list(claims.CLAIM_SCOPES)
