"""The applicant's cases and the apply wizard (CASE-1, CASE-3, CASE-5, CASE-8, PLAT-1), mounted at /cases/."""

from django.urls import path

from tongban.portal import case_views as views
from tongban.portal import case_wizard as wizard

app_name = "cases"
urlpatterns = [
    path("", views.my_cases, name="mine"),
    path("messages/", views.my_messages, name="messages"),
    path("apply/<str:implementation_code>/", wizard.apply, name="apply"),
    path("<str:number>/", views.case_page, name="detail"),
    path("<str:number>/edit/", wizard.edit, name="edit"),
    path("<str:number>/correction/", views.answer_correction, name="answer_correction"),
    path("<str:number>/correction/<str:code>/", views.upload_correction, name="upload_correction"),
    path("<str:number>/withdraw/", views.withdraw, name="withdraw"),
]
