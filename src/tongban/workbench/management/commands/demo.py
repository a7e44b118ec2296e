"""``tongban demo``: load the demo data into an empty database and list the demo accounts.

The database must already be migrated (``tongban migrate``, or let ``tongban
serve`` do everything). A database holding any agency is left untouched.
Production mode refuses.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tongban.core.errors import TongbanError
from tongban.workbench.demo import describe, describe_accounts, load_demo


class Command(BaseCommand):
    """Load the demo data (agencies, staff, catalogue, life events) and print a summary."""

    help = "在空数据库中载入演示数据（接入单位、工作人员、事项、一件事），并列出演示账号"

    def handle(self, *args: Any, **options: Any) -> None:
        """Load, then print the summary and the accounts; a refusal exits with status 1."""
        try:
            summary = load_demo(stdout=self.stdout)
        except TongbanError as error:
            raise CommandError(error.message) from error
        for line in describe(summary):
            self.stdout.write(line)
        for line in describe_accounts():
            self.stdout.write(line)
