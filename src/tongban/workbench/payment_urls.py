"""Workbench pages for payments and reconciliation (included into the workbench namespace)."""

from django.urls import path

from tongban.workbench.views import payments

urlpatterns = [
    path("payments/discrepancies/", payments.discrepancies, name="payment_discrepancies"),
    path("payments/discrepancies/<int:pk>/resolve/", payments.resolve, name="payment_discrepancy_resolve"),
    path("payments/reconcile/", payments.reconcile, name="payment_reconcile"),
    path("payments/orders/<str:number>/receipt.pdf", payments.receipt, name="payment_receipt"),
]
