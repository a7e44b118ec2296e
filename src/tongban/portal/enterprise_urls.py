"""Applicant enterprise pages (ID-4), mounted at /enterprise/."""

from django.urls import path

from tongban.portal import enterprise_views as views

app_name = "enterprise"
urlpatterns = [
    path("", views.home, name="home"),
    path("register/", views.register, name="register"),
    path("stop-acting/", views.stop_acting, name="stop_acting"),
    path("grants/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("grants/<int:pk>/act/", views.act_as, name="act_as"),
    path("<str:uscc>/", views.detail, name="detail"),
    path("<str:uscc>/grants/new/", views.grant_new, name="grant"),
]
