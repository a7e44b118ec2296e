"""Seal management URLs, mounted at ``/seals/`` (SEAL-2)."""

from django.urls import path

from tongban.portal import seal_views as views

app_name = "seals"
urlpatterns = [
    path("", views.home, name="home"),
    path("apply/", views.apply, name="apply"),
    path("<int:pk>/image.png", views.image, name="image"),
    path("<int:pk>/<str:action>/", views.change, name="change"),
]
