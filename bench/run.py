#!/usr/bin/env python
"""Page benchmarks against synthetic data, each reported as a ratio to the bare SQL floor of the same run.

    python bench/run.py [--scale 1] [--db sqlite|postgres|both] [--requests 50] [--warmup 5]

For each database: a fresh, empty database and instance folder; migrate; time `synth_build(scale)`; a city
user and a worker user; then the station list and the station page for each, timed with Django's test client
(server time: middleware, session, views, templates; no network), interleaved with the bare SQL that returns
the same rows. Each database runs in its own subprocess so DATABASE_URL is set before Django starts. See
bench/README.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
POSTGRES_BENCH_URL = "postgres://postgres@127.0.0.1:5432/shuangbai_bench"  # created and dropped by the run

WORKER_BUDGET_MS = 100.0  # DESIGN.md: a worker's pages, p95 server time on PostgreSQL
CITY_BUDGET_MS = (
    500.0  # DESIGN.md: a county or city coverage table; shown for the city user's pages for reference
)


# --------------------------------------------------------------------------------------------------- parent


def _bench_db_name(url: str) -> str:
    name = urlparse(url).path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError(f"unexpected benchmark database name {name!r}")
    return name


def _postgres(sql: str, admin_url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql)


def run_database(db: str, args: argparse.Namespace) -> dict:
    home = Path(tempfile.mkdtemp(prefix=f"shuangbai-bench-{db}-"))
    out = home / "result.json"
    env = os.environ.copy()
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "shuangbai.settings",
            "SHUANGBAI_HOME": str(home),
            "SHUANGBAI_ALLOWED_HOSTS": "testserver",
            "SHUANGBAI_DEBUG": "0",
        }
    )
    for name in ("SHUANGBAI_SECRET_KEY", "SHUANGBAI_FIELD_KEY", "SHUANGBAI_HTTPS"):
        env.pop(name, None)
    try:
        if db == "sqlite":
            env["DATABASE_URL"] = f"sqlite:///{home / 'bench.sqlite3'}"  # absolute path: sqlite:////tmp/...
        else:
            name = _bench_db_name(args.postgres_url)
            _postgres(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", args.postgres_admin_url)
            _postgres(f"CREATE DATABASE {name}", args.postgres_admin_url)
            env["DATABASE_URL"] = args.postgres_url
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            db,
            "--scale",
            str(args.scale),
            "--seed",
            str(args.seed),
            "--requests",
            str(args.requests),
            "--warmup",
            str(args.warmup),
            "--out",
            str(out),
        ]
        print(f"== {db}: scale {args.scale}, instance folder {home}", file=sys.stderr, flush=True)
        completed = subprocess.run(command, env=env, check=False)
        if completed.returncode != 0 or not out.exists():
            return {"database": db, "error": f"benchmark process exited with status {completed.returncode}"}
        return json.loads(out.read_text())
    except Exception as error:  # a database that cannot be set up is reported, the others still run
        return {"database": db, "error": f"{type(error).__name__}: {error}"}
    finally:
        if db == "postgres":
            try:
                name = _bench_db_name(args.postgres_url)
                _postgres(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", args.postgres_admin_url)
            except Exception as error:
                print(f"warning: could not drop the benchmark database: {error}", file=sys.stderr)
        shutil.rmtree(home, ignore_errors=True)


def print_report(results: list[dict], args: argparse.Namespace) -> None:
    print()
    print(
        f"shuangbai benchmark: scale {args.scale}, seed {args.seed}, {args.requests} timed requests per page "
        f"after {args.warmup} warm-ups; times in ms, server side (Django test client)"
    )
    for result in results:
        if "error" in result:
            continue
        counts = result["build"]
        print(
            f"  {result['database']}: built {counts['cities']} cities, {counts['counties']} counties, "
            f"{counts['towns']} towns, {counts['villages']} villages, {counts['stations']} stations, "
            f"{counts['points']} points, {counts['staff']} staff in {result['build_seconds']:.1f} s; "
            f"city {result['city']}, station {result['station']}"
        )
    header = (
        f"{'database':<9} {'build s':>7}  {'page':<13} {'user':<6} {'p50':>7} {'p95':>7} {'floor p95':>9} "
        f"{'ratio':>6} {'queries':>7} {'rows':>5} {'KB gz':>6} {'budget':>6}  verdict"
    )
    print()
    print(header)
    print("-" * len(header))
    over: list[str] = []
    for result in results:
        if "error" in result:
            print(f"{result['database']:<9} FAILED: {result['error']}")
            continue
        for row in result["rows"]:
            budget = WORKER_BUDGET_MS if row["user"] == "worker" else CITY_BUDGET_MS
            within = row["p95_ms"] <= budget
            verdict = "ok" if within else "OVER BUDGET"
            if row["user"] != "worker":
                verdict += " (ref.)"
            database, build = result["database"], result["build_seconds"]
            print(
                f"{database:<9} {build:>7.1f}  {row['page']:<13} {row['user']:<6} "
                f"{row['p50_ms']:>7.2f} {row['p95_ms']:>7.2f} {row['floor_p95_ms']:>9.3f} "
                f"{row['ratio']:>6.1f} {row['queries']:>7} {row['rows']:>5} {row['kb_gz']:>6.1f} "
                f"{budget:>6.0f}  {verdict}"
            )
            if not within:
                over.append(
                    f"OVER BUDGET: {result['database']} {row['page']} ({row['user']}): "
                    f"p95 {row['p95_ms']:.1f} ms > {budget:.0f} ms"
                    + ("" if row["user"] == "worker" else " (reference budget)")
                )
            for problem in row.get("problems", []):
                over.append(f"CHECK: {result['database']} {row['page']} ({row['user']}): {problem}")
    print()
    print(
        "ratio = page p95 / floor p95; floor = the bare SQL returning the same rows, on the same connection."
    )
    print("rows = the table rows the page shows (stations; or points + staff), checked against the floor.")
    print(
        f"budget: worker pages {WORKER_BUDGET_MS:.0f} ms p95 (DESIGN.md); city rows are shown against the "
        f"{CITY_BUDGET_MS:.0f} ms city coverage-table budget for reference only."
    )
    for line in over:
        print(line)


# ---------------------------------------------------------------------------------------------------- child


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _floors(station_id: int, city_low: str, city_high: str):
    """Bare SQL returning what each page shows: {(page, user): callable returning the row count}."""
    from django.db import connection

    from shuangbai.regions.models import Region
    from shuangbai.staff.models import Staff
    from shuangbai.stations.models import Point, Station

    station_t, point_t = Station._meta.db_table, Point._meta.db_table
    staff_t, region_t = Staff._meta.db_table, Region._meta.db_table
    list_sql = f"""
        SELECT s.id, s.name, s.status, s.opened_on, t.name,
               (SELECT COUNT(*) FROM {point_t} p WHERE p.station_id = s.id AND p.retired_on IS NULL),
               (SELECT COUNT(*) FROM {staff_t} f WHERE f.station_id = s.id AND f.status = 'in_post'),
               (SELECT f.name FROM {staff_t} f WHERE f.station_id = s.id AND f.status = 'in_post'
                  AND f.position = 'head' AND f.kind = 'worker' ORDER BY f.id LIMIT 1)
        FROM {station_t} s JOIN {region_t} t ON t.id = s.town_id
        WHERE {{where}} AND s.retired_on IS NULL
        ORDER BY s.region_code, s.id LIMIT 50"""
    city_list_sql = list_sql.format(where="s.region_code >= %s AND s.region_code <= %s")
    worker_list_sql = list_sql.format(where="s.id = %s")
    station_sql = f"""
        SELECT s.id, s.name, s.status, s.address, s.phone, s.opened_on, s.retired_on, t.name, t.code
        FROM {station_t} s JOIN {region_t} t ON t.id = s.town_id WHERE s.id = %s"""
    points_sql = f"""
        SELECT p.id, p.name, p.status, p.opened_on, p.retired_on, v.name,
               (SELECT COUNT(*) FROM {staff_t} f WHERE f.point_id = p.id AND f.status = 'in_post')
        FROM {point_t} p LEFT JOIN {region_t} v ON v.id = p.village_id
        WHERE p.station_id = %s ORDER BY p.region_code, p.name"""
    staff_sql = f"""
        SELECT f.id, f.name, f.position, f.qualification, f.phone, p.name
        FROM {staff_t} f LEFT JOIN {point_t} p ON p.id = f.point_id
        WHERE f.station_id = %s AND f.status = 'in_post' ORDER BY f.position, f.name, f.id"""

    def city_list():
        with connection.cursor() as cursor:
            cursor.execute(city_list_sql, [city_low, city_high])
            return len(cursor.fetchall())

    def worker_list():
        with connection.cursor() as cursor:
            cursor.execute(worker_list_sql, [station_id])
            return len(cursor.fetchall())

    def station_page():
        with connection.cursor() as cursor:
            cursor.execute(station_sql, [station_id])
            cursor.fetchall()
            cursor.execute(points_sql, [station_id])
            rows = len(cursor.fetchall())
            cursor.execute(staff_sql, [station_id])
            return rows + len(cursor.fetchall())

    return {
        ("station list", "city"): city_list,
        ("station list", "worker"): worker_list,
        ("station page", "city"): station_page,
        ("station page", "worker"): station_page,
    }


def _shown_rows(page: str, html: str) -> int:
    """Table rows a page rendered, counted by their first cell (the templates' data-label attributes)."""
    if page == "station list":
        return len(re.findall(r'data-label="社工站"', html))
    return len(re.findall(r'data-label="所在村（居）"', html)) + len(re.findall(r'data-label="岗位"', html))


def child(args: argparse.Namespace) -> None:
    import django

    django.setup()

    from collections import Counter

    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from shuangbai.core.scoping import code_range
    from shuangbai.core.services import user_create
    from shuangbai.stations.models import Point, Station
    from shuangbai.synth import synth_build

    def say(message: str) -> None:
        print(f"   [{args.child}] {message}", file=sys.stderr, flush=True)

    say("migrate, collectstatic")
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)

    say(f"synth_build({args.scale}, seed={args.seed})")
    started = time.perf_counter()
    build = synth_build(args.scale, seed=args.seed)
    build_seconds = time.perf_counter() - started
    say(f"built in {build_seconds:.1f} s: {build}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would give a database in service

    # The synthetic city with the most stations, and in it the station with the most points: the heaviest
    # pages of the data set.
    by_city = Counter(code[:4] for code in Station.objects.active().values_list("region_code", flat=True))
    city_prefix = max(sorted(by_city), key=lambda prefix: by_city[prefix])
    city_code = city_prefix.ljust(12, "0")
    city_low, city_high = code_range(city_prefix)
    biggest = (
        Point.objects.active()
        .filter(region_code__gte=city_low, region_code__lte=city_high)
        .values("station_id")
        .annotate(n=Count("id"))
        .order_by("-n", "station_id")
        .first()
    )
    station = Station.objects.get(pk=biggest["station_id"])
    city_user = user_create(
        actor=None,
        username="bench-city",
        password=None,
        role="city",
        scope_code=city_code,
        display_name="基准市用户",
    )
    worker_user = user_create(
        actor=None,
        username="bench-worker",
        password=None,
        role="worker",
        scope_code=station.region_code,
        display_name="基准社工",
    )
    clients = {}
    for name, user in (("city", city_user), ("worker", worker_user)):
        client = Client()
        client.force_login(user)
        clients[name] = client

    floors = _floors(station.pk, city_low, city_high)
    pages = [
        ("station list", "city", "/stations/"),
        ("station list", "worker", "/stations/"),
        ("station page", "city", f"/stations/{station.pk}/"),
        ("station page", "worker", f"/stations/{station.pk}/"),
    ]
    rows = []
    for page, user, url in pages:
        say(f"{page} ({user}) {url}")
        client, floor = clients[user], floors[(page, user)]
        for _ in range(args.warmup):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            floor()
        page_ms, floor_ms = [], []
        for _ in range(args.requests):
            start = time.perf_counter()
            response = client.get(url)
            page_ms.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            connection.ensure_connection()  # SQLite closes after each request; don't time the reconnect
            start = time.perf_counter()
            floor_rows = floor()
            floor_ms.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        html = response.content.decode()
        shown = _shown_rows(page, html)
        problems = []
        if shown != floor_rows:
            problems.append(f"page shows {shown} table rows, the floor query returns {floor_rows}")
        p95, floor_p95 = _percentile(page_ms, 0.95), _percentile(floor_ms, 0.95)
        rows.append(
            {
                "page": page,
                "user": user,
                "url": url,
                "p50_ms": statistics.median(page_ms),
                "p95_ms": p95,
                "floor_p50_ms": statistics.median(floor_ms),
                "floor_p95_ms": floor_p95,
                "ratio": p95 / floor_p95 if floor_p95 else float("inf"),
                "queries": len(queries.captured_queries),
                "sql": [query["sql"] for query in queries.captured_queries],
                "rows": shown,
                "kb_gz": len(gzip.compress(response.content)) / 1024,
                "problems": problems,
            }
        )
    result = {
        "database": args.child,
        "build": build,
        "build_seconds": build_seconds,
        "city": f"{city_code} ({by_city[city_prefix]} stations)",
        "station": f"{station.pk} {station.region_code} ({biggest['n']} points)",
        "rows": rows,
    }
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1))


# ----------------------------------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scale", type=float, default=1.0, help="synthetic data scale, 1 = Guangdong (default 1)"
    )
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page (default 50)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per page first (default 5)")
    parser.add_argument(
        "--postgres-admin-url", default=POSTGRES_ADMIN_URL, help="where to create/drop the db"
    )
    parser.add_argument("--postgres-url", default=POSTGRES_BENCH_URL, help="the benchmark database")
    parser.add_argument(
        "--json", metavar="FILE", help="also write all results, with each page's SQL, to FILE"
    )
    parser.add_argument("--child", choices=("sqlite", "postgres"), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return 0
    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = [run_database(db, args) for db in databases]
    print_report(results, args)
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1))
    return 1 if any("error" in result for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
