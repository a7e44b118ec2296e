"""``tongban catalogue import FILE``, ``… export [-o FILE] [--agency CODE]`` and ``… check FILE``.

Import and check print every problem of a broken file to stderr, one per line
as ``PATH  CODE  message``, and exit with status 1; import then writes nothing.
Export writes the exchange format as UTF-8 JSON (indent 2) to stdout or a file.
``FILE`` may be ``-`` for stdin.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tongban.catalogue.errors import CatalogueError
from tongban.catalogue.services.importing import check_document, export_document, import_document
from tongban.core.errors import TongbanError, ValidationProblems


class Command(BaseCommand):
    """Bulk import, export and checking of guides in the exchange format (docs/catalogue-format.md)."""

    help = "事项目录批量导入、导出与检查（交换格式 tongban.catalogue/1）"

    def add_arguments(self, parser: CommandParser) -> None:
        """Three subcommands."""
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        importing = subcommands.add_parser("import", help="导入文件中的全部事项为草稿版本；有任何问题则不写入")
        importing.add_argument("file", help="JSON 文件路径，- 表示标准输入")
        importing.add_argument("--label", default="命令行导入", help="记录在草稿版本上的操作人说明")
        checking = subcommands.add_parser("check", help="只检查文件，不写入")
        checking.add_argument("file", help="JSON 文件路径，- 表示标准输入")
        exporting = subcommands.add_parser("export", help="导出已发布事项（现行版本）")
        exporting.add_argument("-o", "--output", help="输出文件（默认标准输出）")
        exporting.add_argument("--agency", help="只导出该实施机构代码的事项")
        exporting.add_argument("--include-drafts", action="store_true", help="有草稿的事项导出草稿版本")

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the subcommand; problems go to stderr and end in exit status 1."""
        try:
            if options["subcommand"] == "import":
                self._import(options)
            elif options["subcommand"] == "check":
                self._check(options)
            else:
                self._export(options)
        except ValidationProblems as refusal:
            self._print_problems(refusal.problems)
            raise CommandError(refusal.message, returncode=1) from refusal
        except TongbanError as refusal:
            where = f"{refusal.field}  " if refusal.field else ""
            raise CommandError(f"{where}{refusal.code}  {refusal.message}", returncode=1) from refusal

    def _read(self, name: str) -> bytes:
        if name == "-":
            return sys.stdin.buffer.read()
        try:
            return Path(name).read_bytes()
        except OSError as error:
            raise CommandError(_("无法读取文件 {name}：{reason}").format(name=name, reason=error.strerror),
                               returncode=1) from error

    def _print_problems(self, problems: list[dict[str, Any]]) -> None:
        for problem in problems:
            self.stderr.write(f"{problem['path']}  {problem['code']}  {problem['message']}")

    def _import(self, options: dict[str, Any]) -> None:
        report = import_document(self._read(options["file"]), actor=None, actor_label=options["label"])
        self.stdout.write(_("已导入 {items} 个事项：新建草稿 {new_drafts} 个（其中新事项 {new_items} 个），"
                            "更新已有草稿 {replaced} 个").format(
            items=report.items, new_drafts=report.new_drafts, new_items=report.new_items,
            replaced=report.replaced_drafts,
        ))

    def _check(self, options: dict[str, Any]) -> None:
        items, problems = check_document(self._read(options["file"]))
        if problems:
            raise ValidationProblems(CatalogueError.GUIDE_INVALID, problems)
        self.stdout.write(_("检查通过：{items} 个事项可以导入").format(items=len(items)))

    def _export(self, options: dict[str, Any]) -> None:
        document = export_document(agency_code=options["agency"], include_drafts=options["include_drafts"])
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stderr.write(_("已导出 {items} 个事项到 {file}").format(items=len(document["items"]),
                                                                   file=options["output"]))
        else:
            self.stdout.write(text, ending="")
