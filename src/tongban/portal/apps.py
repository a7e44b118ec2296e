from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Public and applicant pages."""

    name = "tongban.portal"
    label = "portal"
    verbose_name = "门户"
