"""``tongban audit verify``: check the audit log's hash chain from the first entry to the head."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext_lazy as _

from tongban.core import audit

PROBLEM_TEXT = {
    audit.PROBLEM_HASH_MISMATCH: _("记录内容与其哈希不符，可能被篡改"),
    audit.PROBLEM_BROKEN_LINK: _("记录未指向前一条记录，可能有记录被删除或调换"),
    audit.PROBLEM_MISSING_TAIL: _("日志末尾的记录缺失"),
    audit.PROBLEM_HEAD_MISSING: _("审计链头记录缺失"),
}


class Command(BaseCommand):
    """Audit log maintenance; ``verify`` exits non-zero when the chain is broken, for cron and monitoring."""

    help = "审计日志：verify 校验哈希链是否完整"

    def add_arguments(self, parser: CommandParser) -> None:
        """One subcommand for now; more (export) will join it."""
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        subcommands.add_parser("verify", help="校验审计日志哈希链")

    def handle(self, *args: Any, **options: Any) -> None:
        """Print the verification result; raise CommandError (exit status 1) when broken."""
        result = audit.verify_chain()
        if result.ok:
            self.stdout.write(str(_("审计链完整：已校验 {checked} 条记录")).format(checked=result.checked))
            return
        problem = PROBLEM_TEXT.get(result.problem, result.problem)
        if result.first_broken_id is not None:
            message = str(_("审计链已被破坏：第一条异常记录 ID 为 {id}（{problem}），已校验 {checked} 条")).format(
                id=result.first_broken_id, problem=problem, checked=result.checked
            )
        else:
            message = str(_("审计链已被破坏：{problem}，已校验 {checked} 条")).format(
                problem=problem, checked=result.checked
            )
        self.stdout.write(message)
        raise CommandError(message)
