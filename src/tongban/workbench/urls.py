"""Workbench URLs, mounted at ``/workbench/``; ``login`` and ``home`` are named in settings."""

from django.urls import path

from tongban.workbench.views import (
    agency,
    audit_log,
    auth,
    calendar,
    drafts,
    federation,
    life_events,
    oidc_clients,
    queues,
    requests,
    security_admin,
    staff_admin,
    supervision,
    two_factor,
)

app_name = "workbench"
urlpatterns = [
    path("", auth.home, name="home"),
    path("login/", auth.StaffLoginView.as_view(), name="login"),
    path("logout/", auth.StaffLogoutView.as_view(), name="logout"),
    path("two-factor/", two_factor.verify, name="two_factor"),
    path("two-factor/enrol/", two_factor.enrol, name="two_factor_enrol"),
    # The three administrators (三员分立): staff and roles, security, audit log
    path("staff/", staff_admin.staff_list, name="staff"),
    path("staff/new/", staff_admin.staff_create, name="staff_create"),
    path("staff/<int:pk>/", staff_admin.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/roles/assign/", staff_admin.role_assign, name="staff_role_assign"),
    path("staff/<int:pk>/roles/remove/", staff_admin.role_remove, name="staff_role_remove"),
    path("staff/<int:pk>/disable/", staff_admin.account_disable, name="staff_disable"),
    path("staff/<int:pk>/enable/", staff_admin.account_enable, name="staff_enable"),
    path("staff/<int:pk>/reset-second-factor/", security_admin.reset_second_factor, name="staff_reset_second_factor"),
    path("security/", security_admin.overview, name="security"),
    path("security/unlock/", security_admin.unlock, name="security_unlock"),
    path("audit/", audit_log.event_list, name="audit"),
    path("audit/verify/", audit_log.verify, name="audit_verify"),
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
    # Platform operator: other regions' identity providers (ID-5)
    path("federation/", federation.provider_list, name="federation"),
    path("federation/new/", federation.provider_create, name="federation_create"),
    path("federation/<int:pk>/", federation.provider_edit, name="federation_edit"),
    path("federation/<int:pk>/enabled/", federation.provider_enabled, name="federation_enabled"),
    # Platform operator: agencies' systems signing people in through the platform (ID-2)
    path("sso-clients/", oidc_clients.client_list, name="oidc_clients"),
    path("sso-clients/new/", oidc_clients.client_register, name="oidc_client_register"),
    path("sso-clients/<slug:client_id>/disable/", oidc_clients.client_disable, name="oidc_client_disable"),
]

# Counter staff: in-person real-name verification (level 4) and audited reveals (ID-1, SEC-4).
from tongban.workbench.views import counter  # noqa: E402

urlpatterns += [
    path("counter/", counter.search, name="counter"),
    path("counter/persons/<int:pk>/", counter.person_detail, name="counter_person"),
    path("counter/persons/<int:pk>/verify/", counter.verify, name="counter_verify"),
    path("counter/persons/<int:pk>/reveal/", counter.reveal, name="counter_reveal"),
]
