from django.apps import AppConfig


class CasesConfig(AppConfig):
    """Unified acceptance (统一受理): applications, materials, handling, deadlines, decisions, mode-3 exchange."""

    name = "tongban.cases"
    label = "cases"
    verbose_name = "统一受理"

    def ready(self) -> None:
        """Register the courier-delivery handler with logistics (a plain registry, LOG-1)."""
        from tongban.cases.services import shipping

        shipping.register()
