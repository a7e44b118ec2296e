"""Workbench URLs, mounted at ``/workbench/``; ``login`` and ``home`` are named in settings."""

from django.urls import include, path

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
    # Trust services, payments and logistics: each in its own file, same namespace
    path("", include("tongban.workbench.trust_urls")),
    path("", include("tongban.workbench.payment_urls")),
    path("", include("tongban.workbench.logistics_urls")),
]

# Counter staff: in-person real-name verification (level 4) and audited reveals (ID-1, SEC-4).
from tongban.workbench.views import counter  # noqa: E402

urlpatterns += [
    path("counter/", counter.search, name="counter"),
    path("counter/persons/<int:pk>/", counter.person_detail, name="counter_person"),
    path("counter/persons/<int:pk>/verify/", counter.verify, name="counter_verify"),
    path("counter/persons/<int:pk>/reveal/", counter.reveal, name="counter_reveal"),
]

# Platform operator: the cut-off switch and webhook deliveries needing attention (SEC-3, PLAT-3).
from tongban.workbench.views import cut_off  # noqa: E402

urlpatterns += [
    path("cut-off/", cut_off.cut_off_page, name="cut_off"),
    path("cut-off/agency/", cut_off.cut_off_agency, name="cut_off_agency"),
    path("cut-off/<int:pk>/restore/", cut_off.restore_agency, name="cut_off_restore"),
]

# Unified acceptance: case queues, the case page and its actions, counter filing (CASE-1 … CASE-8, ITEM-13).
from tongban.workbench.views import case_detail, case_queues, case_verifications, counter_draft, counter_filing  # noqa: E402

urlpatterns += [
    path("cases/", case_queues.queue, name="cases"),
    path("verifications/", case_verifications.verification_list, name="verifications"),
    path("verifications/<int:pk>/finding/", case_verifications.record_finding, name="verification_finding"),
    path("cases/<str:number>/", case_detail.case_page, name="case"),
    path("cases/<str:number>/materials/<int:pk>/", case_detail.material_download, name="case_material"),
    path("cases/<str:number>/actions/<slug:action>/", case_detail.case_action, name="case_action"),
    path("counter/file/", counter_filing.start, name="counter_file"),
    path("counter/file/start/", counter_filing.start_draft, name="counter_file_start"),
    path("counter/file/<str:number>/", counter_draft.draft_page, name="counter_draft"),
    path("counter/file/<str:number>/form/", counter_draft.save_form, name="counter_draft_form"),
    path("counter/file/<str:number>/materials/<str:code>/", counter_draft.provide_material,
         name="counter_draft_material"),
    path("counter/file/<str:number>/commitment/", counter_draft.sign_commitment, name="counter_draft_commitment"),
    path("counter/file/<str:number>/submit/", counter_draft.submit, name="counter_draft_submit"),
]
