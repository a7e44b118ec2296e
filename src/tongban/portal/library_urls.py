"""The applicant's material library (CASE-5), mounted at /library/."""

from django.urls import path

from tongban.portal import library_views as views

app_name = "library"
urlpatterns = [
    path("", views.home, name="home"),
    path("upload/", views.upload, name="upload"),
    path("<int:pk>/versions/", views.add_version, name="add_version"),
    path("versions/<int:pk>/download/", views.download, name="download"),
]
