"""Workbench pages for seals and licences (included into the workbench namespace)."""

from django.urls import path

from tongban.workbench.views import trust

urlpatterns = [
    path("trust/", trust.trust_page, name="trust"),
    path("trust/agency-seals/", trust.create_agency_seal, name="trust_agency_seal"),
    path("trust/seals/<int:pk>/<str:action>/", trust.seal_action, name="trust_seal_action"),
    path("trust/issuers/", trust.add_issuer, name="trust_add_issuer"),
    path("trust/issuers/<int:pk>/withdraw/", trust.withdraw_issuer, name="trust_withdraw_issuer"),
    path("trust/licences/<int:pk>/revoke/", trust.revoke_licence, name="trust_revoke_licence"),
]
