"""Workbench URLs, mounted at ``/workbench/``; ``login`` and ``home`` are named in settings."""

from django.urls import path

from tongban.workbench.views import agency, auth, calendar, drafts, life_events, queues, requests, supervision

app_name = "workbench"
urlpatterns = [
    path("", auth.home, name="home"),
    path("login/", auth.StaffLoginView.as_view(), name="login"),
    path("logout/", auth.StaffLogoutView.as_view(), name="logout"),
    # Agency admin
    path("items/", agency.item_list, name="agency_items"),
    path("items/new/", drafts.draft_create, name="draft_create"),
    path("items/upload/", drafts.draft_upload, name="draft_upload"),
    path("items/<int:pk>/", agency.item_detail, name="agency_item"),
    path("items/<int:pk>/versions/<int:number>/", agency.version_detail, name="version"),
    path("items/<int:pk>/draft/", drafts.draft_edit, name="draft_edit"),
    path("items/<int:pk>/new-version/", agency.new_version, name="new_version"),
    path("items/<int:pk>/file/", agency.file_version, name="file_version"),
    path("items/<int:pk>/status-change/", agency.status_change, name="status_change"),
    path("items/<int:pk>/maintenance/", agency.maintenance, name="maintenance"),
    path("items/<int:pk>/urgent-suspension/", agency.urgent_suspension, name="urgent_suspension"),
    # Review queues and requests
    path("queues/<slug:slug>/", queues.queue, name="queue"),
    path("requests/<int:pk>/", requests.request_detail, name="request"),
    path("requests/<int:pk>/<slug:action>/", requests.request_action, name="request_action"),
    # Supervisor
    path("supervision/", supervision.overview, name="supervision"),
    # Platform operator: working-day calendar and life events (ITEM-11)
    path("calendar/", calendar.calendar_page, name="calendar"),
    path("calendar/day/", calendar.set_day, name="calendar_day"),
    path("calendar/day/remove/", calendar.remove_day, name="calendar_remove"),
    path("calendar/year/", calendar.declare_year, name="calendar_declare"),
    path("life-events/", life_events.event_list, name="life_events"),
    path("life-events/new/", life_events.event_create, name="life_event_create"),
    path("life-events/<int:pk>/", life_events.event_edit, name="life_event_edit"),
]
