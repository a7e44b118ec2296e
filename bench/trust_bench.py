"""Trust-services benchmark: public show-token verification against a bare endpoint, and licence signing rate.

Usage (from the repository root, after ``make install``; PostgreSQL on 127.0.0.1):

    .venv/bin/python bench/trust_bench.py [--licences 100000] [--samples 400] [--issue 30]

The database ``tongban_bench_trust`` is recreated and migrated; the CA and seal
keys go under ``var/bench-trust`` (recreated). One agency with its seal and the
demo licence types are made through the real services; ``--issue`` licences
are issued through ``licences.services.issuance.issue`` (schema check, data
signature, WeasyPrint rendering, PAdES signature with the seal through the key
store, one transaction with its audit event) — that gives the signing rate in
PDFs per second, also split into rendering and PAdES signing alone. Then
``--licences`` licences (copies of an issued one under new numbers and holders'
hashes) and as many show tokens are bulk-inserted, and ``VACUUM ANALYZE`` runs.

Verification is timed with Django's test client, one request at a time in one
process, alternating with ``GET /healthz`` (the floor: the same middleware
stack, no database) so both see the same machine state:

* ``GET /api/v1/licences/show/<token>`` (the relying party's API) and
* ``GET /verify/show/<token>/`` (the page a phone opens after scanning),
* ``GET /readyz`` as a second floor: the same stack plus one trivial database
  round trip (``SELECT 1``), since every verification must reach the database
  at least once (revocation and use counts are visible at once),

each on a random token among all (tokens allow enough uses for the run).
Target: verification costs at most 25 % more than the bare endpoint.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "tongban_bench_trust"
DATA_DIR = ROOT / "var" / "bench-trust"


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def setup_issuer() -> Any:
    """An agency with its seal and the demo types, through the real services."""
    from tongban.agencies.models import Agency, AgencyKind, AgencyLevel
    from tongban.licences.services import types
    from tongban.seals.services import registry

    agency = Agency.objects.create(code="SHGAJ", name="上海市公安局", short_name="市公安局", level=AgencyLevel.CITY,
                                   kind=AgencyKind.DEPARTMENT, region_code="310000", uscc="11310000002417930A")
    registry.create_agency_seal(None, agency)
    types.define_demo_types({"SHGAJ": agency})
    return agency


def holder(index: int) -> Any:
    from tongban.identity.models import DocumentType, Person, User

    user = User.objects.create(username=f"bench{index}")
    person = Person(user=user, full_name=f"测试{index}", real_name_level=2)
    person.set_document(DocumentType.RESIDENT_ID, f"31010119900101{index:03d}X")
    person.save()
    return person


def measure_issuing(agency: Any, count: int) -> dict[str, float]:
    """Full issuance rate (PDFs per second), and rendering and PAdES signing alone."""
    import datetime

    from weasyprint import HTML

    from tongban.licences.models import LicenceType
    from tongban.licences.services import issuance, rendering
    from tongban.seals.services import registry, signing

    people = [holder(index) for index in range(count)]
    started = time.perf_counter()
    for person in people:
        issuance.issue(None, "resident_id_card", agency=agency, person=person,
                       fields={"sex": "男", "ethnicity": "汉", "address": "上海市黄浦区人民大道200号"})
    full = time.perf_counter() - started
    licence_type = LicenceType.objects.get(code="resident_id_card")
    html = rendering.render_html(licence_type, number="312026BENCH", fields={"name": "张伟", "id_number": "X"},
                                 issuer_name=agency.name, issued_on=datetime.date.today(),
                                 valid_from=datetime.date.today(), valid_until=None, verify_code="x")
    started = time.perf_counter()
    pdfs = [HTML(string=html).write_pdf() for _ in range(count)]
    render = time.perf_counter() - started
    seal = registry.agency_seal(agency)
    started = time.perf_counter()
    for pdf in pdfs:
        signing.sign_pdf(None, seal, pdf, reference="bench", stamp=rendering.SEAL_BOX)
    sign = time.perf_counter() - started
    return {"issue_per_second": count / full, "render_per_second": count / render, "pades_per_second": count / sign}


def bulk_load(count: int) -> list[str]:
    """``count`` licences copied from an issued one, each with a show token; returns the tokens."""
    import datetime
    import secrets

    from django.core import signing as django_signing
    from django.db import connection, transaction
    from django.utils import timezone

    from tongban.licences.models import Licence, ShowToken
    from tongban.licences.services.show import SALT

    template = Licence.objects.first()
    assert template is not None
    expires_at = timezone.now() + datetime.timedelta(days=1)
    tokens = []
    batch = 5000
    with transaction.atomic():
        for start in range(0, count, batch):
            rows = []
            for index in range(start, min(count, start + batch)):
                row = Licence(**{field.attname: getattr(template, field.attname)
                                 for field in Licence._meta.concrete_fields if field.attname != "id"})
                row.number = f"31BENCH{index:012d}"
                row.holder_id_hash = secrets.token_hex(32)
                row.pdf = b""
                rows.append(row)
            created = Licence.objects.bulk_create(rows)
            token_rows = [ShowToken(token_id=secrets.token_urlsafe(16), licence=licence, created_at=timezone.now(),
                                    expires_at=expires_at, max_uses=30000) for licence in created]
            ShowToken.objects.bulk_create(token_rows)
            tokens += [django_signing.dumps({"t": row.token_id, "e": int(expires_at.timestamp())}, salt=SALT)
                       for row in token_rows]
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return tokens


def measure_verification(tokens: list[str], samples: int) -> dict[str, float]:
    from django.test import Client

    client = Client()
    for _ in range(20):  # warm up: URL resolver, templates, connection, cached keys
        client.get("/healthz")
        client.get(f"/api/v1/licences/show/{random.choice(tokens)}")
        client.get(f"/verify/show/{random.choice(tokens)}/")
    timings: dict[str, list[float]] = {"healthz": [], "readyz": [], "api": [], "page": []}
    for _ in range(samples):
        for key in ("healthz", "api", "readyz", "page"):
            url = {"healthz": "/healthz", "readyz": "/readyz", "api": f"/api/v1/licences/show/{random.choice(tokens)}",
                   "page": f"/verify/show/{random.choice(tokens)}/"}[key]
            started = time.perf_counter()
            response = client.get(url)
            timings[key].append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code, response.content[:300])
    figures: dict[str, float] = {}
    for key, values in timings.items():
        figures[f"{key}_p50_ms"] = percentile(values, 0.5) * 1000
        figures[f"{key}_p95_ms"] = percentile(values, 0.95) * 1000
        figures[f"{key}_mean_ms"] = statistics.fmean(values) * 1000
        figures[f"{key}_per_second"] = 1 / statistics.fmean(values)
    return figures


def child(licences: int, samples: int, issue: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    agency = setup_issuer()
    figures = measure_issuing(agency, issue)
    started = time.perf_counter()
    tokens = bulk_load(licences)
    figures["load_seconds"] = time.perf_counter() - started
    figures.update(measure_verification(tokens, samples))
    figures["licences"] = licences
    figures["issued"] = issue
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--licences", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=400)
    parser.add_argument("--issue", type=int, default=30)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.licences, args.samples, args.issue)
        return
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DATABASE], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)
    shutil.rmtree(DATA_DIR, ignore_errors=True)
    env = dict(os.environ, TONGBAN_DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
               TONGBAN_DATA_DIR=str(DATA_DIR), TONGBAN_LOG_LEVEL="WARNING")
    output = subprocess.run([sys.executable, __file__, "--child", "--licences", str(args.licences), "--samples",
                             str(args.samples), "--issue", str(args.issue)], env=env, check=True, capture_output=True,
                            text=True, cwd=ROOT).stdout
    f = json.loads(output.strip().splitlines()[-1])
    print(f"licences: {int(f['licences'])} with as many show tokens (loaded in {f['load_seconds']:.0f} s)")
    print("| path | p50 ms | p95 ms | mean ms | per second (one process) |")
    print("|---|---|---|---|---|")
    for key, label in (("healthz", "GET /healthz (floor)"), ("readyz", "GET /readyz (floor + one query)"),
                       ("api", "GET /api/v1/licences/show/<token>"),
                       ("page", "GET /verify/show/<token>/ (page)")):
        print(f"| {label} | {f[key + '_p50_ms']:.2f} | {f[key + '_p95_ms']:.2f} | {f[key + '_mean_ms']:.2f} | "
              f"{f[key + '_per_second']:.0f} |")
    for key, label in (("api", "API"), ("page", "page")):
        for floor in ("healthz", "readyz"):
            mean = 100 * (f[key + "_mean_ms"] / f[floor + "_mean_ms"] - 1)
            median = 100 * (f[key + "_p50_ms"] / f[floor + "_p50_ms"] - 1)
            print(f"{label} verification over /{floor}: {mean:+.0f} % (mean), {median:+.0f} % (p50)")
    print(f"signing, {int(f['issued'])} licences: full issuance {f['issue_per_second']:.2f} PDFs/s; "
          f"WeasyPrint rendering alone {f['render_per_second']:.2f}/s; "
          f"PAdES signing alone {f['pades_per_second']:.1f}/s")


if __name__ == "__main__":
    main()
