from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Kernel: workdays, identifiers, audit log, errors."""

    name = "tongban.core"
    label = "core"
    verbose_name = "核心"
