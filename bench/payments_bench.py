"""Payments benchmark: notification throughput and reconciliation of a 1,000,000-line statement on PostgreSQL.

Usage (from the repository root, after ``make install``; PostgreSQL on 127.0.0.1):

    .venv/bin/python bench/payments_bench.py [--orders 1000000] [--notifications 2000] [--http 500]

The database ``tongban_bench_payments`` is recreated and migrated. ``--orders``
paid orders and their channel payments (wallet, one statement day, spread over
the day) are written with PostgreSQL ``COPY``, then ``VACUUM ANALYZE``.

Measured, one call at a time in one process:

* **notifications in-process**: ``--notifications`` new orders opened through
  ``orders.create_order``; for each, a signed wallet notification is built and
  applied with ``notifications.receive`` (signature check, order lookup,
  amount check, row lock, payment insert, order update, event log, audit
  chain, receipt job enqueued) – the work of the notify endpoint minus HTTP.
* **notifications over HTTP**: ``--http`` more through
  ``POST /channels/payments/notify/wallet/`` with Django's test client.
* **reconciliation**: the channel's statement of the day for every payment in
  the table (``--orders`` lines plus the benchmark's notifications), with 10
  planted differences (5 amounts changed, 3 lines the platform lacks, 2
  payments left out), written to a CSV file and reconciled with
  ``reconciliation.reconcile`` (stream, COPY into staging, set-based joins,
  staging deleted). Target: under 60 s for 1,000,000 lines.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "tongban_bench_payments"
DAY = datetime.date(2026, 6, 1)
AMOUNT = 2000


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def summary(name: str, samples: list[float]) -> dict[str, float]:
    return {f"{name}_p50_ms": statistics.median(samples), f"{name}_p95_ms": percentile(samples, 0.95),
            f"{name}_per_second": 1000 / statistics.fmean(samples), f"{name}_samples": len(samples)}


def transaction_id(index: int) -> str:
    return f"WLP{DAY:%Y%m%d}{index:012d}"


def paid_at(index: int, count: int) -> str:
    seconds = int(index * 86_000 / max(count, 1))
    return f"{DAY} {seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}+08"


def load_orders(count: int) -> None:
    """``count`` paid orders and their wallet payments through COPY (ids 1..count in the fresh tables)."""
    from django.db import connection

    created = f"{DAY - datetime.timedelta(days=1)} 09:00:00+08"
    expires = f"{DAY + datetime.timedelta(days=14)} 09:00:00+08"
    lines = json.dumps([{"name": "工本费", "revenue_code": "103050", "amount_fen": AMOUNT, "basis": ""}],
                       ensure_ascii=False)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(
            "COPY payments_paymentorder (number, payment_code, purpose, reference, payer_label, description, "
            "lines, amount_fen, paid_fen, refunded_fen, state, channel, channel_transaction_id, created_at, "
            "expires_at, paid_at, needs_attention, receipt_number, version) FROM STDIN"
        ) as copy:
            for index in range(1, count + 1):
                copy.write_row((f"PO{index:016d}", f"{index:020d}", "bench", f"CASE{index:010d}", "测试缴款人",
                                "测试缴费", lines, AMOUNT, AMOUNT, 0, "paid", "wallet", transaction_id(index),
                                created, expires, paid_at(index, count), False, f"RC{index:016d}", 1))
        with cursor.cursor.copy(
            "COPY payments_channelpayment (order_id, channel, transaction_id, amount_fen, paid_at, is_duplicate, "
            "recorded_at) FROM STDIN"
        ) as copy:
            for index in range(1, count + 1):
                moment = paid_at(index, count)
                copy.write_row((index, "wallet", transaction_id(index), AMOUNT, moment, False, moment))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE payments_paymentorder")
        cursor.execute("VACUUM ANALYZE payments_channelpayment")
        cursor.execute("CHECKPOINT")


def new_orders(count: int) -> list[Any]:
    from tongban.payments.services import orders

    return [orders.create_order(purpose="bench", reference=f"NEW{index}", description="测试缴费",
                                lines=[{"name": "工本费", "revenue_code": "103050", "amount_fen": AMOUNT}],
                                payer=None, payer_label="测试缴款人", agency=None) for index in range(count)]


def signed_body(order: Any, number: int) -> tuple[bytes, str]:
    from tongban.payments.channels import sign

    body = json.dumps({"event": "pay", "order_number": order.number, "transaction_id": f"WLB{number:012d}",
                       "amount_fen": AMOUNT, "paid_at": f"{DAY}T12:00:00+08:00"}).encode()
    return body, sign("wallet", body)


def measure_notifications(count: int, over_http: int) -> dict[str, Any]:
    import time_machine
    from django.test import Client

    from tongban.payments.services import notifications

    figures: dict[str, Any] = {}
    with time_machine.travel(datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.timezone(
            datetime.timedelta(hours=8))), tick=True):
        opened = new_orders(count + over_http)
        samples = []
        for number, order in enumerate(opened[:count]):
            body, signature = signed_body(order, number)
            started = time.perf_counter()
            outcome = notifications.receive("wallet", body, signature)
            samples.append((time.perf_counter() - started) * 1000)
            assert outcome == notifications.PAID, outcome
        figures |= summary("notify", samples)
        client = Client()
        samples = []
        for number, order in enumerate(opened[count:], start=count):
            body, signature = signed_body(order, number)
            started = time.perf_counter()
            response = client.post("/channels/payments/notify/wallet/", data=body, content_type="application/json",
                                   HTTP_X_CHANNEL_SIGNATURE=signature)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.content
        if samples:
            figures |= summary("notify_http", samples)
    return figures


def write_statement(path: Path, count: int, extra: int) -> None:
    """The channel's CSV: every payment of the day, with 10 planted differences."""
    changed = {7, 70_007 % max(count, 1), 333_333 % max(count, 1), 500_001 % max(count, 1), count // 2 + 3}
    left_out = {11, count - 5}
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("kind,transaction_id,order_number,amount_fen,occurred_at\n")
        buffer = io.StringIO()
        for index in range(1, count + 1):
            if index in left_out:
                continue
            amount = AMOUNT - 1 if index in changed else AMOUNT
            buffer.write(f"pay,{transaction_id(index)},PO{index:016d},{amount},{paid_at(index, count)}\n")
            if index % 100_000 == 0:
                handle.write(buffer.getvalue())
                buffer = io.StringIO()
        for number in range(extra):
            buffer.write(f"pay,WLB{number:012d},X,{AMOUNT},{DAY}T12:00:00+08:00\n")
        for number in range(3):
            buffer.write(f"pay,WLGHOST{number:08d},PO9{number:015d},{AMOUNT},{DAY}T13:00:00+08:00\n")
        handle.write(buffer.getvalue())


def measure_reconciliation(count: int, extra: int) -> dict[str, Any]:
    from tongban.payments.models import Discrepancy
    from tongban.payments.services import reconciliation

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "wallet.csv"
        started = time.perf_counter()
        write_statement(path, count, extra)
        written = time.perf_counter() - started
        started = time.perf_counter()
        with path.open(encoding="utf-8") as handle:
            statement = reconciliation.reconcile("wallet", DAY, (line.rstrip("\n") for line in handle))
        seconds = time.perf_counter() - started
    kinds: dict[str, int] = {}
    for kind in Discrepancy.objects.filter(statement=statement).values_list("kind", flat=True):
        kinds[kind] = kinds.get(kind, 0) + 1
    return {"statement_write_seconds": written, "reconcile_seconds": seconds, "statement_lines": statement.line_count,
            "matched": statement.matched_count, "discrepancies": kinds}


def child(count: int, notifications: int, over_http: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    figures: dict[str, Any] = {"orders": count}
    started = time.perf_counter()
    load_orders(count)
    figures["load_seconds"] = time.perf_counter() - started
    figures["load_before"] = os.getloadavg()[0]
    figures |= measure_notifications(notifications, over_http)
    figures |= measure_reconciliation(count, notifications + over_http)
    figures["load_after"] = os.getloadavg()[0]
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--notifications", type=int, default=2000)
    parser.add_argument("--http", type=int, default=500)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.orders, args.notifications, args.http)
        return
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DATABASE], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)
    env = dict(os.environ, TONGBAN_DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
               TONGBAN_DATA_DIR=str(ROOT / "var" / "bench"), TONGBAN_LOG_LEVEL="WARNING", TONGBAN_DEBUG="0")
    output = subprocess.run([sys.executable, __file__, "--child", "--orders", str(args.orders), "--notifications",
                             str(args.notifications), "--http", str(args.http)],
                            env=env, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    f = json.loads(output.strip().splitlines()[-1])
    print(f"orders in the table: {f['orders']:,} (COPY + VACUUM ANALYZE {f['load_seconds']:.0f} s); "
          f"load average (1 min) {f['load_before']:.1f} before the timings, {f['load_after']:.1f} after")
    print("| measurement | p50 ms | p95 ms | per second (one process) |")
    print("|---|---|---|---|")
    for key, label in (("notify", "signed notification applied in-process (`notifications.receive`)"),
                       ("notify_http", "signed notification over HTTP `POST /channels/payments/notify/wallet/`")):
        if f"{key}_p50_ms" in f:
            print(f"| {label} | {f[key + '_p50_ms']:.1f} | {f[key + '_p95_ms']:.1f} | {f[key + '_per_second']:.0f} |")
    print(f"\nreconciliation of {f['statement_lines']:,} statement lines: {f['reconcile_seconds']:.1f} s "
          f"(target < 60 s); matched {f['matched']:,}; discrepancies {f['discrepancies']} "
          f"(planted: 5 amount_mismatch, 3 missing_on_platform, 2 missing_on_channel); "
          f"writing the CSV took {f['statement_write_seconds']:.1f} s")


if __name__ == "__main__":
    main()
