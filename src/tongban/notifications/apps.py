from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """In-app messages to applicants, with an SMS copy through the gateway adapter."""

    name = "tongban.notifications"
    label = "notifications"
    verbose_name = "消息通知"
