"""Background jobs of the case module (django-tasks; run by ``tongban worker``)."""

from __future__ import annotations

from django_tasks import task

from tongban.cases.services.delivery import deliver_due


@task()
def deliver_due_webhooks() -> dict[str, int]:
    """Send every webhook delivery that is due; returns how many ended in each state (PLAT-3).

    Enqueued after every transaction that writes an outbox row, and periodically
    by the worker so retries whose back-off has elapsed go out. Idempotent and
    safe to run from several workers at once (rows are claimed with SKIP LOCKED).
    """
    return deliver_due()


@task()
def refresh_case_deadlines() -> int:
    """Store today's warning/overdue status on every running case limit (CASE-4); returns rows changed.

    Enqueued by the worker with the hourly overdue sweep; idempotent (set-based updates).
    """
    from tongban.cases.services.deadlines import refresh_statuses

    return refresh_statuses()
