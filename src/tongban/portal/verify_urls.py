"""Public verification URLs, mounted at ``/verify/``: show tokens and signed documents, no login (LIC-3, SEAL-1)."""

from django.urls import path

from tongban.portal import verify_views as views

app_name = "verify"
urlpatterns = [
    path("", views.home, name="home"),
    path("pdf/", views.verify_pdf, name="pdf"),
    path("show/<str:token>/", views.show, name="show"),
    path("licences/<str:number>/<str:code>/", views.licence, name="licence"),
]
