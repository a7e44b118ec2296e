"""Applicant enterprise pages (identity issue)."""


app_name = "enterprise"
urlpatterns: list = []
