"""The audit log: every state change and every staff read of personal data leaves an event.

Events are chained: each stores the hash of the one before and its own hash over
a canonical JSON of all its fields, so an edited, removed or reordered entry is
found by :func:`verify_chain`. Call :func:`record` inside the transaction of the
change it describes, so the event commits or rolls back with it.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from tongban.core.models import GENESIS_HASH, AuditChainHead, AuditEvent

ACTION_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
HASHED_FIELDS = (
    "occurred_at",
    "actor_id",
    "actor_label",
    "agency_id",
    "action",
    "object_type",
    "object_id",
    "data",
    "previous_hash",
)


# Stable names of what verify_chain found wrong; the CLI and monitoring key on them.
PROBLEM_HASH_MISMATCH = "hash_mismatch"  # an entry's content no longer matches its hash
PROBLEM_BROKEN_LINK = "broken_link"  # an entry does not point at the one before (removed or reordered)
PROBLEM_MISSING_TAIL = "missing_tail"  # the chain head counts more entries than the log holds
PROBLEM_HEAD_MISSING = "head_missing"  # entries exist but the chain head row is gone


@dataclass(frozen=True)
class VerificationResult:
    """Outcome of :func:`verify_chain`.

    ``checked`` counts the entries examined; ``first_broken_id`` is the first entry
    whose hash or link is wrong (None when the fault is entries missing at the end,
    or when all is well); ``problem`` is one of the ``PROBLEM_*`` constants, or "".
    """

    ok: bool
    checked: int
    first_broken_id: int | None = None
    problem: str = ""


def _timestamp(moment: datetime.datetime) -> str:
    # Always UTC with microseconds, so the text does not depend on the database's
    # or the process's time zone when the event is read back.
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def canonical_json(fields: dict[str, Any]) -> str:
    """The exact text hashed for an event: sorted keys, no spaces, non-ASCII kept as is."""
    payload = {name: fields[name] for name in HASHED_FIELDS}
    payload["occurred_at"] = _timestamp(payload["occurred_at"])
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def compute_hash(fields: dict[str, Any]) -> str:
    """SHA-256 hex digest of :func:`canonical_json`."""
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()


def event_hash(event: AuditEvent) -> str:
    """The hash ``event`` should carry, recomputed from its stored fields."""
    return compute_hash({name: getattr(event, name) for name in HASHED_FIELDS})


def _json_native(data: dict[str, Any] | None) -> dict[str, Any]:
    # Store exactly what is hashed: dates, decimals and UUIDs become strings now,
    # so reading the row back (jsonb reorders keys, but values survive) gives the same hash.
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise TypeError("audit data must be a dict")
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, allow_nan=False))


def _actor_fields(actor: Any) -> tuple[int | None, str]:
    if actor is None:
        return None, ""
    if isinstance(actor, str):
        # A named system actor such as "worker" or "migration".
        return None, actor[:150]
    return actor.pk, str(actor)[:150]


def _lock_head() -> AuditChainHead:
    # get_or_create keeps the log writable after a test flush removed the row the
    # migration created; on a live database the row always exists.
    head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    return head


def record(
    action: str,
    *,
    actor: Any = None,
    agency_id: int | None = None,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the log and return it.

    ``action`` is a dotted lower-case name such as ``catalogue.request.approved``.
    ``actor`` is a user (its pk and display name are copied), a system name, or
    None. ``obj`` fills ``object_type`` (``app_label.model``) and ``object_id``
    unless they are given. ``data`` must be JSON-serialisable (dates and decimals
    are turned into strings).

    Joins the caller's transaction (and opens one when there is none): the event
    commits or rolls back with the change it describes. The chain head row is
    locked until that transaction ends, so concurrent writers append one by one.
    """
    if not ACTION_PATTERN.match(action) or len(action) > 100:
        raise ValueError(f"audit action must be dotted lower-case words, got {action!r}")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id is None else object_id
    actor_id, actor_label = _actor_fields(actor)
    with transaction.atomic(savepoint=False):
        head = _lock_head()
        fields: dict[str, Any] = {
            "occurred_at": timezone.now(),
            "actor_id": actor_id,
            "actor_label": actor_label,
            "agency_id": agency_id,
            "action": action,
            "object_type": object_type or "",
            "object_id": "" if object_id is None else str(object_id),
            "data": _json_native(data),
            "previous_hash": head.last_hash,
        }
        entry_hash = compute_hash(fields)
        if connection.vendor == "postgresql":
            event = _append_postgresql(head, fields, entry_hash)
        else:
            event = AuditEvent.objects.create(**fields, entry_hash=entry_hash)
            _advance(head, entry_hash)
            head.save(update_fields=["last_hash", "entry_count"])
    return event


def _advance(head: AuditChainHead, entry_hash: str) -> None:
    head.last_hash = entry_hash
    head.entry_count += 1


# Every state change writes one audit event under the head's lock: on PostgreSQL the event and the head move
# in one statement (a data-modifying CTE) instead of two, which the submission benchmark counts (bench/README.md).
_APPEND_SQL = """
WITH appended AS (
    INSERT INTO core_auditevent (occurred_at, actor_id, actor_label, agency_id, action, object_type, object_id,
                                 data, previous_hash, entry_hash)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s, %s)
    RETURNING id
)
UPDATE core_auditchainhead SET last_hash = %s, entry_count = entry_count + 1
WHERE id = %s
RETURNING (SELECT id FROM appended)
"""


def _append_postgresql(head: AuditChainHead, fields: dict[str, Any], entry_hash: str) -> AuditEvent:
    with connection.cursor() as cursor:
        cursor.execute(_APPEND_SQL, [
            fields["occurred_at"], fields["actor_id"], fields["actor_label"], fields["agency_id"], fields["action"],
            fields["object_type"], fields["object_id"], json.dumps(fields["data"]), fields["previous_hash"],
            entry_hash, entry_hash, head.pk,
        ])
        row = cursor.fetchone()
    if row is None or row[0] is None:  # the head row vanished under its own lock: impossible, but never silent
        raise RuntimeError("audit chain head missing while appending")
    _advance(head, entry_hash)
    event = AuditEvent(id=row[0], **fields, entry_hash=entry_hash)
    # A stored row, as if the ORM had loaded it: saving it again is an update, which the model refuses.
    event._state.adding = False
    event._state.db = connection.alias
    return event


def verify_chain(chunk_size: int = 2000) -> VerificationResult:
    """Recompute every entry's hash and link, oldest first, and compare the end with the chain head.

    The head is read first: entries appended while the check runs are beyond it
    and are left for the next run, so a busy log does not look broken.
    """
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None and AuditEvent.objects.exists():
        return VerificationResult(False, 0, None, PROBLEM_HEAD_MISSING)
    expected_count = head.entry_count if head else 0
    expected_last = head.last_hash if head else GENESIS_HASH
    previous = GENESIS_HASH
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size):
        if checked == expected_count:
            break
        checked += 1
        if event.previous_hash != previous:
            return VerificationResult(False, checked, event.pk, PROBLEM_BROKEN_LINK)
        if event_hash(event) != event.entry_hash:
            return VerificationResult(False, checked, event.pk, PROBLEM_HASH_MISMATCH)
        previous = event.entry_hash
    if checked < expected_count or previous != expected_last:
        return VerificationResult(False, checked, None, PROBLEM_MISSING_TAIL)
    return VerificationResult(True, checked)
