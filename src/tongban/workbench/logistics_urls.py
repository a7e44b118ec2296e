"""Workbench pages for shipments (included into the workbench namespace)."""

from django.urls import path

from tongban.workbench.views import logistics

urlpatterns = [
    path("shipments/", logistics.work_item_list, name="shipment_work_items"),
    path("shipments/work-items/<int:pk>/reship", logistics.reship, name="shipment_reship"),
    path("shipments/work-items/<int:pk>/pickup", logistics.switch_to_pickup, name="shipment_pickup"),
]
