"""The append-only, hash-chained audit log."""

from __future__ import annotations

import datetime
import hashlib
import json
import threading
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from tongban.core import audit
from tongban.core.models import GENESIS_HASH, AppendOnlyViolation, AuditChainHead, AuditEvent, CalendarYear


def expected_hash(event: AuditEvent) -> str:
    """The entry hash recomputed here from the stored row, independently of the service."""
    payload = {
        "occurred_at": event.occurred_at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "agency_id": event.agency_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "data": event.data,
        "previous_hash": event.previous_hash,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def record_three(actor) -> list[AuditEvent]:
    """Three events of different shapes."""
    year = CalendarYear.objects.get_or_create(year=2026, defaults={"source": "chinesecalendar"})[0]
    return [
        audit.record("catalogue.request.approved", actor=actor, agency_id=7, object_type="item", object_id=42),
        audit.record("core.calendar.year_declared", actor="worker", obj=year, data={"备注": "国庆节"}),
        audit.record(
            "cases.case.accepted",
            data={"deadline": datetime.date(2026, 10, 8), "fee": Decimal("12.50"), "ratio": 0.25},
        ),
    ]


def verify_output() -> str:
    """stdout of ``tongban audit verify`` (raises CommandError when broken)."""
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_record_appends_a_linked_chain(operator) -> None:
    # given an empty log / when three events are recorded
    first, second, third = record_three(operator)
    # then each links to the one before and carries the hash of its canonical JSON
    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.entry_hash
    assert third.previous_hash == second.entry_hash
    for event in AuditEvent.objects.all():
        assert event.entry_hash == expected_hash(event)
    head = AuditChainHead.objects.get(pk=1)
    assert (head.entry_count, head.last_hash) == (3, third.entry_hash)
    # and the fields are filled from the actor and the object
    assert (first.actor_id, first.actor_label, first.agency_id) == (operator.pk, "运营员", 7)
    assert (first.object_type, first.object_id) == ("item", "42")
    assert (second.actor_id, second.actor_label) == (None, "worker")
    assert (second.object_type, second.object_id) == ("core.calendaryear", "2026")
    # and data is stored as JSON-native values, exactly as hashed
    assert AuditEvent.objects.get(pk=third.pk).data == {"deadline": "2026-10-08", "fee": "12.50", "ratio": 0.25}


@pytest.mark.django_db
def test_verify_ok_on_empty_and_intact_chain(operator) -> None:
    # given an empty log / then it verifies
    assert audit.verify_chain() == audit.VerificationResult(ok=True, checked=0)
    # given three events / then all three verify, also through the CLI
    record_three(operator)
    assert audit.verify_chain() == audit.VerificationResult(ok=True, checked=3)
    assert verify_output() == "审计链完整：已校验 3 条记录\n"


@pytest.mark.django_db
def test_record_rolls_back_with_the_callers_transaction() -> None:
    # given a recorded event / when a later change and its event roll back together
    audit.record("core.test.kept")
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record("core.test.rolled_back")
        raise RuntimeError("the business change failed")
    # then neither the event nor the head moved, and the chain still verifies
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["core.test.kept"]
    assert AuditChainHead.objects.get(pk=1).entry_count == 1
    assert audit.verify_chain().ok is True


@pytest.mark.django_db
def test_bad_action_names_are_refused() -> None:
    # given names that are not dotted lower-case words / then they are refused before anything is written
    for action in ["approved", "Catalogue.Request", "catalogue..approved", "catalogue.request approved"]:
        with pytest.raises(ValueError):
            audit.record(action)
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_python_refuses_update_and_delete(operator) -> None:
    # given a recorded event
    event, *_ = record_three(operator)
    # when code tries to change or remove it, singly or in bulk / then each attempt is refused
    event.action = "catalogue.request.refused"
    with pytest.raises(AppendOnlyViolation):
        event.save()
    with pytest.raises(AppendOnlyViolation):
        event.delete()
    with pytest.raises(AppendOnlyViolation):
        AuditEvent.objects.filter(pk=event.pk).update(action="x.y")
    with pytest.raises(AppendOnlyViolation):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyViolation):
        AuditEvent.objects.bulk_create([AuditEvent(action="x.y")])
    # and the stored row is unchanged
    assert AuditEvent.objects.get(pk=event.pk).action == "catalogue.request.approved"
    assert audit.verify_chain().ok is True


@pytest.mark.django_db
def test_tampering_is_detected_on_sqlite_and_blocked_on_postgresql(operator, on_postgresql) -> None:
    # given three events
    first, second, third = record_three(operator)
    table = AuditEvent._meta.db_table
    if on_postgresql:
        # when SQL outside Django changes or removes a row / then the trigger refuses it
        for statement in [
            f"UPDATE {table} SET action = 'forged.action' WHERE id = %s",
            f"DELETE FROM {table} WHERE id = %s",
        ]:
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement, [second.pk])
        assert audit.verify_chain() == audit.VerificationResult(ok=True, checked=3)
        return
    # when SQL outside Django edits the middle row (SQLite has no trigger)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET data = %s WHERE id = %s", ['{"备注":"篡改"}', second.pk])
    # then verification points at that row, and the CLI exits non-zero
    result = audit.verify_chain()
    assert (result.ok, result.checked, result.first_broken_id) == (False, 2, second.pk)
    assert result.problem == audit.PROBLEM_HASH_MISMATCH
    with pytest.raises(CommandError, match=f"第一条异常记录 ID 为 {second.pk}"):
        verify_output()


@pytest.mark.django_db
def test_removed_rows_are_detected_on_sqlite(operator, on_postgresql) -> None:
    if on_postgresql:
        pytest.skip("the PostgreSQL trigger refuses DELETE (asserted in the tampering test)")
    # given three events / when the last row is removed by SQL
    first, second, third = record_three(operator)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [third.pk])
    # then the head no longer matches the end of the log
    assert audit.verify_chain() == audit.VerificationResult(
        ok=False, checked=2, first_broken_id=None, problem=audit.PROBLEM_MISSING_TAIL
    )
    # when a middle row is removed as well / then the next row's link is reported
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [first.pk])
    result = audit.verify_chain()
    assert (result.ok, result.first_broken_id, result.problem) == (
        False,
        second.pk,
        audit.PROBLEM_BROKEN_LINK,
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_linear_chain(on_postgresql) -> None:
    if not on_postgresql:
        pytest.skip("SQLite serialises writers at BEGIN IMMEDIATE; the head lock matters on PostgreSQL")
    # given eight writers in their own connections and transactions
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def writer(number: int) -> None:
        try:
            start.wait()
            for index in range(10):
                with transaction.atomic():
                    audit.record("core.test.concurrent", data={"writer": number, "index": index})
        except BaseException as error:  # reported to the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(8)]
    # when they all append at once
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then every event landed, in one chain that verifies (after whatever the fixtures wrote before)
    assert errors == []
    assert AuditEvent.objects.filter(action="core.test.concurrent").count() == 80
    assert audit.verify_chain() == audit.VerificationResult(ok=True, checked=AuditEvent.objects.count())
