"""Courier callbacks, mounted at ``/channels/couriers/`` (LOG-1)."""

from django.urls import path

from tongban.logistics import views

app_name = "couriers"
urlpatterns = [
    path("<slug:courier>/events", views.courier_events, name="events"),
]
