"""Catalogue benchmark: 5,000 items × 3 versions; search and guide-page latency on SQLite and PostgreSQL.

Usage (from the repository root, after ``make install``):

    .venv/bin/python bench/catalogue_bench.py                 # both engines
    .venv/bin/python bench/catalogue_bench.py --engine sqlite --items 5000

Each engine runs in its own process on its own database (a file under
``var/bench/`` for SQLite; ``tongban_bench`` on 127.0.0.1 for PostgreSQL), which
is recreated. The data is bulk-inserted (the lifecycle path for 15,000 versions
would measure the loader, not the catalogue): every item gets versions 1 and 2
superseded and version 3 published, with 6–10 materials and a situation each,
then the search index is rebuilt through the real indexer. Timings go through
the real code paths: ``tongban.catalogue.search.search`` for searches and the
Django test client for whole guide-page requests (URL routing, view, queries,
template). The figures are printed as a Markdown table for bench/README.md.
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
SEARCH_TERMS = [
    "居住证", "营业执照", "食品经营许可", "结婚登记", "社保卡", "公积金提取", "出生医学证明", "失业保险金",
    "医疗保险 参保", "企业 变更 登记", "老年人 津贴", "残疾人 补贴", "入学", "户口", "税务 登记", "",
]
NAME_PARTS = [
    ("居住证", "申领"), ("营业执照", "设立登记"), ("食品经营许可证", "新办"), ("结婚登记", "办理"),
    ("社会保障卡", "申领"), ("住房公积金", "提取"), ("出生医学证明", "签发"), ("失业保险金", "申领"),
    ("城乡居民医疗保险", "参保登记"), ("企业", "变更登记"), ("高龄老人津贴", "申领"), ("残疾人两项补贴", "申请"),
    ("义务教育", "入学登记"), ("户口", "迁移"), ("药品经营许可证", "核发"), ("建设工程规划许可证", "核发"),
    ("排水许可证", "核发"), ("道路运输经营许可证", "新办"), ("养老服务机构", "备案"), ("律师执业", "核准"),
]
DISTRICTS = ["黄浦区", "徐汇区", "长宁区", "静安区", "普陀区", "虹口区", "杨浦区", "闵行区", "宝山区", "嘉定区",
             "浦东新区", "金山区", "松江区", "青浦区", "奉贤区", "崇明区"]


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def load(item_count: int) -> float:
    """Bulk-load agencies, items, three versions each, materials and situations; returns seconds."""
    from django.db import transaction
    from tests.factories import BASE_GUIDE, make_uscc

    from tongban.agencies.models import Agency, AgencyKind, AgencyLevel
    from tongban.catalogue.models import (
        BasicItem,
        ItemVersion,
        Material,
        ServiceItem,
        SituationOption,
        SituationQuestion,
    )
    from tongban.catalogue.models.choices import ItemStatus, ItemType, VersionState
    from tongban.catalogue.search import rebuild_index

    started = time.perf_counter()
    rng = random.Random(20261122)
    types = [t for t in ItemType if t != ItemType.PUBLIC_SERVICE]
    with transaction.atomic():
        city = Agency.objects.create(code="BENCH-CITY", uscc=make_uscc(900000001), name="上海市人民政府",
                                     level=AgencyLevel.CITY, kind=AgencyKind.GOVERNMENT, region_code="310000",
                                     business_lead_name="甲", business_lead_phone="021-1",
                                     technical_lead_name="乙", technical_lead_phone="021-2")
        agencies = [
            Agency.objects.create(code=f"BENCH-{n:03d}", uscc=make_uscc(900000100 + n),
                                  name=f"上海市{DISTRICTS[n % len(DISTRICTS)]}第{n}局", level=AgencyLevel.DISTRICT,
                                  kind=AgencyKind.DEPARTMENT, parent=city, region_code="310101",
                                  business_lead_name="甲", business_lead_phone="021-1",
                                  technical_lead_name="乙", technical_lead_phone="021-2")
            for n in range(50)
        ]
        basics = BasicItem.objects.bulk_create(
            BasicItem(basic_code=f"{types[n % len(types)].code_prefix}{n:07d}000",
                      name="".join(NAME_PARTS[n % len(NAME_PARTS)]) + f"（{n}）",
                      item_type=types[n % len(types)], legal_basis="《中华人民共和国行政许可法》")
            for n in range(item_count)
        )
        items = ServiceItem.objects.bulk_create(
            ServiceItem(implementation_code=f"{basic.basic_code}{agencies[n % 50].uscc}01", basic_item=basic,
                        agency=agencies[n % 50], status=ItemStatus.IN_SERVICE)
            for n, basic in enumerate(basics)
        )
        guide = BASE_GUIDE
        common = {
            "conditions": guide["conditions"], "eligible_applicants": guide["eligible_applicants"],
            "applicant_kinds": guide["applicant_kinds"], "process_steps": guide["process_steps"],
            "handling_kind": "promised", "statutory_limit_value": 20, "statutory_limit_unit": "working_days",
            "promised_limit_unit": "working_days", "result_name": "决定书", "result_kind": "approval_document",
            "delivery_methods": ["electronic"], "online_depth": "full_online", "integration_mode": 2,
            "form_schema": guide["form_schema"], "optimisation_record": guide["optimisation_record"],
            "contact_phone": "12345",
        }
        versions = ItemVersion.objects.bulk_create(
            ItemVersion(item=item, number=number, in_person_trips=rng.choice([0, 0, 1, 2]),
                        promised_limit_value=rng.randint(1, 10),
                        state=VersionState.PUBLISHED if number == 3 else VersionState.SUPERSEDED, **common)
            for item in items for number in (1, 2, 3)
        )
        published = {version.item_id: version for version in versions if version.number == 3}
        for item in items:
            item.published_version = published[item.pk]
        ServiceItem.objects.bulk_update(items, ["published_version"], batch_size=1000)
        Material.objects.bulk_create(
            (Material(version=version, code=f"M{m:02d}", position=m, name=f"材料{m}：{version.item_id}号申请材料",
                      source="applicant", medium="original", situation_options=["Q1.B"] if m == 0 else [])
             for version in versions for m in range(rng.randint(6, 10))),
            batch_size=2000,
        )
        questions = SituationQuestion.objects.bulk_create(
            (SituationQuestion(version=version, code="Q1", text="是否委托他人办理？") for version in versions),
            batch_size=2000,
        )
        SituationOption.objects.bulk_create(
            (SituationOption(question=question, code=code, position=p, label=label)
             for question in questions for p, (code, label) in enumerate([("A", "本人"), ("B", "委托")])),
            batch_size=2000,
        )
    rebuild_index()
    return time.perf_counter() - started


def measure(rounds: int) -> dict[str, float]:
    from django.db import connection
    from django.test import Client

    from tongban.catalogue.models import ServiceItem
    from tongban.catalogue.search import search

    results: dict[str, float] = {}
    search_samples: list[float] = []
    hits = 0
    for _ in range(rounds):
        for term in SEARCH_TERMS:
            started = time.perf_counter()
            page = search(term, limit=20)
            search_samples.append((time.perf_counter() - started) * 1000)
            hits += page.total
    codes = list(ServiceItem.objects.values_list("implementation_code", flat=True))
    rng = random.Random(7)
    client = Client()
    guide_samples: list[float] = []
    for code in rng.sample(codes, min(len(codes), rounds * 10)):
        started = time.perf_counter()
        response = client.get(f"/items/{code}/", {"Q1": "B"})
        guide_samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    search_page_samples: list[float] = []
    for term in SEARCH_TERMS * max(1, rounds // 4):
        started = time.perf_counter()
        response = client.get("/search/", {"q": term})
        search_page_samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    for name, samples in (("search", search_samples), ("search_page", search_page_samples),
                          ("guide_page", guide_samples)):
        results[f"{name}_p50_ms"] = statistics.median(samples)
        results[f"{name}_p95_ms"] = percentile(samples, 0.95)
        results[f"{name}_samples"] = len(samples)
    results["engine"] = connection.vendor  # type: ignore[assignment]
    results["average_hits"] = hits / len(search_samples)
    return results


def run_engine(engine: str, items: int, rounds: int) -> dict[str, float]:
    """Run one engine in a child process (settings are read once per process)."""
    env = dict(os.environ)
    env["TONGBAN_DATA_DIR"] = str(ROOT / "var" / "bench")
    if engine == "sqlite":
        db_file = ROOT / "var" / "bench" / "bench.sqlite3"
        db_file.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_file}{suffix}").unlink(missing_ok=True)
        env["TONGBAN_DATABASE_URL"] = f"sqlite:///{db_file}"
    else:
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "tongban_bench"], check=True)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", "tongban_bench"], check=True)
        env["TONGBAN_DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/tongban_bench"
    output = subprocess.run(
        [sys.executable, __file__, "--child", "--items", str(items), "--rounds", str(rounds)],
        env=env, check=True, capture_output=True, text=True, cwd=ROOT,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def child(items: int, rounds: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    load_seconds = load(items)
    figures = measure(rounds)
    figures["load_seconds"] = load_seconds
    figures["items"] = items
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.items, args.rounds)
        return
    engines = ["sqlite", "postgresql"] if args.engine == "both" else [args.engine]
    print("| engine | items × versions | load s | search p50 / p95 ms | search page p50 / p95 ms | "
          "guide page p50 / p95 ms |")
    print("|---|---|---|---|---|---|")
    for engine in engines:
        f = run_engine(engine, args.items, args.rounds)
        print(f"| {f['engine']} | {int(f['items'])} × 3 | {f['load_seconds']:.1f} | "
              f"{f['search_p50_ms']:.1f} / {f['search_p95_ms']:.1f} | "
              f"{f['search_page_p50_ms']:.1f} / {f['search_page_p95_ms']:.1f} | "
              f"{f['guide_page_p50_ms']:.1f} / {f['guide_page_p95_ms']:.1f} |", flush=True)


if __name__ == "__main__":
    main()
