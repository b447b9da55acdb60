#!/usr/bin/env python
"""The dashboard (数据看板) and data screen (数据大屏) benchmark (issue 16).

    python bench/dashboard.py [--scale 0.1] [--db sqlite|postgres|both] [--requests 20] [--warmup 3]

For each database, in its own subprocess: a fresh database, migrate, collectstatic, `synth_build(scale)` (people,
a year of visits, the year's services), on PostgreSQL `VACUUM ANALYZE`; Django's clock set to the synthetic
data's day (`synth.AS_OF`), so the default period (the last full month) and the twelve months of the trend hold
visits. Then, with Django's test client (server time: routing, middleware, the view, its queries, the template),
each request followed by its floor:

- the city's dashboard (`/dashboard/?region=<the city with most stations>`), read by a city user;
- the city's data screen JSON (`/dashboard/screen/data/?region=<city>`), what the wall display refreshes from;
- the province's dashboard (`/dashboard/?region=440000000000`), read by a province user.

Floor: the bare SQL of the heaviest panel, the coverage of the node for the month (one aggregate: people in
register during the month and those whose household had a home visit in their part of it, grouped by child
region). The ratio is p95 / floor p95. One more request checks the page's 在册 and 入户 against the floor's.
Budgets (issue 16, at scale 1 on PostgreSQL): the city's dashboard and screen p95 under 500 ms, the province's
under 1 s. The dashboard's first load (HTML plus scripts and CSS, gzip) is reported against 600 KB.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from pathlib import Path

from run import POSTGRES_ADMIN_URL, _clock_at, _percentile, run_child_in_fresh_database

POSTGRES_BENCH_URL = (
    "postgres://postgres@127.0.0.1:5432/shuangbai_bench_dashboard"  # made and dropped by the run
)
CITY_BUDGET_MS = 500.0
PROVINCE_BUDGET_MS = 1000.0
FIRST_LOAD_BUDGET_KB = 600.0


def run_database(db: str, args: argparse.Namespace) -> dict:
    return run_child_in_fresh_database(db, args, script=__file__, label="dashboard")


def child(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from collections import Counter

    from django.contrib.staticfiles import finders
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from shuangbai.core.models import system_actor
    from shuangbai.core.periods import last_full_month
    from shuangbai.core.scoping import code_range
    from shuangbai.registry.models import Beneficiary
    from shuangbai.staff.accounts import user_create
    from shuangbai.stations.models import Station
    from shuangbai.synth import AS_OF, synth_build
    from shuangbai.visits.models import Visit

    def say(message: str) -> None:
        print(f"   [{args.child}] {message}", file=sys.stderr, flush=True)

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    started = time.perf_counter()
    build = synth_build(args.scale)
    say(f"built in {time.perf_counter() - started:.1f} s: {build}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    by_city = Counter(code[:4] for code in Station.objects.values_list("region_code", flat=True))
    city = max(sorted(by_city), key=lambda prefix: by_city[prefix]).ljust(12, "0")
    province = "440000000000"
    users = {
        "city": user_create(actor=system_actor(), username="bench-city", password=None, role="city",
                            scope_code=city, display_name="基准市用户"),
        "province": user_create(actor=system_actor(), username="bench-province", password=None, role="province",
                                scope_code=province, display_name="基准省用户"),
    }  # fmt: skip
    month = last_full_month(AS_OF)
    b_t, v_t = Beneficiary._meta.db_table, Visit._meta.db_table
    sql = f"""
        SELECT SUBSTR(b.region_code, 1, %s), COUNT(*),
               SUM(CASE WHEN EXISTS (
                   SELECT 1 FROM {v_t} v
                   WHERE v.household_id = b.household_id AND v.is_home
                     AND v.visited_on >= %s AND v.visited_on <= %s AND v.visited_on >= b.registered_on
                     AND (b.exited_on IS NULL OR v.visited_on <= b.exited_on)
               ) THEN 1 ELSE 0 END)
        FROM {b_t} b
        WHERE b.region_code >= %s AND b.region_code <= %s AND b.merged_into_id IS NULL
          AND b.registered_on <= %s AND (b.exited_on IS NULL OR b.exited_on >= %s)
        GROUP BY SUBSTR(b.region_code, 1, %s)"""

    pages = [
        ("city dashboard", "city", f"/dashboard/?region={city}", city, 6, CITY_BUDGET_MS),
        ("city screen", "city", f"/dashboard/screen/data/?region={city}", city, 6, CITY_BUDGET_MS),
        ("province dashb.", "province", f"/dashboard/?region={province}", province, 4, PROVINCE_BUDGET_MS),
    ]  # fmt: skip
    rows = []
    with _clock_at(AS_OF):
        for page, user, url, code, by, budget in pages:
            client = Client()
            client.force_login(users[user])
            low, high = code_range(code[: 2 if by == 4 else 4])
            start, end = month.start.isoformat(), month.end.isoformat()
            params = [by, start, end, low, high, end, start, by]

            def floor(params=params):
                with connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    return cursor.fetchall()

            def run(client=client, url=url):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                return response

            say(f"{page}: {url}")
            for _ in range(args.warmup):
                run()
                floor()
            run_ms, floor_ms, counts = [], [], []
            for _ in range(args.requests):
                started = time.perf_counter()
                response = run()
                run_ms.append((time.perf_counter() - started) * 1000)
                connection.ensure_connection()
                started = time.perf_counter()
                counts = floor()
                floor_ms.append((time.perf_counter() - started) * 1000)
            with CaptureQueriesContext(connection) as queries:
                response = run()
            body = response.content
            registered, visited = sum(c[1] for c in counts), sum(c[2] or 0 for c in counts)
            if response["Content-Type"].startswith("application/json"):
                headline = json.loads(body)["headline"]
                shown = (headline["registered"], round(visited / registered * 100, 1) if registered else None)
                wanted = (registered, headline["visit_rate"])
            else:
                text = body.decode()
                shown = (_between(text, 'id="kpi-registered">', "<"), _between(text, "入户 ", " 人"))
                wanted = (str(registered), str(visited))
            check = "ok" if shown == wanted else f"CHECK: page {shown} != floor {wanted}"
            kb = len(gzip.compress(body)) / 1024
            if page == "city dashboard":
                for name in ("vendor/echarts/echarts.min.js", "js/dashboard.js", "css/shuangbai.css",
                             "vendor/htmx/htmx.min.js"):  # fmt: skip
                    kb += len(gzip.compress(Path(finders.find(name)).read_bytes())) / 1024
            p95, floor_p95 = _percentile(run_ms, 0.95), _percentile(floor_ms, 0.95)
            rows.append(
                {
                    "page": page,
                    "people": registered,
                    "queries": len(queries),
                    "kb_gz": round(kb, 1),
                    "p50_ms": round(statistics.median(run_ms), 1),
                    "p95_ms": round(p95, 1),
                    "floor_p95_ms": round(floor_p95, 2),
                    "ratio": round(p95 / floor_p95, 1),
                    "budget_ms": budget,
                    "check": check,
                }
            )
    Path(args.out).write_text(
        json.dumps(
            {"database": args.child, "build": build, "month": month.label, "rows": rows}, ensure_ascii=False
        )
    )


def _between(text: str, before: str, after: str) -> str:
    start = text.find(before)
    if start < 0:
        return ""
    start += len(before)
    return text[start : text.find(after, start)].strip()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--postgres-admin-url", default=POSTGRES_ADMIN_URL)
    parser.add_argument("--postgres-url", default=POSTGRES_BENCH_URL)
    parser.add_argument("--child", choices=("sqlite", "postgres"), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import django

        django.setup()
        from shuangbai.core.scoping import unscoped

        # the harness builds and checks its own data; the pages it times run guarded, as in production
        with unscoped("the benchmark harness"):
            child(args)
        return 0
    results = [run_database(db, args) for db in (["sqlite", "postgres"] if args.db == "both" else [args.db])]
    print(f"\ndashboard: scale {args.scale}, {args.requests} timed requests after {args.warmup} warm-ups; "
          "server time in ms; floor: the bare SQL of the coverage panel (the heaviest) for the month")  # fmt: skip
    print(f"{'db':9}{'page':17}{'people':>8}{'queries':>8}{'KB gz':>7}{'p50':>8}{'p95':>8}{'floor p95':>10}"
          f"{'ratio':>7}  budget  check")  # fmt: skip
    failed = False
    for result in results:
        if "error" in result:
            print(f"{result['database']:9}ERROR {result['error']}")
            failed = True
            continue
        for row in result["rows"]:
            within = "ok" if row["p95_ms"] <= row["budget_ms"] else "OVER"
            print(f"{result['database']:9}{row['page']:17}{row['people']:>8}{row['queries']:>8}{row['kb_gz']:>7}"
                  f"{row['p50_ms']:>8}{row['p95_ms']:>8}{row['floor_p95_ms']:>10}{row['ratio']:>7}  "
                  f"{within:6}  {row['check']}")  # fmt: skip
            failed |= row["check"] != "ok"
        print(f"{'':9}month {result['month']}; city dashboard KB gz = first load (HTML, ECharts, scripts, CSS), "
              f"budget {FIRST_LOAD_BUDGET_KB:.0f} KB")  # fmt: skip
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
