"""Shipments and the address book, mounted at ``/shipments/`` (LOG-1)."""

from django.urls import path

from tongban.portal import shipment_views

app_name = "shipments"
urlpatterns = [
    path("addresses/", shipment_views.address_book, name="addresses"),
    path("addresses/<int:pk>/delete", shipment_views.delete_address, name="delete_address"),
    path("cases/<str:number>/delivery", shipment_views.choose_delivery, name="choose_delivery"),
    path("cases/<str:number>/materials", shipment_views.send_materials, name="send_materials"),
]
