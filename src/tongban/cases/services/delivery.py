"""The webhook sender: delivers outbox rows to agency systems until they acknowledge (PLAT-3).

A delivery is a signed JSON POST::

    X-Tongban-Event: case.submitted
    X-Tongban-Delivery: <event_id, a UUID; the receiver deduplicates on it>
    X-Tongban-Timestamp: <Unix seconds>
    X-Tongban-Signature: sha256=<hex HMAC-SHA256 over "<timestamp>.<body>" with the subscription secret>

Any 2xx acknowledges. Anything else (a status, a refused connection, a
timeout) is logged as a :class:`DeliveryAttempt` and the row is rescheduled with
exponential back-off (30 s, 1 min, 2 min, … capped at 30 min, plus up to 10 %
jitter) until 48 hours after the event, when it is given up and shown to the
operator. Rows of an agency cut off in the meantime are withheld, not sent (SEC-3).

:func:`deliver_due` is safe to run from several workers at once: each claims
due rows one at a time with ``SELECT … FOR UPDATE SKIP LOCKED`` (PostgreSQL;
SQLite has one writer anyway) and pushes the row's next attempt past the request
timeout before sending outside the transaction, so no row is sent twice
concurrently. A worker
that dies between sending and recording leaves the row to be sent again later,
which is why receivers deduplicate by event id: delivery is at least once.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
import random
import time
from dataclasses import dataclass
from typing import Any

import requests
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from tongban.cases.models import DeliveryAttempt, DeliveryState, WebhookDelivery
from tongban.cases.services.exchange import subscription_secret
from tongban.core import audit

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 30 * 60
JITTER_FRACTION = 0.1
GIVE_UP_AFTER = datetime.timedelta(hours=48)
# While a worker sends a claimed row, no other worker takes it (longer than the request timeout).
CLAIM_SECONDS = 2 * TIMEOUT_SECONDS + 10
BATCH_SIZE = 100
# One run stops taking new rows after this long, so a slow receiver cannot hold a worker for long.
RUN_SECONDS = 60
MAX_ERROR_LENGTH = 300


def backoff_seconds(failures: int) -> float:
    """The pause before the next attempt after ``failures`` failed ones (≥ 1): 30 s doubling to 30 min, no jitter."""
    return float(min(FIRST_RETRY_SECONDS * 2 ** max(failures - 1, 0), MAX_RETRY_SECONDS))


def _jittered(seconds: float) -> float:
    # Spread retries of many rows that failed together (a receiver that was down) so they do not return at once.
    return seconds * (1 + random.uniform(0, JITTER_FRACTION))  # noqa: S311 - not security relevant


def encode_body(payload: dict[str, Any]) -> bytes:
    """The exact bytes sent (and signed): compact UTF-8 JSON with sorted keys."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 with ``secret`` over ``timestamp + "." + body``."""
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def _claim_next(now: datetime.datetime, skipped: set[int]) -> WebhookDelivery | None:
    """Take the oldest due row (of a subscription not failing in this run) and hold it while it is sent."""
    # A case's events reach a subscription in order: a row waits while an earlier one of its case is pending.
    earlier_pending = WebhookDelivery.objects.filter(
        subscription_id=OuterRef("subscription_id"), case_id=OuterRef("case_id"), state=DeliveryState.PENDING,
        id__lt=OuterRef("id"),
    )
    with transaction.atomic():
        due = WebhookDelivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now).exclude(
            subscription_id__in=skipped
        ).exclude(Exists(earlier_pending))
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        row = due.select_related("subscription", "subscription__agency").order_by("id").first()
        if row is not None:
            claimed_until = now + datetime.timedelta(seconds=CLAIM_SECONDS)
            WebhookDelivery.objects.filter(pk=row.pk).update(next_attempt_at=claimed_until)
    return row


def _post(delivery: WebhookDelivery, now: datetime.datetime) -> tuple[int | None, str, int]:
    """Send once; returns (HTTP status or None, error text, duration in ms)."""
    body = encode_body(delivery.payload)
    timestamp = str(int(now.timestamp()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Tongban-Webhooks/1",
        "X-Tongban-Event": delivery.event_type,
        "X-Tongban-Delivery": delivery.event_id,
        "X-Tongban-Timestamp": timestamp,
        "X-Tongban-Signature": signature(subscription_secret(delivery.subscription), timestamp, body),
    }
    started = time.monotonic()
    try:
        response = requests.post(
            delivery.subscription.url, data=body, headers=headers, timeout=TIMEOUT_SECONDS, allow_redirects=False
        )
    except requests.RequestException as error:
        return None, f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH], _elapsed_ms(started)
    duration = _elapsed_ms(started)
    if 200 <= response.status_code < 300:
        return response.status_code, "", duration
    return response.status_code, f"HTTP {response.status_code}", duration


def _elapsed_ms(started: float) -> int:
    return max(int((time.monotonic() - started) * 1000), 0)


@transaction.atomic
def _record(delivery_id: int, attempted_at: datetime.datetime, status: int | None, error: str, duration: int
            ) -> WebhookDelivery | None:
    delivery = WebhookDelivery.objects.select_for_update().filter(pk=delivery_id).first()
    if delivery is None or delivery.state != DeliveryState.PENDING:
        return delivery  # settled meanwhile (another worker after a lapsed claim): record nothing twice
    DeliveryAttempt.objects.create(delivery=delivery, attempted_at=attempted_at, status_code=status,
                                   error=error, duration_ms=duration)
    delivery.attempts += 1
    now = timezone.now()
    if not error:
        delivery.state = DeliveryState.DELIVERED
        delivery.delivered_at = now
    elif now - delivery.created_at >= GIVE_UP_AFTER:
        delivery.state = DeliveryState.GAVE_UP
        audit.record("cases.webhook.gave_up", actor=None, agency_id=delivery.subscription.agency_id, obj=delivery,
                     data={"event_id": delivery.event_id, "attempts": delivery.attempts, "last_error": error})
    else:
        delivery.next_attempt_at = now + datetime.timedelta(seconds=_jittered(backoff_seconds(delivery.attempts)))
    delivery.save(update_fields=["attempts", "state", "delivered_at", "next_attempt_at"])
    return delivery


def _withhold(delivery: WebhookDelivery) -> None:
    # The agency was cut off after the event was written: it receives nothing (SEC-3).
    WebhookDelivery.objects.filter(pk=delivery.pk, state=DeliveryState.PENDING).update(state=DeliveryState.WITHHELD)


def _retire(delivery: WebhookDelivery, now: datetime.datetime) -> None:
    # The agency system deleted the subscription: nobody is listening any more.
    with transaction.atomic():
        updated = WebhookDelivery.objects.filter(pk=delivery.pk, state=DeliveryState.PENDING).update(
            state=DeliveryState.GAVE_UP
        )
        if updated:
            DeliveryAttempt.objects.create(delivery=delivery, attempted_at=now, error="subscription deleted")


def attempt(delivery: WebhookDelivery) -> WebhookDelivery | None:
    """Try one claimed delivery now and record the outcome; returns the row as recorded."""
    subscription = delivery.subscription
    now = timezone.now()
    if subscription.agency.is_cut_off:
        _withhold(delivery)
    elif not subscription.is_active:
        _retire(delivery, now)
    else:
        status, error, duration = _post(delivery, now)
        if error:
            logger.info("webhook %s to %s failed: %s", delivery.event_id, subscription.url, error)
        return _record(delivery.pk, now, status, error, duration)
    return WebhookDelivery.objects.filter(pk=delivery.pk).first()


def deliver_due(limit: int = BATCH_SIZE) -> dict[str, int]:
    """Send due deliveries one by one (at most ``limit``, for at most ``RUN_SECONDS``); counts by resulting state.

    Once a subscription fails in this run, its other due rows wait for the next
    run: a receiver that is down costs one timeout per run, not one per event.
    """
    counts: dict[str, int] = {}
    failing: set[int] = set()
    started = time.monotonic()
    for _ in range(limit):
        if time.monotonic() - started > RUN_SECONDS:
            break
        claimed = _claim_next(timezone.now(), failing)
        if claimed is None:
            break
        recorded = attempt(claimed)
        state = recorded.state if recorded is not None else "missing"
        if state == DeliveryState.PENDING:
            failing.add(claimed.subscription_id)
        counts[state] = counts.get(state, 0) + 1
    return counts


@dataclass(frozen=True)
class AgencyDeliveries:
    """Webhook deliveries of one agency that the operator should know about."""

    agency_id: int
    agency_name: str
    waiting: int
    retrying: int
    gave_up: int
    withheld: int


def deliveries_needing_attention() -> list[AgencyDeliveries]:
    """Per agency: rows waiting, rows retrying after failures, rows given up and rows withheld (operator's view)."""
    rows = (
        WebhookDelivery.objects.exclude(state=DeliveryState.DELIVERED)
        .values("subscription__agency_id", "subscription__agency__name")
        .annotate(
            waiting=Count("id", filter=Q(state=DeliveryState.PENDING)),
            retrying=Count("id", filter=Q(state=DeliveryState.PENDING, attempts__gt=0)),
            gave_up=Count("id", filter=Q(state=DeliveryState.GAVE_UP)),
            withheld=Count("id", filter=Q(state=DeliveryState.WITHHELD)),
        )
        .order_by("-gave_up", "-retrying", "subscription__agency__name")
    )
    return [
        AgencyDeliveries(row["subscription__agency_id"], row["subscription__agency__name"], row["waiting"],
                         row["retrying"], row["gave_up"], row["withheld"])
        for row in rows
    ]


@dataclass(frozen=True)
class GivenUp:
    """A given-up delivery and its last attempt."""

    delivery: WebhookDelivery
    last_attempt: DeliveryAttempt | None


def given_up(limit: int = 50) -> list[GivenUp]:
    """Given-up deliveries, newest event first, each with its last attempt (what went wrong)."""
    rows = (
        WebhookDelivery.objects.filter(state=DeliveryState.GAVE_UP)
        .select_related("subscription__agency", "case")
        .prefetch_related("attempt_log")
        .order_by("-created_at", "-id")[:limit]
    )
    return [GivenUp(row, max(row.attempt_log.all(), key=lambda attempt: (attempt.attempted_at, attempt.pk),
                             default=None)) for row in rows]
