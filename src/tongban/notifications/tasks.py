"""Background jobs of the notifications module (django-tasks; run by ``tongban worker``)."""

from __future__ import annotations

from django_tasks import task

from tongban.notifications import services


@task()
def send_pending_sms() -> dict[str, int]:
    """Send the SMS copies of in-app messages that wait for the worker; idempotent, safe in parallel."""
    return services.send_pending_sms()
