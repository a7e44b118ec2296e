"""Applicant account pages (identity issue)."""


app_name = "account"
urlpatterns: list = []
