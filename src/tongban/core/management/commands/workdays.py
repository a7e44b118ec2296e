"""``tongban workdays add YYYY-MM-DD N`` and ``tongban workdays is-workday YYYY-MM-DD``.

Output is one line (an ISO date, or ``yes``/``no``) so scripts can use it; any
refusal goes to stderr with a non-zero exit status.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongban.core import workdays
from tongban.core.errors import CoreError, TongbanError


class Command(BaseCommand):
    """Working-day arithmetic on the platform's calendar."""

    help = "工作日计算：add 计算 N 个工作日之后的日期；is-workday 判断某日是否为工作日"

    def add_arguments(self, parser: CommandParser) -> None:
        """Two subcommands; values are parsed in ``handle`` so refusals carry the calendar's own messages."""
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        add = subcommands.add_parser("add", help="N 个工作日之后的日期（N=0：当日或下一个工作日）")
        add.add_argument("date", help="YYYY-MM-DD")
        add.add_argument("count", help="工作日天数 N（不小于 0）")
        check = subcommands.add_parser("is-workday", help="是否为工作日，输出 yes 或 no")
        check.add_argument("date", help="YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        """Print the answer, or raise CommandError (stderr, exit status 1)."""
        try:
            day = workdays.parse_iso_date(options["date"])
            if options["subcommand"] == "add":
                self.stdout.write(workdays.add_workdays(day, _parse_count(options["count"])).isoformat())
            else:
                self.stdout.write("yes" if workdays.is_workday(day) else "no")
        except TongbanError as error:
            raise CommandError(error.message) from error


def _parse_count(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise TongbanError(CoreError.WORKDAY_COUNT_INVALID, field="count", value=text) from None
