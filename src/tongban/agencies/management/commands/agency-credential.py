"""``tongban agency-credential create AGENCY_CODE NAME`` and ``tongban agency-credential revoke KEY_ID``.

``create`` prints the bearer token once, on stdout alone so scripts can capture
it; only its hash is stored, so a lost token is revoked and replaced, never shown
again. The shell acts as the platform itself.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tongban.agencies.services import agency_by_code, credential_by_key_id, issue_credential, revoke_credential
from tongban.core.errors import TongbanError


class Command(BaseCommand):
    """Issue and revoke agencies' API credentials."""

    help = "接入单位 API 凭证：create 签发（令牌只显示一次），revoke 吊销"

    def add_arguments(self, parser: CommandParser) -> None:
        """Two subcommands."""
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        create = subcommands.add_parser("create", help="为接入单位签发凭证，打印令牌（只显示一次）")
        create.add_argument("agency_code", help="接入单位代码")
        create.add_argument("name", help="凭证名称，如业务系统名称")
        revoke = subcommands.add_parser("revoke", help="吊销凭证")
        revoke.add_argument("key_id", help="凭证标识（令牌 tb_<凭证标识>_… 中的一段）")

    def handle(self, *args: Any, **options: Any) -> None:
        """Print the token (create) or a confirmation (revoke); refusals go to stderr with exit status 1."""
        try:
            if options["subcommand"] == "create":
                credential, token = issue_credential(
                    agency_by_code(options["agency_code"]), options["name"], actor="shell"
                )
                self.stdout.write(token)
                self.stderr.write(_("已为“{agency}”签发凭证 {key_id}；令牌只显示这一次，请妥善保存").format(
                    agency=credential.agency.name, key_id=credential.key_id))
            else:
                credential = revoke_credential(credential_by_key_id(options["key_id"]), actor="shell")
                self.stdout.write(_("凭证 {key_id} 已吊销").format(key_id=credential.key_id))
        except TongbanError as refusal:
            raise CommandError(f"{refusal.code}  {refusal.message}", returncode=1) from refusal
