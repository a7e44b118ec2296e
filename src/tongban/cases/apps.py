from django.apps import AppConfig


class CasesConfig(AppConfig):
    """Unified acceptance (统一受理): applications, materials, handling, deadlines, decisions, mode-3 exchange."""

    name = "tongban.cases"
    label = "cases"
    verbose_name = "统一受理"

    def ready(self) -> None:
        """Tell payments to move a case on when its fee order is paid (a registry, not a signal)."""
        from tongban.cases.services import fees

        fees.register()
