"""``tongban serve [--host H] [--port P] [--workers N]``: migrate, load the demo into an empty database, serve.

Steps: ``migrate --noinput``; in demo mode, the demo data when the database
has no agency yet (``tongban.workbench.demo``); ``collectstatic --noinput``;
then the process becomes gunicorn (``os.execvp``) serving
``tongban.wsgi:application``, so signals and exit codes are gunicorn's own.
Production mode never loads demo data.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from tongban.core.errors import TongbanError
from tongban.workbench.demo import describe, describe_accounts, load_demo


class Command(BaseCommand):
    """Prepare the database and static files, then serve the platform with gunicorn."""

    help = "迁移数据库、在空库中载入演示数据，并在 http://127.0.0.1:8000/ 提供服务"

    def add_arguments(self, parser: CommandParser) -> None:
        """Where to listen and how many worker processes to run."""
        parser.add_argument("--host", default="127.0.0.1", help="监听地址，默认 127.0.0.1")
        parser.add_argument("--port", type=int, default=8000, help="监听端口，默认 8000")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn 工作进程数，默认 2")
        parser.add_argument("--no-demo", action="store_true", help="空库时也不载入演示数据")

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the preparation steps, print the address, then replace this process with gunicorn."""
        host, port, workers = options["host"], options["port"], options["workers"]
        if not 0 < port < 65536 or workers < 1:
            raise CommandError("端口须在 1–65535 之间，工作进程数须不小于 1")
        url = f"http://{host}:{port}/"
        self.stdout.write(f"Tongban 通办：{url}")
        self.stdout.write("正在迁移数据库……")
        call_command("migrate", interactive=False, verbosity=0)
        if not settings.IS_PRODUCTION and not options["no_demo"]:
            try:
                summary = load_demo(stdout=self.stdout)
            except TongbanError as error:
                raise CommandError(error.message) from error
            if summary.created:
                for line in describe(summary):
                    self.stdout.write(line)
            for line in describe_accounts():
                self.stdout.write(line)
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"正在启动服务：{url}（按 Ctrl+C 停止）")
        self.stdout.flush()
        become(gunicorn_command(host, port, workers))


def gunicorn_command(host: str, port: int, workers: int) -> list[str]:
    """The gunicorn command line serving Tongban, run with this interpreter (so the same virtualenv)."""
    return [
        sys.executable, "-m", "gunicorn", "tongban.wsgi:application",
        "--bind", f"{host}:{port}", "--workers", str(workers),
        "--access-logfile", "-", "--error-logfile", "-",
    ]


def become(command: list[str]) -> None:
    """Replace this process with ``command``; no database connection may be inherited across exec."""
    connections.close_all()
    os.execvp(command[0], command)
