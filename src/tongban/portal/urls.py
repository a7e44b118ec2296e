"""Public portal pages (mounted at "/" by the root URLconf)."""

from django.urls import path

from tongban.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search_page, name="search"),
    path("items/<str:implementation_code>/", views.guide_page, name="guide"),
    path("life-events/", views.life_events_page, name="life_events"),
    path("life-events/<str:code>/", views.life_event_page, name="life_event"),
    path("one-trip/", views.one_trip_page, name="one_trip"),
    path("announcements/", views.announcements_page, name="announcements"),
]
