"""Cases benchmark: staff-queue latency and submission throughput on PostgreSQL with 1,000,000 cases.

Usage (from the repository root, after ``make install``; PostgreSQL on 127.0.0.1):

    .venv/bin/python bench/cases_bench.py [--cases 1000000] [--samples 200] [--submissions 300]

The database ``tongban_bench_cases`` is recreated and migrated. 50 district
bureaus each publish 4 items through the real catalogue lifecycle (200 items,
form schema, three required materials); 100,000 level-2 applicants with
encrypted phones are bulk-inserted; the cases are written with PostgreSQL
``COPY`` (bulk_create would also run ``auto_now_add`` over ``created_at``):
in submission order over two years (as a live table fills), the open 5 %
(submitted, pre-reviewed, in correction, accepted, under review, approved,
result issued, delivered) among the last 60 days, the rest concluded, refused,
withdrawn or abandoned drafts; running limits due from ten days overdue to
fifteen days ahead with their stored deadline status; unique numbers. Then
``VACUUM ANALYZE`` and ``CHECKPOINT``, so that neither autovacuum nor the
checkpoint writing the load's pages runs during the timings.

Measured, one request or call at a time in one process (so "per second" is one
worker's rate, the inverse of the mean latency):

* **staff queue**: ``GET /workbench/cases/?queue=…`` with Django's test client
  as a CASE_OFFICER of a random bureau whose session passed the second factor
  (``tests.staff_sessions.VerifiedStaffClient``), across bureaus, queues,
  deadline filters and pages; also a city-level officer (all 50 bureaus in
  scope) and ``?queue=all``. Should the page not be routed, the output says so
  and :func:`provisional_query` is timed in-process instead (the page's scope,
  states and urgency order: overdue, warning, the rest; due date; submission
  time; 20 a page with the paginator's count).
* **full submission path, in-process**: ``applications.start_draft`` →
  ``save_draft`` → three ``attach_document`` (documents bulk-created
  beforehand in each applicant's library) → ``submit``, through the services
  (transactions, row locks, timeline, in-app message, SMS to the sandbox,
  outbox check, audit chain), no HTTP.
* **HTTP, same stack**: the benchmark's own URLconf (module ``cases_bench_urls``
  built in this process, which includes ``tongban.urls`` unchanged) adds two
  endpoints: ``POST /bench/insert-one/`` does one ``Case.objects.create`` of a
  submitted case (the floor: one INSERT into the same 1M-row table with the
  same indexes), and ``POST /bench/submit/<number>/`` loads a ready draft by
  number and calls ``applications.submit``, as a portal view would. The two
  are requested alternately by logged-in applicants; target: submit's rate at
  least half the bare insert's.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
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
DATABASE = "tongban_bench_cases"
BUREAUS = 50
ITEMS_PER_BUREAU = 4
PERSONS = 100_000
FORM = {"applicant_name": "张三", "reason": "就业"}
SCHEMA = {
    "type": "object",
    "required": ["applicant_name", "reason"],
    "properties": {
        "applicant_name": {"type": "string", "title": "申请人姓名", "minLength": 1},
        "reason": {"type": "string", "title": "申请事由", "enum": ["就业", "就学", "居住"]},
    },
}
ANSWERS = {"Q1": ["A"]}  # self-applying: M01–M03 required, M04 (power of attorney) not
# Cases are written in submission order, as the table fills in real life. Two years of cases; those of the
# last 60 days are still open with OPEN_SHARE (5 % of all cases), the rest are finished.
YEARS_DAYS, RECENT_DAYS = 730, 60
OPEN_SHARE = 0.05 * YEARS_DAYS / RECENT_DAYS
OPEN_MIX = [("submitted", 16), ("pre_reviewed", 4), ("correction_requested", 5), ("accepted", 10),
            ("under_review", 15), ("approved", 2), ("result_issued", 1), ("delivered", 2)]
FINISHED_MIX = [("concluded", 94), ("refused", 2), ("withdrawn", 2), ("draft", 2)]
DUE_STEPS = {"submitted": "acceptance", "pre_reviewed": "acceptance", "correction_requested": "acceptance",
             "accepted": "decision", "under_review": "decision"}
# The queues of the workbench page (tongban.workbench.views.case_queues), for the provisional query.
QUEUE_STATES = {"acceptance": ["submitted", "pre_reviewed"], "correction": ["correction_requested"],
                "review": ["accepted"], "decision": ["under_review"],
                "delivery": ["approved", "denied", "result_issued", "delivered"]}
QUEUE_STATES["all"] = [*{state for states in QUEUE_STATES.values() for state in states},
                       "refused", "concluded", "withdrawn"]
CHANNELS = [("pc", 0.5), ("mobile", 0.35), ("kiosk", 0.05), ("counter", 0.10)]


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def summary(name: str, samples: list[float]) -> dict[str, float]:
    return {f"{name}_p50_ms": statistics.median(samples), f"{name}_p95_ms": percentile(samples, 0.95),
            f"{name}_per_second": 1000 / statistics.fmean(samples), f"{name}_samples": len(samples)}


class DatabaseClock:
    """An execute wrapper adding each statement's time (ms) and count to ``total`` ([ms, statements])."""

    def __init__(self, total: list[float]) -> None:
        self.total = total

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.total[0] += (time.perf_counter() - started) * 1000
            self.total[1] += 1


def logged_in(user: Any, shared: Any = None) -> Any:
    """A test client logged in as ``user`` (staff: second factor passed) that shares ``shared``'s handler.

    Each new test client otherwise builds its own handler and middleware on its first request (WhiteNoise alone
    scans the static files then, ~9 ms); a server process builds them once, so the clients share one.
    """
    from tests.staff_sessions import VerifiedStaffClient

    client = VerifiedStaffClient()
    client.force_login(user)
    if shared is not None:
        client.handler = shared.handler
    return client


def timed(action, *args, **kwargs):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = action(*args, **kwargs)
    return (time.perf_counter() - started) * 1000, result


# --- loading -------------------------------------------------------------------------------------------------


def load_catalogue() -> dict[str, Any]:
    """City, 50 bureaus with a CASE_OFFICER each, 200 items published through the lifecycle."""
    from tests.factories import AgencyFactory, published_item, staff

    from tongban.agencies.models import AgencyLevel
    from tongban.identity.models import StaffRole

    material = {"description": "", "source": "applicant", "medium": "original", "paper_copies": 0,
                "is_required": True, "situation_options": [], "sample_url": "", "blank_form_url": "",
                "licence_type": "", "shared_data_resource": "", "commitment_allowed": False}
    materials = [{**material, "code": "M01", "name": "申请表"}, {**material, "code": "M02", "name": "居民身份证"},
                 {**material, "code": "M03", "name": "户口簿"},
                 {**material, "code": "M04", "name": "授权委托书", "situation_options": ["Q1.B"]}]
    city = AgencyFactory(name="上海市人民政府", code="BENCH-CITY")
    bureaus, items, officers = [], [], []
    for number in range(BUREAUS):
        bureau = AgencyFactory(name=f"上海市第{number}局", code=f"BENCH-{number:03d}", parent=city,
                               level=AgencyLevel.DISTRICT)
        bureaus.append(bureau)
        officers.append(staff(StaffRole.CASE_OFFICER, bureau))
        for unit in range(ITEMS_PER_BUREAU):
            items.append(published_item(bureau, name=f"事项{number}-{unit}", form_schema=SCHEMA,
                                        materials=materials))
    return {"city": city, "bureaus": bureaus, "items": items, "officers": officers,
            "city_officer": staff(StaffRole.CASE_OFFICER, city)}


def load_persons(count: int) -> list[int]:
    """``count`` users with level-2 persons (encrypted phones, as the model stores them); returns person ids."""
    from django.db import transaction

    from tongban.identity.models import Person, User

    ids: list[int] = []
    batch = 5000
    with transaction.atomic():
        for start in range(0, count, batch):
            users = User.objects.bulk_create(User(username=f"p_bench_{index:06d}", password="!")
                                             for index in range(start, min(count, start + batch)))
            persons = []
            for offset, user in enumerate(users):
                person = Person(user=user, real_name_level=2, full_name=f"申请人{start + offset}")
                person.set_phone(f"137{start + offset:08d}")
                persons.append(person)
            ids.extend(person.pk for person in Person.objects.bulk_create(persons))
    return ids


def case_rows(count: int, items: list[Any], person_ids: list[int], today: datetime.date, rng: random.Random):
    """One dict per case, column name → value, for COPY (see :func:`load_cases`)."""
    channels = [channel for channel, _share in CHANNELS]
    channel_weights = [share for _channel, share in CHANNELS]
    form, answers = json.dumps(FORM, ensure_ascii=False), json.dumps(ANSWERS)
    now = datetime.datetime.combine(today, datetime.time(1), tzinfo=datetime.UTC)
    first = now - datetime.timedelta(days=YEARS_DAYS)
    for index in range(count):
        item = items[rng.randrange(len(items))]
        submitted = first + datetime.timedelta(days=YEARS_DAYS * index / count, minutes=rng.uniform(0, 10))
        recent = (now - submitted).days < RECENT_DAYS
        mix = OPEN_MIX if recent and rng.random() < OPEN_SHARE else FINISHED_MIX
        state = rng.choices([state for state, _ in mix], [weight for _, weight in mix])[0]
        channel = rng.choices(channels, channel_weights)[0]
        accepted = submitted + datetime.timedelta(days=1) if state not in (
            "draft", "submitted", "pre_reviewed", "correction_requested", "refused", "withdrawn") else None
        decided = submitted + datetime.timedelta(days=rng.uniform(2, 20)) if state in (
            "approved", "result_issued", "delivered", "concluded") else None
        due_on = warning_on = paused_on = None
        status, step = "none", DUE_STEPS.get(state, "")
        if step:
            due_on = today + datetime.timedelta(days=rng.randint(-10, 15))
            warning_on = due_on - datetime.timedelta(days=1)
            status = "overdue" if today > due_on else "warning" if today >= warning_on else "on_time"
            if state == "correction_requested":
                status, paused_on = "paused", today - datetime.timedelta(days=rng.randint(0, 10))
        yield {
            "number": f"TB{submitted:%Y%m%d}L{index:07d}", "item_id": item.pk, "version_id": item.published_version_id,
            "applicant_id": person_ids[rng.randrange(len(person_ids))], "enterprise_grant_id": None,
            "enterprise_id": None, "channel": channel, "filed_by_label": "",
            "accepting_agency_id": item.agency_id if channel == "counter" else None,
            "handling_agency_id": item.agency_id, "parent_id": None, "life_event_id": None, "state": state,
            "form_data": form, "situation_answers": answers,
            "created_at": submitted - datetime.timedelta(minutes=rng.randint(2, 90)),
            "submitted_at": None if state == "draft" else submitted, "accepted_at": accepted, "decided_at": decided,
            "concluded_at": decided + datetime.timedelta(days=1) if state == "concluded" and decided else None,
            "due_step": step, "due_on": due_on, "warning_on": warning_on, "deadline_status": status,
            "paused_on": paused_on, "paused_working_days": 0,
            "retention_class": "30y" if decided else "", "agency_system_reference": "",
            "lock_version": 0 if state == "draft" else rng.randint(1, 8),
        }


def load_cases(count: int, items: list[Any], person_ids: list[int]) -> None:
    """COPY ``count`` cases into the cases table, then VACUUM ANALYZE and CHECKPOINT (out of the timings)."""
    from django.db import connection
    from django.utils import timezone

    from tongban.cases.models import Case

    columns = [field.column for field in Case._meta.concrete_fields if field.column != "id"]
    rng = random.Random(20261122)
    statement = f"COPY {Case._meta.db_table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in case_rows(count, items, person_ids, timezone.localdate(), rng):
            copy.write_row([row[column] for column in columns])
    with connection.cursor() as cursor:
        # As a settled database is: visibility map set, statistics current, and the load's dirty pages written
        # (otherwise the checkpoint writes them during the timings).
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")


def load_documents(person_ids: list[int], per_person: int) -> dict[int, list[int]]:
    """``per_person`` one-version documents (M01–M03 names) per person, one file on disk; person → version ids."""
    from django.conf import settings

    from tongban.cases.models import Document, DocumentVersion

    content = b"%PDF-1.7 benchmark material"
    path = Path(settings.MEDIA_ROOT) / "materials" / "bench" / "material.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    names = ["申请表", "居民身份证", "户口簿"]
    documents = Document.objects.bulk_create(
        Document(owner_id=person, title=names[n % 3], material_name=names[n % 3])
        for person in person_ids for n in range(per_person)
    )
    versions = DocumentVersion.objects.bulk_create(
        DocumentVersion(document=document, number=1, file="materials/bench/material.pdf",
                        original_name="material.pdf", content_type="application/pdf", size=len(content),
                        sha256=hashlib.sha256(content).hexdigest())
        for document in documents
    )
    owned: dict[int, list[int]] = {}
    for document, version in zip(documents, versions, strict=True):
        owned.setdefault(document.owner_id, []).append(version.pk)
    return owned


# --- the benchmark's URLconf ---------------------------------------------------------------------------------


def install_urlconf() -> None:
    """``cases_bench_urls``: tongban.urls unchanged, plus the bare insert and the submit endpoints."""
    from django.conf import settings
    from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
    from django.shortcuts import get_object_or_404
    from django.urls import include, path
    from django.utils import timezone
    from django.views.decorators.http import require_POST

    from tongban.cases.models import Case
    from tongban.cases.services import applications

    @require_POST
    def insert_one(request: HttpRequest) -> HttpResponse:
        """The floor: one INSERT of a submitted case of the same width, no checks (ids come in the body)."""
        data, today = request.POST, timezone.localdate()
        Case.objects.create(
            number=applications.new_case_number(), item_id=data["item"], version_id=data["version"],
            applicant_id=data["applicant"], handling_agency_id=data["agency"], channel="pc", state="submitted",
            form_data=FORM, situation_answers=ANSWERS, submitted_at=timezone.now(), due_step="acceptance",
            due_on=today + datetime.timedelta(days=7), warning_on=today + datetime.timedelta(days=6),
            deadline_status="on_time", lock_version=1,
        )
        return HttpResponse(status=201)

    @require_POST
    def submit(request: HttpRequest, number: str) -> HttpResponse:
        """What a portal submit view does: find the draft by number, submit it, redirect to the case page."""
        case = applications.submit(request.user, get_object_or_404(Case, number=number))
        return HttpResponseRedirect(f"/cases/{case.number}/")

    module = types.ModuleType("cases_bench_urls")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("bench/insert-one/", insert_one), path("bench/submit/<str:number>/", submit),
        path("", include("tongban.urls")),
    ]
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__


# --- measuring -----------------------------------------------------------------------------------------------


def page_routed() -> bool:
    """True when ``/workbench/cases/`` exists (the figures then time the page itself)."""
    from django.urls import Resolver404, resolve

    try:
        resolve("/workbench/cases/")
    except Resolver404:
        return False
    return True


def provisional_query(agency: Any, params: dict[str, Any]) -> int:
    """Cases of the officer's subtree in the queue's states, overdue → warning → rest, due date, submission."""
    from django.core.paginator import Paginator
    from django.db.models import Case as Choose
    from django.db.models import F, IntegerField, Value, When

    from tongban.cases.models import Case

    urgency = Choose(When(deadline_status="overdue", then=Value(0)), When(deadline_status="warning", then=Value(1)),
                     default=Value(2), output_field=IntegerField())
    cases = (Case.objects.filter(handling_agency__path__startswith=agency.path,
                                 state__in=QUEUE_STATES[params["queue"]])
             .select_related("item__basic_item", "applicant", "handling_agency").alias(urgency=urgency)
             .order_by("urgency", F("due_on").asc(nulls_last=True), F("submitted_at").asc(nulls_last=True), "pk"))
    if params.get("deadline"):
        cases = cases.filter(deadline_status=params["deadline"])
    if params.get("item"):
        cases = cases.filter(item__basic_item__name__icontains=params["item"])
    page = Paginator(cases, 20).get_page(params.get("page", 1))  # the count query, then the page's rows
    return len(list(page))


def queue_requests(count: int, rng: random.Random) -> list[tuple[int, dict[str, Any]]]:
    """(bureau index, query) pairs: mostly the acceptance queue, also the other queues, filters, page 2."""
    shapes = [({"queue": "acceptance"}, 10), ({"queue": "acceptance", "page": 2}, 2), ({"queue": "review"}, 3),
              ({"queue": "decision"}, 2), ({"queue": "acceptance", "deadline": "overdue"}, 2),
              ({"queue": "decision", "item": "事项"}, 1)]
    chosen = []
    for _ in range(count):
        bureau = rng.randrange(BUREAUS)
        query = dict(rng.choices([shape for shape, _ in shapes], [weight for _, weight in shapes])[0])
        if "item" in query:
            query["item"] = f"事项{bureau}-{rng.randrange(ITEMS_PER_BUREAU)}"
        chosen.append((bureau, query))
    return chosen


def measure_queue(scene: dict[str, Any], samples: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rng = random.Random(5)
    source = "page" if page_routed() else "provisional query"
    officers = [*scene["officers"], scene["city_officer"]]
    clients = [logged_in(officers[0])]
    clients += [logged_in(officer, clients[0]) for officer in officers[1:]]

    def one(bureau: int, query: dict[str, Any]) -> float:
        if source == "page":
            elapsed, response = timed(clients[bureau].get, "/workbench/cases/", query)
            assert response.status_code == 200, (response.status_code, query)
            return elapsed
        return timed(provisional_query, scene["city"] if bureau == BUREAUS else scene["bureaus"][bureau], query)[0]

    for bureau, query in queue_requests(10, rng):  # warm-up: imports, templates, connection
        one(bureau, query)
    with CaptureQueriesContext(connection) as captured:
        one(0, {"queue": "acceptance"})
    figures: dict[str, Any] = {"queue_source": source, "queue_queries": len(captured.captured_queries)}
    figures |= summary("queue", [one(bureau, query) for bureau, query in queue_requests(samples, rng)])
    city = [one(BUREAUS, {"queue": "acceptance", "page": page}) for page in (1, 2, 3, 4, 5) * 4]
    figures |= summary("queue_city", city)
    everything = [one(rng.randrange(BUREAUS), {"queue": "all", "page": page}) for page in (1, 2) * 10]
    return figures | summary("queue_all", everything)


def prepare_submitters(scene: dict[str, Any], person_ids: list[int], count: int, rng: random.Random):
    """``count`` distinct applicants, their library documents, and items to apply for."""
    from tongban.identity.models import Person

    chosen = rng.sample(person_ids, count)
    documents = load_documents(chosen, 3)
    persons = {person.pk: person for person in Person.objects.select_related("user").filter(pk__in=chosen)}
    return [(persons[pk], documents[pk], rng.choice(scene["items"])) for pk in chosen]


STEPS = ("start_draft", "save_draft", "attach_document", "submit")


def full_path(person: Any, versions: list[int], item: Any, steps: dict[str, list[float]] | None = None) -> Any:
    """start_draft → save_draft → attach M01–M03 from the library → submit; adds each step's ms to ``steps``."""
    from tongban.cases.models import Channel, DocumentVersion
    from tongban.cases.services import applications

    steps = {step: [] for step in STEPS} if steps is None else steps
    user = person.user
    elapsed, case = timed(applications.start_draft, user, item, channel=Channel.PC)
    steps["start_draft"].append(elapsed)
    elapsed, case = timed(applications.save_draft, user, case, form_data=FORM, situation_answers=ANSWERS)
    steps["save_draft"].append(elapsed)
    for code, version in zip(("M01", "M02", "M03"), DocumentVersion.objects.filter(pk__in=versions).order_by("pk"),
                             strict=True):
        steps["attach_document"].append(timed(applications.attach_document, user, case, code, version)[0])
    elapsed, case = timed(applications.submit, user, case)
    steps["submit"].append(elapsed)
    return case


def measure_submissions(scene: dict[str, Any], person_ids: list[int], count: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tongban.cases.models import Channel, DocumentVersion
    from tongban.cases.services import applications

    rng = random.Random(9)
    submitters = prepare_submitters(scene, person_ids, count * 2 + 11, rng)
    in_process, http_side = submitters[:count + 6], submitters[count + 6:]
    for person, versions, item in in_process[:5]:  # warm-up
        full_path(person, versions, item)
    with CaptureQueriesContext(connection) as captured:
        full_path(*in_process[5])
    steps: dict[str, list[float]] = {step: [] for step in STEPS}
    full = [timed(full_path, person, versions, item, steps)[0] for person, versions, item in in_process[6:]]
    figures: dict[str, Any] = {"full_path_queries": len(captured.captured_queries)}
    figures |= summary("full_path", full)
    figures |= {f"step_{step}_p50_ms": statistics.median(samples) for step, samples in steps.items()}

    # HTTP: ready drafts prepared through the services (not timed), then alternate bare insert / submit.
    drafts = []
    for person, versions, item in http_side:
        user = person.user
        case = applications.start_draft(user, item, channel=Channel.PC)
        case = applications.save_draft(user, case, form_data=FORM, situation_answers=ANSWERS)
        for code, version in zip(("M01", "M02", "M03"), DocumentVersion.objects.filter(pk__in=versions)
                                 .order_by("pk"), strict=True):
            applications.attach_document(user, case, code, version)
        drafts.append((logged_in(user, drafts[0][0] if drafts else None), person, item, case.number))
    bare, submit, database = [], [], {"insert": [0.0, 0], "submit": [0.0, 0]}
    for position, (client, person, item, number) in enumerate(drafts):
        body = {"item": item.pk, "version": item.published_version_id, "applicant": person.pk,
                "agency": item.agency_id}
        for kind, url, expected, samples in (("insert", "/bench/insert-one/", 201, bare),
                                             ("submit", f"/bench/submit/{number}/", 302, submit)):
            with connection.execute_wrapper(DatabaseClock(database[kind])):
                elapsed, response = timed(client.post, url, body if kind == "insert" else {})
            assert response.status_code == expected, (response.status_code, response.content[:300])
            if position >= 5:  # the first five are the warm-up
                samples.append(elapsed)
            else:
                database[kind] = [0.0, 0]
    for kind, (milliseconds, queries) in database.items():
        figures[f"http_{kind}_database_ms"] = milliseconds / len(bare)
        figures[f"http_{kind}_queries"] = queries / len(bare)
    figures |= summary("http_insert", bare) | summary("http_submit", submit)
    return figures


def child(cases: int, samples: int, submissions: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    install_urlconf()
    figures: dict[str, Any] = {"cases": cases}
    started = time.perf_counter()
    scene = load_catalogue()
    figures["catalogue_seconds"] = time.perf_counter() - started
    started = time.perf_counter()
    person_ids = load_persons(PERSONS)
    figures["persons_seconds"] = time.perf_counter() - started
    started = time.perf_counter()
    load_cases(cases, scene["items"], person_ids)
    figures["cases_seconds"] = time.perf_counter() - started
    figures["load_before"] = os.getloadavg()[0]
    figures |= measure_queue(scene, samples)
    figures |= measure_submissions(scene, person_ids, submissions)
    figures["load_after"] = os.getloadavg()[0]
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--submissions", type=int, default=300)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.cases, args.samples, args.submissions)
        return
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DATABASE], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)
    env = dict(os.environ, TONGBAN_DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
               TONGBAN_DATA_DIR=str(ROOT / "var" / "bench"), TONGBAN_LOG_LEVEL="WARNING", TONGBAN_DEBUG="0")
    output = subprocess.run([sys.executable, __file__, "--child", "--cases", str(args.cases), "--samples",
                             str(args.samples), "--submissions", str(args.submissions)],
                            env=env, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    f = json.loads(output.strip().splitlines()[-1])
    print(f"cases: {f['cases']:,}; load: catalogue {f['catalogue_seconds']:.0f} s, 100,000 persons "
          f"{f['persons_seconds']:.0f} s, cases (COPY + VACUUM ANALYZE) {f['cases_seconds']:.0f} s; "
          f"queue timed on: {f['queue_source']}; load average (1 min) {f['load_before']:.1f} before the "
          f"timings, {f['load_after']:.1f} after")
    print("| measurement | queries | p50 ms | p95 ms | per second (one process) |")
    print("|---|---|---|---|---|")
    rows = (("queue", "staff queue, bureau officers (queues, filters, pages)", f["queue_queries"]),
            ("queue_city", "staff queue, city-level officer (all 50 bureaus, pages 1–5)", f["queue_queries"]),
            ("queue_all", "`?queue=all` (every filed case), bureau officers, pages 1–2", f["queue_queries"]),
            ("full_path", "full submission path in-process (draft, save, 3 attachments, submit)",
             f["full_path_queries"]),
            ("http_insert", "HTTP bare single insert `POST /bench/insert-one/`", f["http_insert_queries"]),
            ("http_submit", "HTTP submit of a ready draft `POST /bench/submit/<number>/`", f["http_submit_queries"]))
    for key, label, queries in rows:
        print(f"| {label} | {queries:.0f} | {f[key + '_p50_ms']:.1f} | {f[key + '_p95_ms']:.1f} | "
              f"{f[key + '_per_second']:.1f} |")
    print("\nin-process steps, p50 ms: " + ", ".join(f"{step} {f[f'step_{step}_p50_ms']:.1f}" for step in STEPS)
          + " (attach_document: each of three)")
    print(f"statement time per request: insert {f['http_insert_database_ms']:.1f} ms, "
          f"submit {f['http_submit_database_ms']:.1f} ms")
    print(f"submit / bare insert rate: {f['http_submit_per_second'] / f['http_insert_per_second']:.2f} "
          f"(target ≥ 0.5); full path / bare insert: "
          f"{f['full_path_per_second'] / f['http_insert_per_second']:.2f}")


if __name__ == "__main__":
    main()
