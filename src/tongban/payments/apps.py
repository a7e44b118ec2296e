from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    """Unified public payment (统一公共支付): fee items, orders, channels, reconciliation, e-receipts."""

    name = "tongban.payments"
    label = "payments"
    verbose_name = "统一公共支付"
