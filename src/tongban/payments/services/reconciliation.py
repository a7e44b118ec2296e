"""Daily reconciliation (对账, PAY-1): the channel's statement against the platform's books, set-wise.

The statement is streamed line by line into a staging table – PostgreSQL
``COPY … FROM STDIN`` through psycopg, batched ``executemany`` on SQLite – and
compared with three ``INSERT … SELECT`` joins: statement lines the platform
lacks, amounts that differ, and platform payments/refunds of that day the
statement lacks. Each difference becomes a :class:`Discrepancy`, a work item
on the operator's workbench. A million lines take seconds (docs/payments.md).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import tempfile
from collections.abc import Iterable, Iterator

from django.db import connection, transaction
from django.utils import timezone

from tongban.core import audit
from tongban.core.errors import TongbanError
from tongban.identity.models import StaffRole
from tongban.identity.services import Actor, actor_label, require_role
from tongban.payments.channels import STATEMENT_HEADER, channel
from tongban.payments.errors import PaymentError
from tongban.payments.models import (
    ChannelPayment,
    Discrepancy,
    DiscrepancyKind,
    OrderState,
    PaymentOrder,
    Refund,
    RefundState,
    Statement,
    StatementLine,
)
from tongban.payments.services import notifications
from tongban.payments.services.orders import actor_user

BATCH = 5000
KINDS = ("pay", "refund")


def _rows(lines: Iterable[str], digest: hashlib._Hash) -> Iterator[tuple[str, str, str, int]]:
    """Parsed, checked statement rows; the header must be the channel format's."""
    def hashed() -> Iterator[str]:
        for line in lines:
            digest.update(line.encode())
            digest.update(b"\n")
            yield line

    reader = csv.reader(hashed())
    header = next(reader, None)
    if header != STATEMENT_HEADER:
        raise TongbanError(PaymentError.STATEMENT_MALFORMED, line=1, detail="表头")
    for number, row in enumerate(reader, start=2):
        if not row:
            continue
        try:
            kind, transaction_id, order_number, amount, _occurred = row
            amount_fen = int(amount)
        except ValueError:
            raise TongbanError(PaymentError.STATEMENT_MALFORMED, line=number, detail="列数或金额") from None
        if kind not in KINDS or not 0 < len(transaction_id) <= 64 or len(order_number) > 64 or amount_fen < 0:
            raise TongbanError(PaymentError.STATEMENT_MALFORMED, line=number, detail="交易类型、交易号或金额")
        yield kind, transaction_id, order_number, amount_fen


def _load(statement: Statement, rows: Iterator[tuple[str, str, str, int]]) -> tuple[int, int]:
    """Bulk-load the rows into the staging table; returns (line count, total fen)."""
    count = total = 0
    table = StatementLine._meta.db_table
    columns = "(statement_id, kind, transaction_id, order_number, amount_fen)"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} {columns} FROM STDIN") as copy:
                for kind, transaction_id, order_number, amount_fen in rows:
                    copy.write_row((statement.pk, kind, transaction_id, order_number, amount_fen))
                    count += 1
                    total += amount_fen if kind == "pay" else -amount_fen
            return count, total
        batch: list[tuple[int, str, str, str, int]] = []
        sql = f"INSERT INTO {table} {columns} VALUES (%s, %s, %s, %s, %s)"
        for kind, transaction_id, order_number, amount_fen in rows:
            batch.append((statement.pk, kind, transaction_id, order_number, amount_fen))
            count += 1
            total += amount_fen if kind == "pay" else -amount_fen
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
    return count, total


def _compare(statement: Statement, start: datetime.datetime, end: datetime.datetime) -> None:
    """Write the discrepancies with three set-based statements."""
    lines, payments, orders = (StatementLine._meta.db_table, ChannelPayment._meta.db_table,
                               PaymentOrder._meta.db_table)
    refunds, discrepancies = Refund._meta.db_table, Discrepancy._meta.db_table
    insert = (f"INSERT INTO {discrepancies} (statement_id, kind, entry_kind, transaction_id, order_number, "
              "platform_fen, channel_fen, resolved_by_label, resolution, note) ")
    sid, code = statement.pk, statement.channel
    with connection.cursor() as cursor:
        # Statement lines the platform lacks, or with another amount.
        cursor.execute(
            insert + f"SELECT %s, CASE WHEN p.id IS NULL THEN %s ELSE %s END, 'pay', l.transaction_id, "
            f"l.order_number, p.amount_fen, l.amount_fen, '', '', '' FROM {lines} l "
            f"LEFT JOIN {payments} p ON p.channel = %s AND p.transaction_id = l.transaction_id "
            "WHERE l.statement_id = %s AND l.kind = 'pay' AND (p.id IS NULL OR p.amount_fen <> l.amount_fen)",
            [sid, DiscrepancyKind.MISSING_ON_PLATFORM, DiscrepancyKind.AMOUNT_MISMATCH, code, sid])
        cursor.execute(
            insert + f"SELECT %s, CASE WHEN r.id IS NULL THEN %s ELSE %s END, 'refund', l.transaction_id, "
            f"l.order_number, r.amount_fen, l.amount_fen, '', '', '' FROM {lines} l "
            f"LEFT JOIN {refunds} r ON r.channel_refund_id = l.transaction_id AND r.state = %s "
            "WHERE l.statement_id = %s AND l.kind = 'refund' AND (r.id IS NULL OR r.amount_fen <> l.amount_fen)",
            [sid, DiscrepancyKind.MISSING_ON_PLATFORM, DiscrepancyKind.AMOUNT_MISMATCH, RefundState.SUCCEEDED, sid])
        # The platform's payments and refunds of the day that the statement lacks.
        cursor.execute(
            insert + f"SELECT %s, %s, 'pay', p.transaction_id, o.number, p.amount_fen, NULL, '', '', '' "
            f"FROM {payments} p JOIN {orders} o ON o.id = p.order_id "
            "WHERE p.channel = %s AND p.paid_at >= %s AND p.paid_at < %s AND NOT EXISTS ("
            f"SELECT 1 FROM {lines} l WHERE l.statement_id = %s AND l.kind = 'pay' "
            "AND l.transaction_id = p.transaction_id)",
            [sid, DiscrepancyKind.MISSING_ON_CHANNEL, code, start, end, sid])
        cursor.execute(
            insert + f"SELECT %s, %s, 'refund', r.channel_refund_id, r.number, r.amount_fen, NULL, '', '', '' "
            f"FROM {refunds} r JOIN {payments} p ON p.id = r.payment_id "
            "WHERE p.channel = %s AND r.state = %s AND r.completed_at >= %s AND r.completed_at < %s "
            f"AND NOT EXISTS (SELECT 1 FROM {lines} l WHERE l.statement_id = %s AND l.kind = 'refund' "
            "AND l.transaction_id = r.channel_refund_id)",
            [sid, DiscrepancyKind.MISSING_ON_CHANNEL, code, RefundState.SUCCEEDED, start, end, sid])
        cursor.execute(f"DELETE FROM {lines} WHERE statement_id = %s", [sid])


@transaction.atomic
def reconcile(channel_code: str, day: datetime.date, lines: Iterable[str] | None = None) -> Statement:
    """Reconcile one channel's statement of ``day`` (fetched from the channel unless given); the platform acts.

    Refused, with nothing written, when the day is already reconciled or a line is malformed.
    """
    adapter = channel(channel_code)
    if Statement.objects.filter(channel=channel_code, statement_date=day).exists():
        raise TongbanError(PaymentError.STATEMENT_DUPLICATE, channel=channel_code, day=day)
    statement = Statement.objects.create(channel=channel_code, statement_date=day, sha256="",
                                         reconciled_at=timezone.now())
    digest = hashlib.sha256()
    with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
        if lines is None:
            # Download first, as from a real channel: the load below must not read while COPY runs.
            for line in adapter.statement(day):
                spool.write(line + "\n")
            spool.seek(0)
            lines = (line.rstrip("\n") for line in spool)
        count, total = _load(statement, _rows(lines, digest))
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    _compare(statement, start, start + datetime.timedelta(days=1))
    found = statement.discrepancies.count()
    from_lines = statement.discrepancies.exclude(kind=DiscrepancyKind.MISSING_ON_CHANNEL).count()
    statement.sha256 = digest.hexdigest()
    statement.line_count = count
    statement.total_fen = total
    statement.matched_count = count - from_lines
    statement.discrepancy_count = found
    statement.save()
    audit.record("payments.statement.reconciled", obj=statement,
                 data={"channel": channel_code, "day": day, "lines": count, "discrepancies": found})
    return statement


def open_discrepancies(actor: Actor) -> list[Discrepancy]:
    """The operator's work list: unresolved discrepancies, oldest first."""
    require_role(actor, StaffRole.PLATFORM_OPERATOR)
    return list(Discrepancy.objects.filter(resolved_at__isnull=True).select_related("statement")
                .order_by("statement__statement_date", "id")[:500])


RESOLUTIONS = ("settle", "explain")


@transaction.atomic
def resolve(actor: Actor, discrepancy: Discrepancy, *, resolution: str, note: str) -> Discrepancy:
    """The operator handles a discrepancy: ``settle`` (query the channel and record the lost payment) or ``explain``.

    ``settle`` applies to a payment the platform lacks: the order is settled by
    the channel's own answer (a duplicate is refunded automatically as usual).
    """
    require_role(actor, StaffRole.PLATFORM_OPERATOR)
    discrepancy = Discrepancy.objects.select_for_update(of=("self",)).select_related("statement").get(pk=discrepancy.pk)
    if discrepancy.resolved_at is not None:
        raise TongbanError(PaymentError.DISCREPANCY_RESOLVED)
    if resolution not in RESOLUTIONS:
        raise TongbanError(PaymentError.RESOLUTION_UNKNOWN, resolution=resolution)
    if resolution == "explain" and not note.strip():
        raise TongbanError(PaymentError.REASON_REQUIRED, field="note")
    if resolution == "settle":
        if discrepancy.kind != DiscrepancyKind.MISSING_ON_PLATFORM or discrepancy.entry_kind != "pay":
            raise TongbanError(PaymentError.DISCREPANCY_NOT_SETTLEABLE)
        order = PaymentOrder.objects.filter(number=discrepancy.order_number).first()
        if order is None:
            raise TongbanError(PaymentError.ORDER_NOT_FOUND, number=discrepancy.order_number)
        outcome = notifications.settle_by_query(order, discrepancy.statement.channel)
        note = f"{note.strip()}（{outcome}）".strip()
    discrepancy.resolved_at = timezone.now()
    discrepancy.resolved_by_label = actor_label(actor)
    discrepancy.resolution = resolution
    discrepancy.note = note.strip()
    discrepancy.save()
    audit.record("payments.discrepancy.resolved", actor=actor_user(actor), obj=discrepancy,
                 data={"resolution": resolution, "note": discrepancy.note})
    return discrepancy


def paid_order_count() -> int:
    """Orders currently paid (for the workbench summary)."""
    return PaymentOrder.objects.filter(state=OrderState.PAID).count()
