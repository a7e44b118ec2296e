"""``tongban demo-otp USERNAME``: DEMO ONLY, print the current six-digit TOTP code of a demo staff account.

Demo staff accounts get an authenticator whose secret is derived from the
username (``workbench.demo.staff.demo_totp_key``), so someone trying the demo
can pass the second factor without a phone. The command refuses in production
mode, and for any account whose authenticator is not such a demo one (an
account that bound its own phone keeps its code to itself).
"""

from __future__ import annotations

import time
from binascii import unhexlify
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tongban.workbench.demo.staff import demo_totp_key


class Command(BaseCommand):
    """Print the code a demo account's authenticator would show now, and how long it stays valid."""

    help = "仅限演示：打印演示工作人员账号当前的6位动态码（生产模式下拒绝执行）"

    def add_arguments(self, parser: CommandParser) -> None:
        """One argument: the demo account's username."""
        parser.add_argument("username", help="演示账号的用户名，例如 operator")

    def handle(self, *args: Any, **options: Any) -> None:
        """Refuse in production or for a non-demo authenticator; otherwise print the code."""
        if settings.IS_PRODUCTION:
            raise CommandError("生产模式下不提供演示动态码", returncode=1)
        username = options["username"]
        key = demo_totp_key(username)
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True, key=key).first()
        if device is None:
            raise CommandError(f"{username} 不是演示账号，或已绑定自己的身份验证器", returncode=1)
        now = time.time()
        current = int((now - device.t0) // device.step) + device.drift
        # A code is accepted once: after a login in this time step, give the next step's code (within tolerance).
        step = max(current, device.last_t + 1)
        if step > current + device.tolerance:
            raise CommandError("刚刚已用过动态码，请30秒后再试", returncode=1)
        code = hotp(unhexlify(key), step, device.digits)
        seconds_left = device.step - int(now - device.t0) % device.step + (step - current) * device.step
        self.stdout.write(f"{code:0{device.digits}d}")
        self.stderr.write(f"（约{seconds_left}秒内有效；每个动态码只能使用一次）")
