from django.apps import AppConfig


class LogisticsConfig(AppConfig):
    """Unified logistics (统一物流快递): shipments, address book, courier adapters, tracking."""

    name = "tongban.logistics"
    label = "logistics"
    verbose_name = "统一物流快递"
