"""Logistics benchmark: courier tracking-event handling on PostgreSQL with a large shipments table (LOG-1).

Usage (from the repository root, after ``make install``; PostgreSQL on 127.0.0.1):

    .venv/bin/python bench/logistics_bench.py [--shipments 500000] [--events 400]

The database ``tongban_bench_logistics`` is recreated and migrated. One
agency, 1,000 level-2 applicants, then ``--shipments`` shipments written with
PostgreSQL ``COPY`` (two years of history: 97 % delivered, 1 % returned, the
rest on their way; unique waybill numbers and idempotency keys, encrypted
phones) and two logged tracking events per shipment (their event ids fill the
partial unique index the idempotency check reads); then ``VACUUM ANALYZE`` and
``CHECKPOINT`` so neither runs during the timings.

Measured one request at a time in one process with Django's test client (the
whole middleware stack, as the courier's POST would meet it), alternating:

* **tracking event**: ``POST /channels/couriers/sandbox/events`` with a push
  signed exactly as the sandbox signs it (HMAC-SHA256), for ``--events``
  ordered result shipments taken through 已揽收 → 运输中 → 派送中 → 已签收
  (the last one also runs the cases hook and the audit log); plus the same
  events again (duplicates) and an older one after delivery (stale).
* **bare endpoint**: the benchmark's own ``POST /bench/bare-event/``: verify
  the same HMAC, parse the JSON and INSERT one row into the same event-log
  table, nothing else (the floor).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import subprocess
import sys
import time
import types
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "tongban_bench_logistics"
PERSONS = 1000
STATUSES = ("picked_up", "in_transit", "out_for_delivery", "delivered")


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def summary(name: str, samples: list[float]) -> dict[str, float]:
    return {f"{name}_p50_ms": statistics.median(samples), f"{name}_p95_ms": percentile(samples, 0.95),
            f"{name}_per_second": 1000 / statistics.fmean(samples), f"{name}_samples": len(samples)}


# --- loading -------------------------------------------------------------------------------------------------


def load_people() -> tuple[Any, list[int]]:
    """One agency and ``PERSONS`` level-2 applicants; returns the agency and the person ids."""
    from django.db import transaction
    from tests.factories import AgencyFactory

    from tongban.identity.models import Person, User

    agency = AgencyFactory(name="上海市公安局", code="BENCH-POLICE")
    with transaction.atomic():
        users = User.objects.bulk_create(User(username=f"p_bench_{index:05d}", password="!")
                                         for index in range(PERSONS))
        persons = Person.objects.bulk_create(Person(user=user, real_name_level=2, full_name=f"申请人{index}")
                                             for index, user in enumerate(users))
    return agency, [person.pk for person in persons]


def load_shipments(count: int, agency_id: int, person_ids: list[int]) -> None:
    """COPY ``count`` shipments and two logged events each, then VACUUM ANALYZE and CHECKPOINT."""
    from django.db import connection
    from django.utils import timezone

    from tongban.core import crypto
    from tongban.logistics.models import Shipment, ShipmentEvent
    from tongban.logistics.models.shipments import SHIPMENT_PHONE_CONTEXT

    rng = random.Random(20261122)
    phone = crypto.encrypt("13812345678", context=SHIPMENT_PHONE_CONTEXT)  # one ciphertext: encryption is not timed
    now = timezone.now()
    columns = [field.column for field in Shipment._meta.concrete_fields if field.column != "id"]
    statement = f"COPY {Shipment._meta.db_table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for index in range(count):
            created = now - datetime.timedelta(minutes=(count - index) * 2 * 365 * 24 * 60 // count)
            roll = rng.random()
            state = "delivered" if roll < 0.97 else "returned" if roll < 0.98 else rng.choice(STATUSES[:3])
            row = {"case_number": f"BENCH{index:010d}", "direction": "result_out",
                   "person_id": person_ids[index % len(person_ids)], "agency_id": agency_id, "courier": "sandbox",
                   "idempotency_key": f"bench-{index:012d}", "waybill_number": f"SB{index:012d}", "state": state,
                   "recipient": "张三", "phone_encrypted": phone, "province": "上海市", "city": "上海市",
                   "district": "浦东新区", "detail": f"世纪大道{index % 2000}号", "replaces_id": None,
                   "order_attempts": 1, "next_order_at": None, "last_event_at": created + datetime.timedelta(days=1),
                   "last_checked_at": None, "case_notified_at": created + datetime.timedelta(days=1),
                   "created_at": created, "ordered_at": created, "version": 3}
            copy.write_row([row[column] for column in columns])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, waybill_number, created_at FROM {Shipment._meta.db_table}")  # noqa: S608
        shipments = cursor.fetchall()
    event_columns = [field.column for field in ShipmentEvent._meta.concrete_fields if field.column != "id"]
    statement = f"COPY {ShipmentEvent._meta.db_table} ({', '.join(event_columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for shipment_id, waybill, created in shipments:
            for sequence, status in ((1, "picked_up"), (4, "delivered")):
                occurred = created + datetime.timedelta(hours=sequence)
                row = {"shipment_id": shipment_id, "courier": "sandbox", "waybill_number": waybill,
                       "event_id": f"{waybill}-{sequence}", "status": status, "occurred_at": occurred,
                       "received_at": occurred, "source": "push", "outcome": "applied", "location": "上海",
                       "detail": ""}
                copy.write_row([row[column] for column in event_columns])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")


def active_shipments(count: int, agency: Any, person_ids: list[int]) -> list[Any]:
    """``count`` new result shipments ordered from the sandbox courier through the real services."""
    from tongban.identity.models import Person
    from tongban.logistics.models import Direction
    from tongban.logistics.services import shipments
    from tongban.logistics.services.addresses import AddressInput

    destination = AddressInput(recipient="张三", phone="13812345678", province="上海市", city="上海市",
                               district="浦东新区", detail="世纪大道100号")
    result = []
    for index in range(count):
        person = Person.objects.get(pk=person_ids[index % len(person_ids)])
        shipment = shipments.create_shipment(None, case_number=f"LIVE{index:08d}", direction=Direction.RESULT_OUT,
                                             person=person, agency=agency, destination=destination)
        result.append(shipments.place_order(shipment.pk))
    return result


# --- the benchmark's URLconf ---------------------------------------------------------------------------------


def install_urlconf() -> None:
    """``logistics_bench_urls``: tongban.urls unchanged, plus the bare event endpoint."""
    from django.conf import settings
    from django.http import HttpRequest, HttpResponse, JsonResponse
    from django.urls import include, path
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime
    from django.views.decorators.csrf import csrf_exempt
    from django.views.decorators.http import require_POST

    from tongban.logistics.couriers.signing import courier_secret, verify
    from tongban.logistics.models import ShipmentEvent

    @csrf_exempt
    @require_POST
    def bare_event(request: HttpRequest) -> HttpResponse:
        """The floor: the same signature check and JSON parse, one INSERT into the event log, no rules."""
        body = request.body
        if not verify(courier_secret("sandbox") or "", request.headers["X-Courier-Timestamp"], body,
                      request.headers["X-Courier-Signature"]):
            return JsonResponse({"code": "bad signature"}, status=401)
        data = json.loads(body)
        ShipmentEvent.objects.create(courier="sandbox", waybill_number=data["waybill_number"],
                                     event_id=f"bare-{data['event_id']}", status=data["status"],
                                     occurred_at=parse_datetime(data["occurred_at"]), received_at=timezone.now(),
                                     outcome="note")
        return JsonResponse({"ok": True})

    module = types.ModuleType("logistics_bench_urls")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("bench/bare-event/", bare_event), path("", include("tongban.urls")),
    ]
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__


# --- measuring -----------------------------------------------------------------------------------------------


def measure(active: list[Any]) -> dict[str, Any]:
    """Alternate real pushes and bare pushes; then duplicates and stale events."""
    from django.db import connection
    from django.test import Client

    from tongban.logistics.couriers import sandbox
    from tongban.logistics.couriers.signing import encode

    client = Client()
    pushes, bare, duplicates, stale = [], [], [], []
    by_status: dict[str, list[float]] = {status: [] for status in STATUSES}
    queries = {"push": 0, "bare": 0}
    sent: list[tuple[bytes, dict[str, str]]] = []

    def post(url: str, body: bytes, headers: dict[str, str], expected: str | None, kind: str) -> float:
        before = len(connection.queries)
        started = time.perf_counter()
        response = client.post(url, data=body, content_type="application/json", headers=headers)
        elapsed = (time.perf_counter() - started) * 1000
        if kind in queries:
            queries[kind] += len(connection.queries) - before
        assert response.status_code == 200, response.content
        if expected is not None:
            assert response.json()["outcome"] == expected, response.content
        return elapsed

    connection.force_debug_cursor = True  # count statements (the list is capped at 9,000; cleared below)
    for step, status in enumerate(STATUSES, 1):
        for shipment in active:
            occurred = shipment.ordered_at + datetime.timedelta(minutes=10 * step)
            payload = {"event_id": f"{shipment.waybill_number}-{step}", "waybill_number": shipment.waybill_number,
                       "status": status, "occurred_at": occurred.isoformat(), "location": "上海"}
            body = encode(payload)
            headers = sandbox.signed(body)
            connection.queries_log.clear()
            pushes.append(post("/channels/couriers/sandbox/events", body, headers, "applied", "push"))
            by_status[status].append(pushes[-1])
            connection.queries_log.clear()
            bare.append(post("/bench/bare-event/", body, headers, None, "bare"))
            sent.append((body, headers))
    for body, headers in random.Random(7).sample(sent, min(len(sent), len(active))):
        connection.queries_log.clear()
        duplicates.append(post("/channels/couriers/sandbox/events", body, headers, "duplicate", "duplicate"))
    for shipment in active:
        payload = {"event_id": f"{shipment.waybill_number}-late", "waybill_number": shipment.waybill_number,
                   "status": "in_transit", "occurred_at": (shipment.ordered_at + datetime.timedelta(minutes=15))
                   .isoformat(), "location": "上海"}
        body = encode(payload)
        connection.queries_log.clear()
        stale.append(post("/channels/couriers/sandbox/events", body, sandbox.signed(body), "stale", "stale"))
    connection.force_debug_cursor = False
    figures: dict[str, Any] = {}
    figures |= summary("push", pushes) | summary("bare", bare) | summary("duplicate", duplicates)
    figures |= summary("stale", stale)
    figures["push_by_status_p50_ms"] = {status: statistics.median(samples) for status, samples in by_status.items()}
    figures["push_queries"] = queries["push"] / len(pushes)
    figures["bare_queries"] = queries["bare"] / len(bare)
    return figures


def child(shipments: int, events: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    install_urlconf()
    figures: dict[str, Any] = {"shipments": shipments}
    started = time.perf_counter()
    agency, person_ids = load_people()
    load_shipments(shipments, agency.pk, person_ids)
    figures["load_seconds"] = time.perf_counter() - started
    active = active_shipments(events // len(STATUSES), agency, person_ids)
    figures["load_before"] = os.getloadavg()[0]
    figures |= measure(active)
    figures["load_after"] = os.getloadavg()[0]
    from tongban.logistics.models import Shipment

    figures["delivered_active"] = Shipment.objects.filter(pk__in=[s.pk for s in active], state="delivered").count()
    figures["active"] = len(active)
    print(json.dumps(figures))


def fresh_database() -> str:
    """Recreate the benchmark database; if DROP DATABASE hangs (PostgreSQL 15 waits for every backend to absorb
    a signal barrier, and a client stalled in COPY elsewhere on the server never does), use a new name instead."""
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qAtc"]
    try:
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DATABASE], check=True,
                       timeout=30)
        name = DATABASE
    except subprocess.TimeoutExpired:
        subprocess.run([*psql, "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
                        f"AND query LIKE 'DROP DATABASE IF EXISTS {DATABASE}%'"], check=False, capture_output=True)
        name = f"{DATABASE}_{int(time.time())}"
        print(f"(DROP DATABASE hung: using {name}; drop it later)", file=sys.stderr)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    return name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shipments", type=int, default=500_000)
    parser.add_argument("--events", type=int, default=400, help="tracking events pushed (4 per active shipment)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.shipments, args.events)
        return
    database = fresh_database()
    env = dict(os.environ, TONGBAN_DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}",
               TONGBAN_DATA_DIR=str(ROOT / "var" / "bench"), TONGBAN_LOG_LEVEL="WARNING", TONGBAN_DEBUG="0")
    output = subprocess.run([sys.executable, __file__, "--child", "--shipments", str(args.shipments), "--events",
                             str(args.events)], env=env, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    f = json.loads(output.strip().splitlines()[-1])
    print(f"shipments: {f['shipments']:,} (+ {2 * f['shipments']:,} logged events); load (COPY + VACUUM ANALYZE) "
          f"{f['load_seconds']:.0f} s; load average (1 min) {f['load_before']:.1f} before the timings, "
          f"{f['load_after']:.1f} after; {f['delivered_active']}/{f['active']} live shipments ended delivered")
    print("| measurement | statements | p50 ms | p95 ms | per second (one process) |")
    print("|---|---|---|---|---|")
    rows = (("push", "tracking event `POST /channels/couriers/sandbox/events` (applied)", f"{f['push_queries']:.1f}"),
            ("bare", "bare endpoint `POST /bench/bare-event/` (HMAC + JSON + one INSERT)", f"{f['bare_queries']:.1f}"),
            ("duplicate", "same event again (duplicate, acknowledged)", "—"),
            ("stale", "older event after delivery (stale, logged)", "—"))
    for key, label, queries in rows:
        print(f"| {label} | {queries} | {f[key + '_p50_ms']:.1f} | {f[key + '_p95_ms']:.1f} | "
              f"{f[key + '_per_second']:.1f} |")
    print("tracking event p50 ms by status: " + ", ".join(f"{status} {ms:.1f}" for status, ms in
                                                         f["push_by_status_p50_ms"].items()))
    print(f"tracking event / bare endpoint rate: {f['push_per_second'] / f['bare_per_second']:.2f}")


if __name__ == "__main__":
    main()
