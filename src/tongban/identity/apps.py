from django.apps import AppConfig


class IdentityConfig(AppConfig):
    """Accounts: staff with agency-scoped roles (applicants arrive with the identity issue)."""

    name = "tongban.identity"
    label = "identity"
    verbose_name = "统一身份认证"
