"""The OpenID provider's endpoints under ``/o/`` (ID-2), in the toolkit's ``oauth2_provider`` namespace.

Only what single sign-on needs is routed: authorization (Tongban's view),
token, revocation, discovery, JWKS, userinfo and RP-initiated logout, plus the
RFC 8414 metadata. The toolkit's self-service application pages and its device
and dynamic-registration endpoints are left out on purpose: agency systems are
registered by the platform operator (workbench or ``tongban oidc-client``).
"""

from django.urls import path, re_path
from oauth2_provider import views as toolkit

from tongban.identity.oidc.views import SignOnAuthorizationView, SignOnDiscoveryView

app_name = "oauth2_provider"
urlpatterns = [
    path("authorize/", SignOnAuthorizationView.as_view(), name="authorize"),
    path("token/", toolkit.TokenView.as_view(), name="token"),
    path("revoke_token/", toolkit.RevokeTokenView.as_view(), name="revoke-token"),
    re_path(r"^\.well-known/openid-configuration/?$", SignOnDiscoveryView.as_view(),
            name="oidc-connect-discovery-info"),
    path(".well-known/oauth-authorization-server", toolkit.OAuthServerMetadataView.as_view(),
         name="oauth-server-metadata"),
    path(".well-known/jwks.json", toolkit.JwksInfoView.as_view(), name="jwks-info"),
    path("userinfo/", toolkit.UserInfoView.as_view(), name="user-info"),
    path("logout/", toolkit.RPInitiatedLogoutView.as_view(template_name="identity/oidc/logout_confirm.html"),
         name="rp-initiated-logout"),
]
