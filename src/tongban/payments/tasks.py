"""Background jobs of the payments module (django-tasks; run by ``tongban worker``). All are idempotent."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_tasks import task

from tongban.payments.channels import channel_codes
from tongban.payments.models import Statement
from tongban.payments.services import notifications, orders, receipts, reconciliation, refunds, sandbox_delivery


@task()
def issue_due_receipts() -> int:
    """Issue the signed e-receipt of every paid order that has none yet."""
    return receipts.issue_due()


@task()
def submit_refunds() -> int:
    """Send requested refunds to their channels."""
    return refunds.submit_pending()


@task()
def deliver_sandbox_notifications() -> int:
    """The sandbox channels post their due notifications to the platform (in-process)."""
    return sandbox_delivery.deliver_due()


@task()
def payments_sweep() -> dict[str, int]:
    """The periodic sweep: settle orders whose notification never came, close expired ones, send refunds, receipts.

    Querying comes before closing, so an order paid just before its period ended is settled, not closed.
    """
    return {
        "notifications": sandbox_delivery.deliver_due(),
        "settled_by_query": notifications.settle_unnotified(),
        "closed": orders.close_expired(),
        "refunds": refunds.submit_pending(),
        "receipts": receipts.issue_due(),
    }


@task()
def reconcile_yesterday() -> int:
    """Reconcile every channel's statement of yesterday that is not reconciled yet; returns how many."""
    day = timezone.localdate() - datetime.timedelta(days=1)
    done = 0
    for code in channel_codes():
        if not Statement.objects.filter(channel=code, statement_date=day).exists():
            reconciliation.reconcile(code, day)
            done += 1
    return done
