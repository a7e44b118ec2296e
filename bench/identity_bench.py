"""Identity benchmark: logins per second and token-endpoint latency on PostgreSQL with 100,000 persons.

Usage (from the repository root, after ``make install``; PostgreSQL on 127.0.0.1):

    .venv/bin/python bench/identity_bench.py [--persons 100000] [--samples 200]

The database ``tongban_bench_identity`` is recreated. Persons are bulk-inserted
(encrypted phone numbers and keyed hashes computed by the real model methods,
one shared argon2 password hash, so each login verifies a real argon2 hash at
Django's default cost). Every timing goes through the real URL, view, service
and database path with Django's test client, one request at a time in one
process (the machine has two cores; a deployment runs one worker per core):

* password login: ``POST /account/login/`` (phone lookup by keyed hash,
  django-axes, argon2 verification, session, audit event);
* code login: ``POST /account/login/`` to send the SMS code through the sandbox
  gateway, then ``POST /account/login/code/`` to verify it;
* token endpoint: ``POST /o/token/`` exchanging a fresh authorization code with
  PKCE for an access token and an RS256-signed ID token (the authorize and
  consent steps before it are not timed);
* ``GET /healthz`` as the floor of a request through the same middleware.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "tongban_bench_identity"
PASSWORD = "Bench-Ming-Yue-2026"


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def phone_of(index: int) -> str:
    return f"139{index:08d}"


def load(count: int) -> float:
    """Bulk-create ``count`` users with persons at level 1; returns seconds."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from tongban.identity.models import Person, User

    started = time.perf_counter()
    password_hash = make_password(PASSWORD)
    batch = 5000
    with transaction.atomic():
        for start in range(0, count, batch):
            users = User.objects.bulk_create(
                User(username=f"bench_{index:06d}", password=password_hash) for index in range(start, start + batch)
            )
            persons = []
            for offset, user in enumerate(users):
                person = Person(user=user, real_name_level=1)
                person.set_phone(phone_of(start + offset))
                persons.append(person)
            Person.objects.bulk_create(persons)
    return time.perf_counter() - started


def timed(action, *args, **kwargs):  # type: ignore[no-untyped-def]
    """``(milliseconds, result)`` of one call."""
    started = time.perf_counter()
    result = action(*args, **kwargs)
    return (time.perf_counter() - started) * 1000, result


def log_in_by_code(client, phone: str) -> None:  # type: ignore[no-untyped-def]
    """Ask for the SMS code, read it from the sandbox outbox, verify it."""
    from tongban.identity.services.one_time_codes import sandbox_code

    client.post("/account/login/", {"method": "code", "phone": phone})
    answer = client.post("/account/login/code/", {"action": "verify", "code": sandbox_code(phone)})
    assert answer.status_code == 302, answer.status_code


def measure(count: int, samples: int) -> dict[str, float]:
    from django.test import Client
    from tests.identity import oidc_builders

    from tongban.identity.models import Person

    rng = random.Random(11)
    indexes = rng.sample(range(count), samples * 2)
    figures: dict[str, float] = {}

    probe = Client()
    probe.get("/healthz")  # the first request imports and compiles what the rest reuse
    healthz = [timed(probe.get, "/healthz")[0] for _ in range(samples)]

    password_logins: list[float] = []
    for position, index in enumerate(indexes[:samples]):
        client = Client(REMOTE_ADDR=f"198.51.100.{position % 250 + 1}")
        elapsed, response = timed(client.post, "/account/login/",
                                  {"method": "password", "phone": phone_of(index), "password": PASSWORD})
        assert response.status_code == 302, response.status_code
        password_logins.append(elapsed)

    code_logins: list[float] = []
    for position, index in enumerate(indexes[samples:]):
        code_logins.append(timed(log_in_by_code, Client(REMOTE_ADDR=f"203.0.113.{position % 250 + 1}"),
                                 phone_of(index))[0])

    registered = oidc_builders.registered_client()
    holder = Person.objects.select_related("user").get(user__username=f"bench_{indexes[0]:06d}")
    browser, relying_party = Client(), Client()
    browser.force_login(holder.user)
    token_requests: list[float] = []
    for _ in range(samples):
        code, verifier = oidc_builders.authorize(browser, registered, scope="openid profile phone")
        elapsed, answer = timed(oidc_builders.exchange, relying_party, registered, code, verifier)
        assert answer.status_code == 200, answer.content[:300]
        assert "id_token" in answer.json()
        token_requests.append(elapsed)

    for name, values in (("healthz", healthz), ("password_login", password_logins), ("code_login", code_logins),
                         ("token", token_requests)):
        figures[f"{name}_p50_ms"] = statistics.median(values)
        figures[f"{name}_p95_ms"] = percentile(values, 0.95)
        # Sequential requests: the throughput of one worker process is the inverse of the mean latency.
        figures[f"{name}_per_second"] = 1000 / statistics.fmean(values)
    return figures


def child(count: int, samples: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    call_command("migrate", verbosity=0)
    # The consent step reads the rendered form's context, which the test environment records.
    setup_test_environment()
    load_seconds = load(count)
    figures = measure(count, samples)
    figures["load_seconds"] = load_seconds
    figures["persons"] = count
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.persons, args.samples)
        return
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DATABASE], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)
    env = dict(os.environ, TONGBAN_DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
               TONGBAN_DATA_DIR=str(ROOT / "var" / "bench"), TONGBAN_LOG_LEVEL="WARNING")
    output = subprocess.run([sys.executable, __file__, "--child", "--persons", str(args.persons), "--samples",
                             str(args.samples)], env=env, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    f = json.loads(output.strip().splitlines()[-1])
    print(f"persons: {int(f['persons'])} (loaded in {f['load_seconds']:.0f} s)")
    print("| path | p50 ms | p95 ms | per second (one process) |")
    print("|---|---|---|---|")
    for key, label in (("healthz", "GET /healthz (floor)"), ("password_login", "password login"),
                       ("code_login", "SMS-code login (send + verify)"), ("token", "POST /o/token/ (code → tokens)")):
        print(f"| {label} | {f[key + '_p50_ms']:.1f} | {f[key + '_p95_ms']:.1f} | {f[key + '_per_second']:.1f} |")


if __name__ == "__main__":
    main()
