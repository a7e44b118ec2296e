"""``tongban worker``: run background jobs and the periodic overdue sweep.

Design: one loop, no separate scheduler. The loop enqueues the overdue sweep
(``catalogue.tasks.flag_overdue_requests``) when the worker starts and then
every ``--flag-interval`` seconds (default one hour; due dates are whole days,
so an hourly sweep flags a request within an hour of it falling due), unless a
sweep is already waiting in the queue. It then drains the queue with
django-tasks-db's own worker in batch mode and sleeps ``--interval`` seconds
when the queue is empty. Jobs live in the database, so they commit with the
business change that enqueued them; the sweep is idempotent, so running several
workers (each enqueuing its own sweep) is safe. The same loop enqueues the
webhook delivery sweep (``cases.tasks.deliver_due_webhooks``, PLAT-3) every
``WEBHOOK_SWEEP_SECONDS``, so retries whose back-off has elapsed go out even
when no new case event enqueues a delivery, and with it the SMS sweep
(``notifications.tasks.send_pending_sms``): requests only mark an SMS copy
pending, the worker sends it.

``--batch`` enqueues one sweep, runs everything queued and exits: a cron line
such as ``0 * * * * tongban worker --batch`` does the same job without a
long-running process.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.crypto import get_random_string
from django_tasks import task_backends
from django_tasks.base import TaskResultStatus
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from tongban.cases.tasks import deliver_due_webhooks, refresh_case_deadlines
from tongban.catalogue.tasks import flag_overdue_requests
from tongban.logistics.tasks import SWEEPS as LOGISTICS_SWEEPS
from tongban.notifications.tasks import send_pending_sms
from tongban.payments.tasks import payments_sweep, reconcile_yesterday

# Webhook retries fall due every few seconds to minutes (PLAT-3): the delivery sweep runs far more often.
WEBHOOK_SWEEP_SECONDS = 15.0


def _enqueue_once(job: Any) -> bool:
    """Enqueue ``job`` unless one is already waiting; True when a new one was enqueued."""
    if DBTaskResult.objects.filter(task_path=job.module_path, status=TaskResultStatus.READY).exists():
        return False
    job.enqueue()
    return True


def enqueue_overdue_sweep() -> bool:
    """Enqueue the overdue sweeps (lifecycle requests and case limits); True when the request sweep was new."""
    _enqueue_once(refresh_case_deadlines)
    _enqueue_once(reconcile_yesterday)  # PAY-1: yesterday's statements, once each (it skips reconciled days)
    return _enqueue_once(flag_overdue_requests)


def enqueue_webhook_sweep() -> bool:
    """Enqueue the due-webhook delivery, the SMS sweep and the payment sweep unless waiting; True when a new
    delivery was enqueued."""
    _enqueue_once(send_pending_sms)
    _enqueue_once(payments_sweep)  # PAY-1: lost notifications, expired orders, refunds, receipts
    return _enqueue_once(deliver_due_webhooks)


class Command(BaseCommand):
    """Run queued jobs forever (or once with ``--batch``), sweeping for overdue requests periodically."""

    help = "运行后台任务（数据库队列），并定期标记超期的事项申请"

    def add_arguments(self, parser: CommandParser) -> None:
        """Polling and sweep intervals, the queues, and batch mode."""
        parser.add_argument("--interval", type=float, default=1.0, help="队列为空时的轮询间隔（秒），默认 1")
        parser.add_argument("--flag-interval", type=float, default=3600.0,
                            help="超期标记任务的入队间隔（秒），默认 3600")
        parser.add_argument("--queue-name", default="default", help="处理的队列，逗号分隔；'*' 表示全部")
        parser.add_argument("--batch", action="store_true", help="标记一次超期、处理完队列中的任务后退出")

    def handle(self, *args: Any, **options: Any) -> None:
        """Loop: enqueue the sweep when due, drain the queue, sleep."""
        backend = task_backends["default"]
        if not isinstance(backend, DatabaseBackend):
            raise CommandError(
                "tongban worker 需要数据库任务队列（TONGBAN_TASK_BACKEND=django_tasks_db.DatabaseBackend）"
            )
        if options["interval"] < 0 or options["flag_interval"] <= 0:
            raise CommandError("--interval 不能为负数，--flag-interval 必须大于 0")
        worker = Worker(
            queue_names=options["queue_name"].split(","), interval=options["interval"], batch=True,
            backend_name="default", startup_delay=False, max_tasks=None,
            worker_id=f"tongban-{get_random_string(12)}", excluded_queue_names=[],
        )
        if not options["batch"]:
            # SIGINT/SIGTERM: finish the running job, then exit.
            worker.configure_signals()
            # Each drain logs "Starting worker"/"No more tasks" at INFO; once a second that drowns the
            # job log ("django_tasks" logger), which keeps its level.
            logging.getLogger("django_tasks_db").setLevel(logging.WARNING)
            self.stdout.write(f"后台任务进程已启动（队列：{options['queue_name']}），按 Ctrl+C 停止。")
        next_sweep = next_webhook_sweep = 0.0
        while worker.running:
            if time.monotonic() >= next_sweep:
                enqueue_overdue_sweep()
                next_sweep = time.monotonic() + options["flag_interval"]
            if time.monotonic() >= next_webhook_sweep:
                enqueue_webhook_sweep()
                for sweep in LOGISTICS_SWEEPS:  # courier orders, sandbox pushes, lost-event queries (LOG-1)
                    _enqueue_once(sweep)
                next_webhook_sweep = time.monotonic() + WEBHOOK_SWEEP_SECONDS
            worker.run()
            if options["batch"]:
                break
            time.sleep(options["interval"])
