"""Payment channel callbacks and the sandbox channel's hosted pages, mounted at ``/channels/payments/``."""

from django.urls import path

from tongban.payments import channel_views as views

app_name = "payment_channels"
urlpatterns = [
    path("notify/<str:code>/", views.notify, name="notify"),
    path("sandbox/faults/", views.sandbox_faults, name="sandbox_faults"),
    path("sandbox/<str:code>/pay/<str:token>/", views.sandbox_pay, name="sandbox_pay"),
    path("sandbox/<str:code>/statement/<str:day>.csv", views.sandbox_statement, name="sandbox_statement"),
]
