"""Background jobs of the catalogue (django-tasks; run by ``tongban worker``)."""

from __future__ import annotations

from django_tasks import task

from tongban.catalogue.services.lifecycle import flag_overdue


@task()
def flag_overdue_requests() -> int:
    """Flag every open lifecycle request whose stage is past due and not yet flagged; returns how many.

    Idempotent: a request is flagged (and audited) once, so the job may run as
    often as the worker likes and from several workers at once.
    """
    return flag_overdue()
