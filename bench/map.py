#!/usr/bin/env python
"""The service map benchmark: a station's map JSON with 2,000 households (issue 16).

    python bench/map.py [--scale 1] [--db sqlite|postgres|both] [--requests 50] [--warmup 5]

For each database, in its own subprocess: a fresh database, migrate, the Yunfu region tree, one station of
罗定市素龙街道 with one point per village, and `2000 × scale` households spread over the villages with a WGS-84
position each, 1 to 3 people each (levels 1–4 in turn, registered a year ago) and a last home visit for two in
three (the `FollowUp` summary). A worker of the station then GETs `/map/station/<pk>/households.json`, timed with
Django's test client (server time, gzip accepted as a browser would), each request followed by its floor: the
bare SQL that returns the rows the JSON is made of (the station's people in register with their household's
position and last home visit). Reported: p50 and p95, the floor's p95 and the ratio, the households in the
JSON, and its size raw and gzipped. Budget (issue 16): p95 under 300 ms and 300 KB transferred.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from pathlib import Path

from run import POSTGRES_ADMIN_URL, _percentile, run_child_in_fresh_database

BUDGET_MS = 300.0
BUDGET_KB = 300.0
HOUSEHOLDS = 2000
TOWN = "445381002000"  # 素龙街道, 罗定市
# its own database (made and dropped by the run), so that it never drops another benchmark's while it runs
POSTGRES_BENCH_URL = "postgres://postgres@127.0.0.1:5432/shuangbai_bench_map"


def run_database(db: str, args: argparse.Namespace) -> dict:
    return run_child_in_fresh_database(db, args, script=__file__, label="map")


def build(count: int):
    """The station, its points, `count` located households and their people; the worker of the station."""
    import random
    from datetime import date, timedelta
    from decimal import Decimal
    from importlib import resources

    from shuangbai.core.models import Role, system_actor
    from shuangbai.regions.models import Region
    from shuangbai.regions.services import RegionRow, read_region_csv, regions_load
    from shuangbai.registry.models import Beneficiary, Household
    from shuangbai.staff.accounts import user_create
    from shuangbai.stations.services import point_create, station_create
    from shuangbai.visits.models import FollowUp

    regions_load(
        read_region_csv(resources.files("shuangbai").joinpath("data/regions-yunfu.csv").read_bytes())
    )
    # the package's tree stops at the towns: eight fictional villages of the town, as the tests add theirs
    names = ["凤塘村", "龙岗村", "大湾村", "塘面村", "金鸡村", "新榕村", "宝山村", "石围村"]
    rows = [
        RegionRow(n, f"{TOWN[:9]}{201 + n:03d}", name, TOWN, "village") for n, name in enumerate(names, 2)
    ]
    regions_load(rows, fictional=True)
    town = Region.objects.get(code=TOWN)
    villages = list(Region.objects.filter(parent=town).order_by("code"))
    station = station_create(actor=system_actor(), town=town, status="operating", opened_on=date(2021, 7, 1))
    points = {
        village.pk: point_create(
            actor=system_actor(),
            station=station,
            village=village,
            name=f"{village.name}点",
            status="operating",
        )
        for village in villages
    }
    rng = random.Random(16)
    today = date.today()
    centres = {
        village.pk: (22.70 + rng.random() * 0.12, 111.52 + rng.random() * 0.12) for village in villages
    }
    households = []
    for n in range(count):
        village = villages[n % len(villages)]
        lat, lng = centres[village.pk]
        households.append(
            Household(
                village=village,
                region_code=village.code,
                station=station,
                point=points[village.pk],
                address=f"{village.name}{n + 1}号",
                latitude=Decimal(f"{lat + rng.gauss(0, 0.004):.6f}"),
                longitude=Decimal(f"{lng + rng.gauss(0, 0.004):.6f}"),
            )
        )
    households = Household.objects.bulk_create(households, batch_size=500)
    people = []
    for n, household in enumerate(households):
        for member in range(1 + n % 3):
            people.append(
                Beneficiary(
                    household=household,
                    relation="head" if member == 0 else "other",
                    name=f"基准{n}-{member}",
                    no_id_reason="other",
                    gender="F",
                    birth_date=date(1950, 1, 1),
                    station=station,
                    point=household.point,
                    region_code=household.region_code,
                    follow_up_level=1 + (n + member) % 4,
                    registered_on=today - timedelta(days=365),
                )
            )
    Beneficiary.objects.bulk_create(people, batch_size=500)
    FollowUp.objects.bulk_create(
        [
            FollowUp(
                household=household,
                station=station,
                region_code=household.region_code,
                last_home_visit_on=today - timedelta(days=rng.randint(0, 120)),
            )
            for n, household in enumerate(households)
            if n % 3
        ],
        batch_size=500,
    )
    head = user_create(
        actor=system_actor(),
        username="bench-head",
        password=None,
        role=Role.STATION_HEAD,
        scope_code=TOWN,
        display_name="基准站长",
    )
    return station, head, len(people)


def child(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from shuangbai.registry.models import Beneficiary, Household
    from shuangbai.visits.models import FollowUp

    def say(message: str) -> None:
        print(f"   [{args.child}] {message}", file=sys.stderr, flush=True)

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    count = max(1, round(HOUSEHOLDS * args.scale))
    started = time.perf_counter()
    station, user, people = build(count)
    say(f"built {count} households, {people} people in {time.perf_counter() - started:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    person_t, household_t = Beneficiary._meta.db_table, Household._meta.db_table
    follow_up_t = FollowUp._meta.db_table
    floor_sql = f"""
        SELECT p.household_id, p.follow_up_level, p.registered_on, f.last_home_visit_on, h.latitude, h.longitude
        FROM {person_t} p JOIN {household_t} h ON h.id = p.household_id
        LEFT JOIN {follow_up_t} f ON f.household_id = p.household_id
        WHERE p.station_id = %s AND p.status = 'active' AND p.merged_into_id IS NULL"""

    def floor() -> int:
        with connection.cursor() as cursor:
            cursor.execute(floor_sql, [station.pk])
            return len({row[0] for row in cursor.fetchall()})

    client = Client(HTTP_ACCEPT_ENCODING="gzip")
    client.force_login(user)
    url = f"/map/station/{station.pk}/households.json"

    def run():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    for _ in range(args.warmup):
        run()
        floor()
    run_ms, floor_ms = [], []
    for _ in range(args.requests):
        start = time.perf_counter()
        response = run()
        run_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        floor_households = floor()
        floor_ms.append((time.perf_counter() - start) * 1000)
    sent = response.content
    raw = gzip.decompress(sent) if response.get("Content-Encoding") == "gzip" else sent
    data = json.loads(raw)
    shown = len(data["h"])
    p95, floor_p95 = _percentile(run_ms, 0.95), _percentile(floor_ms, 0.95)
    row = {
        "households": shown,
        "p50_ms": round(statistics.median(run_ms), 1),
        "p95_ms": round(p95, 1),
        "floor_p95_ms": round(floor_p95, 2),
        "ratio": round(p95 / floor_p95, 1),
        "kb_raw": round(len(raw) / 1024, 1),
        "kb_sent": round(len(sent) / 1024, 1),
        "check": "ok"
        if shown == floor_households == count
        else f"CHECK: json {shown}, floor {floor_households}",
    }
    Path(args.out).write_text(json.dumps({"database": args.child, "rows": [row]}, ensure_ascii=False))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0, help="households = 2000 × scale")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--postgres-admin-url", default=POSTGRES_ADMIN_URL)
    parser.add_argument("--postgres-url", default=POSTGRES_BENCH_URL)
    parser.add_argument("--child", choices=("sqlite", "postgres"), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import django

        django.setup()
        from shuangbai.core.scoping import unscoped

        # the harness builds and checks its own data; the JSON it times is served guarded, as in production
        with unscoped("the benchmark harness"):
            child(args)
        return 0
    results = [run_database(db, args) for db in (["sqlite", "postgres"] if args.db == "both" else [args.db])]
    print(f"\nstation map JSON: {round(HOUSEHOLDS * args.scale)} households, {args.requests} timed requests after "
          f"{args.warmup} warm-ups; server time in ms; budget p95 {BUDGET_MS:.0f} ms and {BUDGET_KB:.0f} KB")  # fmt: skip
    print(f"{'db':9}{'households':>11}{'p50':>8}{'p95':>8}{'floor p95':>10}{'ratio':>7}{'KB raw':>8}{'KB sent':>8}"
          "  budget  check")  # fmt: skip
    failed = False
    for result in results:
        if "error" in result:
            print(f"{result['database']:9}ERROR {result['error']}")
            failed = True
            continue
        for row in result["rows"]:
            within = "ok" if row["p95_ms"] <= BUDGET_MS and row["kb_sent"] <= BUDGET_KB else "OVER"
            print(f"{result['database']:9}{row['households']:>11}{row['p50_ms']:>8}{row['p95_ms']:>8}"
                  f"{row['floor_p95_ms']:>10}{row['ratio']:>7}{row['kb_raw']:>8}{row['kb_sent']:>8}  {within:6}  "
                  f"{row['check']}")  # fmt: skip
            failed |= row["check"] != "ok"
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
