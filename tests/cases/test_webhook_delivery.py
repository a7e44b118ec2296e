"""The signed webhook sender (PLAT-3): signature, acknowledgement, back-off, giving up, concurrent workers."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import threading
import time

import pytest
import requests
import time_machine
from django.db import connection

from tests.cases.exchange_builders import RECEIVER, FakeReceiver, make_case, subscribe
from tests.factories import AgencyFactory, published_item
from tongban.cases.models import DeliveryAttempt, DeliveryState, WebhookDelivery
from tongban.cases.services import delivery, exchange
from tongban.cases.tasks import deliver_due_webhooks
from tongban.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> FakeReceiver:
    fake = FakeReceiver()
    monkeypatch.setattr(delivery.requests, "post", fake)
    return fake


def test_plat_3_a_delivery_is_a_signed_post_and_a_2xx_acknowledges_it(receiver: FakeReceiver):
    """PLAT-3: headers name the event and delivery; the signature is HMAC-SHA256 over "timestamp.body"."""
    # given a pending row
    agency = AgencyFactory()
    case = make_case(published_item(agency))
    _subscription, secret = subscribe(agency)
    row = exchange.publish_case_event(case, "case.accepted")[0]
    receiver.outcomes = [204]
    # when the due deliveries run
    counts = delivery.deliver_due()
    # then one request went out with a signature the receiver can verify with its secret
    assert counts == {"delivered": 1}
    [sent] = receiver.requests
    headers = sent["headers"]
    assert sent["url"] == RECEIVER and sent["timeout"] == 10
    assert headers["X-Tongban-Event"] == "case.accepted"
    assert headers["X-Tongban-Delivery"] == row.event_id
    expected = hmac.new(secret.encode(), headers["X-Tongban-Timestamp"].encode() + b"." + sent["data"],
                        hashlib.sha256).hexdigest()
    assert headers["X-Tongban-Signature"] == f"sha256={expected}"
    assert json.loads(sent["data"]) == row.payload
    # and the row is acknowledged, with the attempt logged
    row.refresh_from_db()
    assert (row.state, row.attempts) == (DeliveryState.DELIVERED, 1)
    assert row.delivered_at is not None
    assert list(row.attempt_log.values_list("status_code", "error")) == [(204, "")]


def test_plat_3_delivery_is_idempotent_an_acknowledged_row_is_never_sent_again(receiver: FakeReceiver):
    """PLAT-3: running the job again sends nothing already acknowledged."""
    # given a delivered row
    agency = AgencyFactory()
    subscribe(agency)
    exchange.publish_case_event(make_case(published_item(agency)), "case.accepted")
    delivery.deliver_due()
    # when the job runs twice more (once as the task)
    delivery.deliver_due()
    result = deliver_due_webhooks.call()
    # then only the first run sent anything
    assert result == {}
    assert len(receiver.requests) == 1


def test_plat_3_backoff_doubles_from_30_seconds_to_a_30_minute_cap():
    """PLAT-3: the retry schedule: 30 s, 1 min, 2 min … capped at 30 min."""
    assert [delivery.backoff_seconds(failures) for failures in range(1, 10)] == [
        30, 60, 120, 240, 480, 960, 1800, 1800, 1800,
    ]


def test_plat_3_a_failed_attempt_is_logged_and_retried_with_growing_backoff(receiver: FakeReceiver):
    """PLAT-3: a refused connection and an HTTP 500 are logged; the next attempt waits 30 s, then 60 s (+≤10 %)."""
    # given a pending row and a receiver that fails twice
    agency = AgencyFactory()
    subscribe(agency)
    row = exchange.publish_case_event(make_case(published_item(agency)), "case.accepted")[0]
    receiver.outcomes = [requests.ConnectionError("connection refused"), 500]
    # when the job runs: first failure
    delivery.deliver_due()
    row.refresh_from_db()
    first_wait = (row.next_attempt_at - row.attempt_log.last().attempted_at).total_seconds()
    # then the row waits 30–33 s and a second run before then sends nothing
    assert 30 <= first_wait <= 33.5
    assert delivery.deliver_due() == {}
    # when the clock passes the wait: the second failure (HTTP 500)
    with time_machine.travel(row.next_attempt_at + datetime.timedelta(seconds=1)):
        delivery.deliver_due()
        row.refresh_from_db()
        second_wait = (row.next_attempt_at - row.attempt_log.last().attempted_at).total_seconds()
    # then the wait doubled and both attempts are logged with what happened
    assert 60 <= second_wait <= 66.5
    assert (row.state, row.attempts) == (DeliveryState.PENDING, 2)
    log = list(row.attempt_log.values_list("status_code", "error"))
    assert log[0][0] is None and log[0][1].startswith("ConnectionError: connection refused")
    assert log[1] == (500, "HTTP 500")


def test_plat_3_a_delivery_is_given_up_after_48_hours_and_audited(receiver: FakeReceiver):
    """PLAT-3: a receiver still failing 48 hours after the event: the row is given up, for the operator to see."""
    # given a pending row
    agency = AgencyFactory()
    subscribe(agency)
    row = exchange.publish_case_event(make_case(published_item(agency)), "case.accepted")[0]
    receiver.outcomes = [503]
    # when the first attempt fails 48 hours later
    with time_machine.travel(row.created_at + datetime.timedelta(hours=48, seconds=1)):
        delivery.deliver_due()
    # then the row is given up and the operator's audit log says so
    row.refresh_from_db()
    assert (row.state, row.attempts) == (DeliveryState.GAVE_UP, 1)
    event = AuditEvent.objects.get(action="cases.webhook.gave_up")
    assert event.data == {"event_id": row.event_id, "attempts": 1, "last_error": "HTTP 503"}
    assert event.agency_id == agency.pk


def test_plat_3_a_deleted_subscription_gets_nothing_more(receiver: FakeReceiver):
    """PLAT-3: rows still waiting for a deleted subscription are given up without a request."""
    # given a pending row
    agency = AgencyFactory()
    subscription, _secret = subscribe(agency)
    row = exchange.publish_case_event(make_case(published_item(agency)), "case.accepted")[0]
    # when the agency system deletes its subscription and the job runs
    exchange.unsubscribe(subscription.credential, subscription.pk)
    delivery.deliver_due()
    # then no request went out and the row is closed with the reason logged
    row.refresh_from_db()
    assert row.state == DeliveryState.GAVE_UP
    assert receiver.requests == []
    assert list(row.attempt_log.values_list("error", flat=True)) == ["subscription deleted"]


def test_plat_3_a_failing_receiver_costs_one_attempt_per_run_and_keeps_the_order(receiver: FakeReceiver):
    """PLAT-3: after a failure the subscription's other events wait; a case's events arrive in order."""
    # given three events of one case and two of another for one receiver, which is down
    agency = AgencyFactory()
    subscribe(agency)
    item = published_item(agency)
    first, second = make_case(item), make_case(item)
    for event in ("case.accepted", "case.review_started", "case.approved"):
        exchange.publish_case_event(first, event)
    exchange.publish_case_event(second, "case.accepted")
    receiver.outcomes = [requests.ConnectionError("connection refused")]
    # when the job runs
    counts = delivery.deliver_due()
    # then only the oldest event was tried; the others are still due, untried
    assert counts == {"pending": 1}
    assert list(WebhookDelivery.objects.order_by("id").values_list("attempts", flat=True)) == [1, 0, 0, 0]
    # when the other case's event is retried at the next run, before the first one's back-off ends
    receiver.requests.clear()
    delivery.deliver_due()
    # then it goes out, but the first case's later events wait behind its failed one
    assert [(request["headers"]["X-Tongban-Event"]) for request in receiver.requests] == ["case.accepted"]
    assert json.loads(receiver.requests[0]["data"])["case"]["number"] == second.number
    # when the back-off of the failed event ends
    receiver.requests.clear()
    retry_at = WebhookDelivery.objects.filter(case=first).order_by("id").first().next_attempt_at
    with time_machine.travel(retry_at + datetime.timedelta(seconds=1)):
        delivery.deliver_due()
    # then the first case's three events arrive in their order
    assert [request["headers"]["X-Tongban-Event"] for request in receiver.requests] == [
        "case.accepted", "case.review_started", "case.approved"]
    assert set(WebhookDelivery.objects.values_list("state", flat=True)) == {DeliveryState.DELIVERED}


@pytest.mark.django_db(transaction=True)
def test_plat_3_two_workers_at_once_send_each_delivery_once(on_postgresql, monkeypatch: pytest.MonkeyPatch):
    """PLAT-3: concurrent workers claim rows with SKIP LOCKED: every due delivery is sent exactly once."""
    if not on_postgresql:
        pytest.skip("SQLite serialises all writers; SKIP LOCKED claiming is exercised on PostgreSQL")
    # given ten due deliveries of ten cases and a slow receiver
    agency = AgencyFactory()
    subscribe(agency)
    item = published_item(agency)
    rows = [exchange.publish_case_event(make_case(item), "case.accepted")[0] for _ in range(10)]
    sent: list[str] = []
    lock = threading.Lock()

    def slow_receiver(url: str, *, data: bytes, headers: dict[str, str], timeout: float,
                      allow_redirects: bool) -> requests.Response:
        time.sleep(0.05)
        with lock:
            sent.append(headers["X-Tongban-Delivery"])
        response = requests.Response()
        response.status_code = 200
        return response

    monkeypatch.setattr(delivery.requests, "post", slow_receiver)
    barrier = threading.Barrier(2)

    def worker() -> None:
        try:
            barrier.wait()
            delivery.deliver_due(limit=5)
            delivery.deliver_due(limit=5)
        finally:
            connection.close()

    # when two workers run at the same instant
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # then each delivery went out once and all are acknowledged
    assert sorted(sent) == sorted(row.event_id for row in rows)
    assert set(WebhookDelivery.objects.values_list("state", flat=True)) == {DeliveryState.DELIVERED}
    assert DeliveryAttempt.objects.count() == 10
