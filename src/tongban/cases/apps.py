from django.apps import AppConfig


class CasesConfig(AppConfig):
    """Unified acceptance (统一受理): applications, materials, handling, deadlines, decisions, mode-3 exchange."""

    name = "tongban.cases"
    label = "cases"
    verbose_name = "统一受理"

    def ready(self) -> None:
        """Register cases' handlers with the lower modules that must tell it something (plain registries, no
        signals): a delivered result shipment (LOG-1) and a paid fee order (PAY-1)."""
        from tongban.cases.services import fees, shipping

        shipping.register()
        fees.register()
