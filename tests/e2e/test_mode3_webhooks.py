"""Mode 3 end to end (PLAT-3, SEC-3): a case pushed to an agency system that is down for an hour, and back.

A real HTTP receiver on 127.0.0.1 plays the agency's system: it verifies the
signature the way docs/mode3.md tells integrators to, deduplicates by event id
and acknowledges. ``tongban worker --batch`` sends the webhooks from the outbox;
time_machine moves the clock through the back-off. The agency system then
reports its transitions through the API with idempotency keys.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import io
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.management.commands import db_worker

from tests.cases.builders import scene, submitted
from tongban.agencies.services import issue_credential
from tongban.cases.models import CaseEvent, CaseState, Decision, DeliveryAttempt, DeliveryState, WebhookDelivery
from tongban.cases.services import delivery, handling
from tongban.catalogue.services import cut_off

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

SIGNATURE_TOLERANCE_SECONDS = 300


@dataclass
class AgencySystem:
    """What the receiving agency system remembers: every request, and the events it has processed once."""

    secret: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)
    processed: dict[str, dict[str, Any]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def verify(self, headers: Any, body: bytes) -> bool:
        """The check docs/mode3.md prescribes: fresh timestamp, HMAC-SHA256 over "timestamp.body", constant time."""
        timestamp = headers.get("X-Tongban-Timestamp", "")
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > SIGNATURE_TOLERANCE_SECONDS:
            return False
        expected = hmac.new(self.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(headers.get("X-Tongban-Signature", ""), f"sha256={expected}")


def _handler(system: AgencySystem) -> type[BaseHTTPRequestHandler]:
    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            valid = system.verify(self.headers, body)
            event_id = self.headers.get("X-Tongban-Delivery", "")
            with system.lock:
                system.requests.append({"event_id": event_id, "event": self.headers.get("X-Tongban-Event"),
                                        "valid": valid})
                if valid and event_id not in system.processed:  # dedupe: at-least-once delivery
                    system.processed[event_id] = json.loads(body)
            self.send_response(204 if valid else 401)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
            pass

    return Receiver


@dataclass
class Endpoint:
    """A receiver bound to a port that refuses connections until ``come_up`` starts listening."""

    server: HTTPServer
    system: AgencySystem
    thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/tongban/webhooks"

    def come_up(self) -> None:
        self.server.server_activate()
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    system = AgencySystem()
    # Bound but not listening: the port is ours, and every connection is refused (the system is "down").
    server = HTTPServer(("127.0.0.1", 0), _handler(system), bind_and_activate=False)
    server.server_bind()
    reachable = Endpoint(server, system)
    yield reachable
    if reachable.thread is not None:
        server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def worker_keeps_the_test_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    # The worker recycles database connections between jobs; inside the test's transaction that would close
    # the connection on PostgreSQL, so recycling is switched off here (as in tests/workbench/test_demo.py).
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def _worker() -> None:
    """One pass of ``tongban worker --batch``: enqueue the webhook sweep and run the queue."""
    call_command("worker", "--batch", stdout=io.StringIO())


def _report(client, token: str, number: str, key: str, **body: Any):  # type: ignore[no-untyped-def]
    return client.post(f"/api/v1/cases/{number}/transitions", data=json.dumps(body, ensure_ascii=False),
                       content_type="application/json",
                       headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key})


def test_plat_3_a_mode_3_case_survives_an_agency_system_down_for_an_hour(client, endpoint: Endpoint, fixed_clock):
    """PLAT-3: pushed, retried with growing back-off for an hour, acknowledged, handled back through the API."""
    # given a mode-3 item whose agency system subscribes through the API (it keeps the secret)
    the = scene(integration_mode=3)
    token = issue_credential(the.bureau, "公安业务系统")[1]
    answer = client.post("/api/v1/cases/subscriptions", data=json.dumps({"url": endpoint.url}),
                         content_type="application/json", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 201
    endpoint.system.secret = answer.json()["secret"]

    # when an applicant submits while the agency system is down, and the worker keeps trying for an hour
    case = submitted(the)
    pushed = WebhookDelivery.objects.get(case=case, event_type="case.submitted")
    went_down = timezone.now()
    _worker()
    pushed.refresh_from_db()
    while timezone.now() - went_down < datetime.timedelta(hours=1):
        fixed_clock.move_to(pushed.next_attempt_at + datetime.timedelta(seconds=1))
        _worker()
        pushed.refresh_from_db()

    # then every attempt was refused and logged, each wait longer than the one before, capped at 30 minutes
    failures = list(pushed.attempt_log.all())
    assert pushed.state == DeliveryState.PENDING and len(failures) == pushed.attempts == 8
    assert all(attempt.status_code is None and "ConnectionError" in attempt.error for attempt in failures)
    waits = [(later.attempted_at - earlier.attempted_at).total_seconds()
             for earlier, later in zip(failures, failures[1:], strict=False)]
    for wait, planned in zip(waits, [30, 60, 120, 240, 480, 960, 1800], strict=True):
        assert planned <= wait <= planned * (1 + delivery.JITTER_FRACTION) + 5
    assert endpoint.system.requests == []

    # when the agency system comes back up and the next retry falls due
    endpoint.come_up()
    fixed_clock.move_to(pushed.next_attempt_at + datetime.timedelta(seconds=1))
    _worker()

    # then the case reaches it, signed, with its form data and materials, and the delivery is acknowledged
    pushed.refresh_from_db()
    assert (pushed.state, pushed.attempts) == (DeliveryState.DELIVERED, 9)
    assert pushed.attempt_log.last().status_code == 204
    received = endpoint.system.processed[pushed.event_id]
    assert received["event_type"] == "case.submitted"
    assert received["case"]["number"] == case.number
    assert received["case"]["form_data"] == case.form_data
    assert received["case"]["materials"] and all(entry["sha256"] for entry in received["case"]["materials"]
                                                 if entry["download_url"])

    # when the agency system accepts (its answer lost, so it sends the same request again) and then decides
    accepted = _report(client, token, case.number, "GA-2026-0001-accept", action="accept",
                       agency_reference="GA-2026-0001")
    repeated = _report(client, token, case.number, "GA-2026-0001-accept", action="accept",
                       agency_reference="GA-2026-0001")
    decided = _report(client, token, case.number, "GA-2026-0001-decide", action="decide", approve=True,
                      reasons="材料齐全，符合法定条件", expected_lock_version=accepted.json()["lock_version"])
    # and a late duplicate of the acceptance arrives under a fresh key
    late = _report(client, token, case.number, "GA-2026-0001-accept-retry", action="accept")

    # then the key's repeat got the first answer, the late duplicate was told the current state, one effect each
    assert (accepted.status_code, repeated.status_code, decided.status_code) == (200, 200, 200)
    assert repeated.json() == accepted.json() and repeated["Idempotent-Replayed"] == "true"
    assert (late.status_code, late.json()["code"], late.json()["case_state"]) == (409, "CASE_WRONG_STATE",
                                                                                   "approved")
    case.refresh_from_db()
    assert (case.state, case.agency_system_reference) == (CaseState.APPROVED, "GA-2026-0001")
    assert [event.action for event in CaseEvent.objects.filter(case=case)] == [
        "draft_started", "submitted", "accepted", "approved"]
    assert Decision.objects.filter(case=case).count() == 1

    # when the worker crashes after sending the acceptance event but before recording it
    real_record = delivery._record

    def crash_once(*args: Any, **kwargs: Any) -> Any:
        monkeypatched.undo()
        raise RuntimeError("worker killed")

    monkeypatched = pytest.MonkeyPatch()
    monkeypatched.setattr(delivery, "_record", crash_once)
    with pytest.raises(RuntimeError):
        delivery.deliver_due(limit=1)
    assert delivery._record is real_record
    # and the claim lapses and the worker runs again
    fixed_clock.shift(delivery.CLAIM_SECONDS + 1)
    _worker()

    # then nothing is lost: every event delivered and acknowledged, the duplicate send processed once
    rows = list(WebhookDelivery.objects.filter(case=case).order_by("id"))
    assert [(row.event_type, row.state) for row in rows] == [
        ("case.submitted", DeliveryState.DELIVERED), ("case.accepted", DeliveryState.DELIVERED),
        ("case.approved", DeliveryState.DELIVERED),
    ]
    sent = [request["event_id"] for request in endpoint.system.requests]
    assert all(request["valid"] for request in endpoint.system.requests)
    assert sent.count(rows[1].event_id) == 2  # the crash: sent, not recorded, sent again
    assert sorted(endpoint.system.processed) == sorted(row.event_id for row in rows)
    assert [endpoint.system.processed[row.event_id]["case"]["state"] for row in rows] == [
        "submitted", "accepted", "approved"]


def test_sec_3_a_cut_off_agencys_system_receives_nothing(client, endpoint: Endpoint):
    """SEC-3: with the agency cut off, its events are withheld; the listening receiver gets no request at all."""
    # given a listening agency system subscribed to every event
    the = scene(integration_mode=3)
    token = issue_credential(the.bureau, "公安业务系统")[1]
    answer = client.post("/api/v1/cases/subscriptions", data=json.dumps({"url": endpoint.url}),
                         content_type="application/json", headers={"Authorization": f"Bearer {token}"})
    endpoint.system.secret = answer.json()["secret"]
    endpoint.come_up()
    # and a case submitted before the cut-off, its push still waiting
    first = submitted(the)
    # when the operator cuts the agency off, and the worker runs
    cut_off.cut_off(None, the.bureau, reason="异常流量", announcement_title="暂停公告", announcement_body="暂停。")
    _worker()
    # and an officer accepts the case in the workbench meanwhile, and the worker runs again
    handling.accept(the.officer, first)
    _worker()
    # then both events are withheld, nothing was sent, and no attempt was made
    assert list(WebhookDelivery.objects.filter(case=first).order_by("id").values_list("event_type", "state")) == [
        ("case.submitted", DeliveryState.WITHHELD), ("case.accepted", DeliveryState.WITHHELD)]
    assert endpoint.system.requests == []
    assert DeliveryAttempt.objects.count() == 0
