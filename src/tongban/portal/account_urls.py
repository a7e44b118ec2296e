"""Applicant account pages (identity issue)."""

from django.urls import path

from tongban.portal import account_views, federation_views

app_name = "account"
# Persons (ID-1, ID-3, SEC-4): sign-up, login, logout, my account and the real-name levels.
urlpatterns: list = [
    path("", account_views.home, name="home"),
    path("signup/", account_views.signup, name="signup"),
    path("signup/code/", account_views.signup_code, name="signup_code"),
    path("login/", account_views.login_page, name="login"),
    path("login/code/", account_views.login_code, name="login_code"),
    path("logout/", account_views.logout_view, name="logout"),
    path("password/", account_views.set_password, name="password"),
    path("level/resident/", account_views.raise_resident, name="level_resident"),
    path("level/foreigner/", account_views.raise_foreigner, name="level_foreigner"),
    path("level/bank-card/", account_views.raise_bank_card, name="level_bank_card"),
    path("level/face/", account_views.raise_face, name="level_face"),
    path("level/face/sandbox-sample.png", account_views.face_sample, name="face_sample"),
]

# Cross-province login (ID-5): another region's OpenID Connect provider.
urlpatterns += [
    path("federation/<slug:slug>/start/", federation_views.start, name="federation_start"),
    path("federation/<slug:slug>/callback/", federation_views.callback, name="federation_callback"),
]
