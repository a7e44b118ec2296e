from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    """Service-item catalogue (事项管理): items, versions, guides, lifecycle, life events."""

    name = "tongban.catalogue"
    label = "catalogue"
    verbose_name = "事项管理"

    def ready(self) -> None:
        from tongban.catalogue import metrics
        from tongban.core import metrics as registry

        registry.register(metrics.collect)
