"""``tongban oidc-client create|list|revoke``: agencies' systems as OpenID Connect clients (ID-2).

``create --name NAME --redirect-uri URI [--redirect-uri URI …] [--agency CODE]
[--public] [--post-logout-redirect-uri URI …]`` prints the client id and, for
a confidential client, the secret: shown this once, stored only as a hash.
``list`` prints every client; ``revoke CLIENT_ID [--reason TEXT]`` disables
one and deletes its outstanding codes and tokens. The shell acts as the
platform itself; refusals go to stderr with exit status 1.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.agencies.services import agency_by_code
from tongban.core.errors import TongbanError
from tongban.identity.oidc import clients


class Command(BaseCommand):
    """Register, list and disable single sign-on clients."""

    help = "单点登录接入系统：create 登记（密钥只显示一次），list 列出，revoke 停用"

    def add_arguments(self, parser: CommandParser) -> None:
        """Three subcommands."""
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        create = subcommands.add_parser("create", help="登记接入系统，打印客户端标识和密钥（密钥只显示一次）")
        create.add_argument("--name", required=True, help="接入系统名称，显示在授权确认页上")
        create.add_argument("--redirect-uri", dest="redirect_uris", action="append", required=True,
                            help="回调地址，可重复填写")
        create.add_argument("--post-logout-redirect-uri", dest="post_logout_redirect_uris", action="append",
                            default=[], help="退出登录后的返回地址，可重复填写")
        create.add_argument("--agency", help="所属接入单位代码")
        create.add_argument("--public", action="store_true", help="公开客户端（无法保管密钥的应用，仅凭 PKCE）")
        subcommands.add_parser("list", help="列出全部接入系统")
        revoke = subcommands.add_parser("revoke", help="停用接入系统并删除其未用授权码和令牌")
        revoke.add_argument("client_id", help="客户端标识")
        revoke.add_argument("--reason", default="通过命令行停用", help="停用原因")

    def handle(self, *args: Any, **options: Any) -> None:
        """Dispatch to the subcommand; a refusal becomes a CommandError with its code."""
        try:
            getattr(self, f"_{options['subcommand']}")(options)
        except TongbanError as refusal:
            raise CommandError(f"{refusal.code}  {refusal.message}", returncode=1) from refusal

    def _create(self, options: dict[str, Any]) -> None:
        agency = agency_by_code(options["agency"]) if options.get("agency") else None
        registered = clients.register_client(
            None, name=options["name"], redirect_uris=options["redirect_uris"], agency=agency,
            public=options["public"], post_logout_redirect_uris=options["post_logout_redirect_uris"],
        )
        self.stdout.write(f"client_id: {registered.client.application.client_id}")
        if registered.client_secret:
            self.stdout.write(f"client_secret: {registered.client_secret}")
            self.stderr.write(_("客户端密钥只显示这一次，平台只保存其摘要，请立即妥善保存"))
        else:
            self.stderr.write(_("公开客户端没有密钥，必须使用 PKCE（S256）"))

    def _list(self, options: dict[str, Any]) -> None:
        for client in clients.list_clients():
            application = client.application
            state = _("已停用") if client.disabled_at else _("启用")
            agency = client.agency.code if client.agency else "-"
            self.stdout.write("\t".join([
                application.client_id, application.name, application.client_type, agency, str(state),
                f"{timezone.localtime(client.registered_at):%Y-%m-%d %H:%M}", application.redirect_uris,
            ]))

    def _revoke(self, options: dict[str, Any]) -> None:
        client = clients.disable_client(None, clients.client_by_id(options["client_id"]), options["reason"])
        self.stdout.write(_("接入系统 {client_id}（{name}）已停用").format(
            client_id=client.application.client_id, name=client.application.name))
