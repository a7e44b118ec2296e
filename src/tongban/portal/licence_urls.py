"""Licence wallet URLs, mounted at ``/licences/`` (LIC-1, LIC-3)."""

from django.urls import path

from tongban.portal import licence_views as views

app_name = "licences"
urlpatterns = [
    path("", views.home, name="home"),
    path("import/", views.import_foreign, name="import"),
    path("<str:number>/pdf/", views.pdf, name="pdf"),
    path("<str:number>/show/", views.show_licence, name="show"),
]
