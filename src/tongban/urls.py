"""Root URL configuration: each module brings its own ``urls.py``."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from tongban.api import api
from tongban.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("metrics", core_views.metrics, name="metrics"),
    path("api/v1/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    # The OpenID provider for agencies' systems (ID-2): issuer <site>/o, see docs/sso.md.
    path("o/", include("tongban.identity.oidc.urls", namespace="oauth2_provider")),
    path("workbench/", include("tongban.workbench.urls")),
    path("account/", include("tongban.portal.account_urls")),
    path("enterprise/", include("tongban.portal.enterprise_urls")),
    path("library/", include("tongban.portal.library_urls")),
    path("cases/", include("tongban.portal.case_urls")),
    path("licences/", include("tongban.portal.licence_urls")),
    path("verify/", include("tongban.portal.verify_urls")),
    path("seals/", include("tongban.portal.seal_urls")),
    path("payments/", include("tongban.portal.payment_urls")),
    path("shipments/", include("tongban.portal.shipment_urls")),
    # Outside parties call back here (signed); their sandboxes serve their own pages here too.
    path("channels/payments/", include("tongban.payments.channel_urls")),
    path("channels/couriers/", include("tongban.logistics.courier_urls")),
    path("", include("tongban.portal.urls")),
]
