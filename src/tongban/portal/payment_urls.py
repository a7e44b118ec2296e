"""My payments, mounted at ``/payments/`` (PAY-1)."""

from django.urls import path

from tongban.portal import payment_views as views

app_name = "payments"
urlpatterns = [
    path("", views.my_payments, name="mine"),
    path("<str:number>/", views.order_page, name="detail"),
    path("<str:number>/pay/", views.pay, name="pay"),
    path("<str:number>/receipt.pdf", views.receipt, name="receipt"),
]
