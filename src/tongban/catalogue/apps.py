from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    """Service-item catalogue (事项管理): items, versions, guides, lifecycle, life events."""

    name = "tongban.catalogue"
    label = "catalogue"
    verbose_name = "事项管理"
