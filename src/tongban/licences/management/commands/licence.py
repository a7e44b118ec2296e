"""``tongban licence list`` and ``tongban licence pdf NUMBER -o FILE``: operators' view of issued licences."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongban.licences.models import Licence
from tongban.licences.services import issuance


class Command(BaseCommand):
    help = "电子证照：列出已签发证照，导出证照 PDF"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="列出证照（编号、类型、持证人、发证机关、状态）")
        listing.add_argument("--type", dest="licence_type", default="", help="只列出该类型代码的证照")
        listing.add_argument("--check", action="store_true", help="同时校验每张证照的数据签名")
        pdf = sub.add_parser("pdf", help="导出证照的签章 PDF")
        pdf.add_argument("number")
        pdf.add_argument("-o", "--output", required=True, help="输出文件路径")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            self._list(options["licence_type"], options["check"])
        else:
            self._pdf(options["number"], Path(options["output"]))

    def _list(self, licence_type: str, check: bool) -> None:
        licences = Licence.objects.select_related("licence_type").defer("pdf").order_by("issued_at")
        if licence_type:
            licences = licences.filter(licence_type__code=licence_type)
        for licence in licences:
            columns = [licence.number, licence.licence_type.code, licence.holder_name, licence.issuer_name,
                       licence.issued_at.date().isoformat(), licence.status.value]
            if check:
                columns.append("signature-ok" if issuance.signature_intact(licence) else "SIGNATURE-BROKEN")
            self.stdout.write("\t".join(columns))

    def _pdf(self, number: str, output: Path) -> None:
        licence = Licence.objects.filter(number=number).only("pdf").first()
        if licence is None:
            raise CommandError(f"LICENCE_NOT_FOUND: 证照 {number} 不存在")
        output.write_bytes(bytes(licence.pdf))
        self.stdout.write(f"{output} ({len(bytes(licence.pdf))} bytes)")
