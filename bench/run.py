#!/usr/bin/env python
"""Page and import benchmarks against synthetic data, each reported as a ratio to the floor of the same run.

    python bench/run.py [--scale 1] [--db sqlite|postgres|both] [--requests 50] [--warmup 5]
                        [--import-rows 100000]

For each database: a fresh, empty database and instance folder; migrate; time `synth_build(scale)`; a city
user and a worker user; then the station list, the station page, the registry list filtered by a category and
the registry searched by an ID-number tail for each, timed with Django's test client (server time: middleware,
session, views, templates; no network), interleaved with the bare SQL that returns the same rows; last, the
import of a generated ledger .xlsx of --import-rows rows, timed once against a bare openpyxl read of the same
file. Each database runs in its own subprocess so DATABASE_URL is set before Django starts. See bench/README.md.
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
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
POSTGRES_BENCH_URL = "postgres://postgres@127.0.0.1:5432/shuangbai_bench"  # created and dropped by the run

WORKER_BUDGET_MS = 100.0  # DESIGN.md: a worker's pages, p95 server time on PostgreSQL
CITY_BUDGET_MS = (
    500.0  # DESIGN.md: a county or city coverage table; shown for the city user's pages for reference
)
IMPORT_BUDGET_MS = 60_000.0  # DESIGN.md: importing 100,000 beneficiaries from .xlsx
COVERAGE_BUDGET_MS = 500.0  # DESIGN.md: a county or city coverage table


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
            "--import-rows",
            str(args.import_rows),
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


def _budget(row: dict) -> tuple[float, bool]:
    """A row's budget in ms, and whether it is only a reference (DESIGN.md sets none for that row)."""
    if "budget_ms" in row:
        return row["budget_ms"], False
    if row["user"] == "worker":
        return WORKER_BUDGET_MS, False
    return CITY_BUDGET_MS, True


def print_report(results: list[dict], args: argparse.Namespace) -> None:
    print()
    print(
        f"shuangbai benchmark: scale {args.scale}, seed {args.seed}, {args.requests} timed requests per page "
        f"after {args.warmup} warm-ups, one import of {args.import_rows} rows; times in ms, server side "
        "(Django test client)"
    )
    for result in results:
        if "error" in result:
            continue
        counts = result["build"]
        print(
            f"  {result['database']}: built {counts['cities']} cities, {counts['counties']} counties, "
            f"{counts['towns']} towns, {counts['villages']} villages, {counts['stations']} stations, "
            f"{counts['points']} points, {counts['staff']} staff, {counts.get('households', 0)} households, "
            f"{counts.get('beneficiaries', 0)} beneficiaries, {counts.get('visits', 0)} visits "
            f"in {result['build_seconds']:.1f} s"
            + (f" (visits {counts['visits_seconds']:.1f} s)" if "visits_seconds" in counts else "")
            + "; "
            f"city {result['city']}, station {result['station']}"
            + (f", import into {result['import_into']}" if result.get("import_into") else "")
        )
    header = (
        f"{'database':<9} {'build s':>7}  {'page':<15} {'user':<6} {'p50':>8} {'p95':>8} {'floor p95':>9} "
        f"{'ratio':>6} {'queries':>7} {'rows':>6} {'KB gz':>6} {'budget':>6}  verdict"
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
            if "error" in row:
                print(
                    f"{result['database']:<9} {'':>7}  {row['page']:<15} {row['user']:<6} FAILED: {row['error']}"
                )
                over.append(f"CHECK: {result['database']} {row['page']} ({row['user']}): {row['error']}")
                continue
            budget, reference = _budget(row)
            within = row["p95_ms"] <= budget
            verdict = "ok" if within else "OVER BUDGET"
            if reference:
                verdict += " (ref.)"
            if row.get("problems"):
                verdict += " CHECK"
            database, build = result["database"], result["build_seconds"]
            kb = f"{row['kb_gz']:>6.1f}" if row.get("kb_gz") is not None else f"{'-':>6}"
            print(
                f"{database:<9} {build:>7.1f}  {row['page']:<15} {row['user']:<6} "
                f"{row['p50_ms']:>8.2f} {row['p95_ms']:>8.2f} {row['floor_p95_ms']:>9.3f} "
                f"{row['ratio']:>6.1f} {row['queries']:>7} {row['rows']:>6} {kb} "
                f"{budget:>6.0f}  {verdict}"
            )
            if not within:
                over.append(
                    f"OVER BUDGET: {result['database']} {row['page']} ({row['user']}): "
                    f"p95 {row['p95_ms']:.1f} ms > {budget:.0f} ms"
                    + (" (reference budget)" if reference else "")
                )
            for problem in row.get("problems", []):
                over.append(f"CHECK: {result['database']} {row['page']} ({row['user']}): {problem}")
    print()
    print(
        "ratio = p95 / floor p95; floor = the bare SQL returning the same rows, on the same connection (for the "
        "import: a bare openpyxl read-only pass over the same file)."
    )
    print(
        "rows = the table rows the page shows (stations; points + staff; beneficiaries; due households; "
        "coverage counties), checked against the floor; for the import, the beneficiaries it created."
    )
    print(
        f"budget: worker pages {WORKER_BUDGET_MS:.0f} ms p95, the import {IMPORT_BUDGET_MS:.0f} ms (DESIGN.md); "
        f"city rows are shown against the {CITY_BUDGET_MS:.0f} ms city coverage-table budget for reference only."
    )
    notes = sorted({row["note"] for result in results for row in result.get("rows", []) if row.get("note")})
    if notes:
        print()
    for note in notes:
        print(note)
    print(
        f"visit rows: due list and visit post {WORKER_BUDGET_MS:.0f} ms, the city's coverage table for a quarter "
        f"{COVERAGE_BUDGET_MS:.0f} ms; timed with Django's clock set to the synthetic data's day (synth.AS_OF). "
        "Floors: the station's people due within the week with their household's last home visit (rows: "
        "households); one INSERT of a visit and one of its worker, in a transaction; one aggregate of the city's "
        "people in register in the quarter with an EXISTS home visit, by county (rows: counties)."
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


def _registry_floors(station_id: int, city_low: str, city_high: str, category_id: int, tail: str):
    """Bare SQL for the registry list: the first 50 beneficiaries in register in scope (with their household,
    station and point, as the page's select_related), their categories, and the count the page states, each the
    cheapest way the schema allows. {(page, user): callable returning (rows, count)}."""
    from django.db import connection

    from shuangbai.registry.models import Beneficiary, BeneficiaryCategory, Category, Household
    from shuangbai.stations.models import Point, Station

    b_t, h_t, bc_t = Beneficiary._meta.db_table, Household._meta.db_table, BeneficiaryCategory._meta.db_table
    c_t, s_t, p_t = Category._meta.db_table, Station._meta.db_table, Point._meta.db_table
    where = "{scope} AND b.merged_into_id IS NULL AND b.status = 'active' AND {condition}"
    rows_sql = f"""
        SELECT b.id, b.name, b.gender, b.birth_date, b.id_masked, b.no_id_reason, b.follow_up_level,
               b.risk_level, b.status, h.id, h.address, s.name, p.name
        FROM {b_t} b JOIN {h_t} h ON h.id = b.household_id JOIN {s_t} s ON s.id = b.station_id
             LEFT JOIN {p_t} p ON p.id = b.point_id
        WHERE {where} ORDER BY b.region_code, b.household_id, b.id LIMIT 50"""
    categories_sql = f"""
        SELECT bc.beneficiary_id, c.name FROM {bc_t} bc JOIN {c_t} c ON c.id = bc.category_id
        WHERE bc.beneficiary_id IN ({{ids}}) ORDER BY c.sort_order, c.id"""
    scopes = {  # (on beneficiaries, on category links, parameters)
        "worker": ("b.station_id = %s", "bc.station_id = %s", [station_id]),
        "city": (
            "b.region_code >= %s AND b.region_code <= %s",
            "bc.region_code >= %s AND bc.region_code <= %s",
            [city_low, city_high],
        ),
    }
    # The category's count is taken from the links, which carry each person's station, region and standing
    # for this (one index range); the same number as counting the beneficiaries with an EXISTS, far cheaper.
    pages = {  # page: (condition on beneficiaries, its parameters, count SQL)
        "registry list": (
            f"EXISTS (SELECT 1 FROM {bc_t} bc WHERE bc.beneficiary_id = b.id AND bc.category_id = %s)",
            [category_id],
            f"SELECT COUNT(*) FROM {bc_t} bc WHERE {{link_scope}} AND bc.active AND bc.category_id = %s",
        ),
        "registry search": (
            "b.id_tail = %s",
            [tail],
            f"SELECT COUNT(*) FROM {b_t} b WHERE {where}",
        ),
    }

    def make(user: str, page: str):
        scope, link_scope, scope_params = scopes[user]
        condition, condition_params, count_sql = pages[page]
        params = scope_params + condition_params
        page_sql = rows_sql.format(scope=scope, condition=condition)
        total_sql = count_sql.format(scope=scope, link_scope=link_scope, condition=condition)

        def floor() -> tuple[int, int]:
            with connection.cursor() as cursor:
                cursor.execute(page_sql, params)
                ids = [row[0] for row in cursor.fetchall()]
                if ids:
                    cursor.execute(categories_sql.format(ids=", ".join(["%s"] * len(ids))), ids)
                    cursor.fetchall()
                cursor.execute(total_sql, params)
                return len(ids), cursor.fetchone()[0]

        return floor

    return {(page, user): make(user, page) for page in pages for user in ("city", "worker")}


def _shown_rows(page: str, html: str) -> int:
    """Table rows a page rendered, counted by their first cell (the templates' data-label attributes)."""
    if page == "station list":
        return len(re.findall(r'data-label="社工站"', html))
    if page.startswith("registry"):
        return len(re.findall(r'data-label="姓名"', html))
    return len(re.findall(r'data-label="所在村（居）"', html)) + len(re.findall(r'data-label="岗位"', html))


def _ledger_xlsx(county, rows: int, seed: int) -> bytes:
    """A ledger of `rows` valid new people in the county's villages, in the import template's columns: drawn by
    the synthetic generator's ledger (households, categories, ID numbers not yet registered)."""
    import io
    import random
    from datetime import date

    from openpyxl import Workbook

    from shuangbai.core.crypto import lookup_hash
    from shuangbai.regions.models import Region
    from shuangbai.registry.ledger import COLUMNS
    from shuangbai.registry.models import (
        DISABILITY_GRADES,
        FOLLOW_UP_LEVELS,
        Beneficiary,
        Category,
        DisabilityType,
        LivingSituation,
        NoIdReason,
        Relation,
        RiskLevel,
    )
    from shuangbai.synth import Ledger

    prefix = county.code[:6]
    villages = list(
        Region.objects.filter(level="village", code__startswith=prefix)
        .select_related("parent")
        .order_by("code")
    )
    taken = set(
        Beneficiary.objects.filter(region_code__startswith=prefix)
        .exclude(id_hash=None)
        .values_list("id_hash", flat=True)
    )
    names = dict(Category.objects.values_list("code", "name"))
    grades, levels = dict(DISABILITY_GRADES), dict(FOLLOW_UP_LEVELS)
    ledger = Ledger(random.Random(seed))
    rng = ledger.rng
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("服务对象")
    sheet.append([header for header, _ in COLUMNS])
    keys = [key for _, key in COLUMNS]
    written = household = 0
    while written < rows:
        kind, size = ledger.kind_and_size()
        people, living = ledger.household(kind, min(size, rows - written))
        village = rng.choice(villages)
        household += 1
        address = f"{village.name}{rng.randrange(1, 400)}号"
        for person in people:
            d = ledger.details(
                person, county=prefix, head=people[0], living=living, opened_on=date(2021, 1, 1), exits=False
            )
            number = d["id_number"]
            while number and lookup_hash(number) in taken:
                number = ledger.id_number(prefix, d["birth_date"], d["gender"])
            if number:
                taken.add(lookup_hash(number))
            values = {
                "name": d["name"],
                "id_number": number,
                "no_id_reason": NoIdReason(d["no_id_reason"]).label if d["no_id_reason"] else "",
                "gender": "男" if d["gender"] == "M" else "女",
                "birth_date": d["birth_date"],
                "phone": d["phone"],
                "town": village.parent.name,
                "village": village.name,
                "address": address,
                "household": f"H{household:06d}",
                "relation": Relation(d["relation"]).label,
                "disability_type": DisabilityType(d["disability_type"]).label if d["disability_type"] else "",
                "disability_grade": grades.get(d["disability_grade"], ""),
                "living_situation": LivingSituation(d["living_situation"]).label,
                "guardian_name": d["guardian_name"],
                "guardian_relation": d["guardian_relation"],
                "risk_level": RiskLevel(d["risk_level"]).label,
                "follow_up_level": levels[d["follow_up_level"]],
                "health_notes": d["health_notes"],
            }
            for index, code in enumerate(person.codes, start=1):
                values[f"category{index}"] = names[code]
            sheet.append([values.get(key) or None for key in keys])  # an empty cell, as Excel leaves it
            written += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _bench_import(county, actor, rows: int, seed: int, say) -> dict:
    """Import a generated ledger once, timed, against a bare openpyxl read-only pass over the same file."""
    import io

    from django.db import connection
    from openpyxl import load_workbook

    from shuangbai.registry.ledger import import_ledger

    started = time.perf_counter()
    data = _ledger_xlsx(county, rows, seed)
    say(
        f"ledger of {rows} rows generated ({len(data) / 1024 / 1024:.1f} MB) in {time.perf_counter() - started:.1f} s"
    )
    start = time.perf_counter()
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    read = sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    floor_ms = (time.perf_counter() - start) * 1000
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    say(f"import_ledger into {county.code} ({county.name}); bare read {floor_ms / 1000:.1f} s")
    start = time.perf_counter()
    with connection.execute_wrapper(count):
        run = import_ledger(actor=actor, data=data, filename="bench-ledger.xlsx", into=county, update=False)
    import_ms = (time.perf_counter() - start) * 1000
    say(f"import: {run.status}, {run.created} created in {import_ms / 1000:.1f} s")
    problems = []
    if run.status != "done" or run.created != rows or read != rows + 1:
        problems.append(
            f"status {run.status}, created {run.created} of {rows} (file read {read - 1} rows); "
            + "; ".join(f"row {e['row']}: {e['message']}" for e in run.errors[:3])
        )
    return {
        "page": f"import {rows // 1000}k" if rows >= 1000 else f"import {rows}",
        "user": "county",
        "url": "shuangbai.registry.ledger.import_ledger",
        "p50_ms": import_ms,
        "p95_ms": import_ms,
        "floor_p50_ms": floor_ms,
        "floor_p95_ms": floor_ms,
        "ratio": import_ms / floor_ms if floor_ms else float("inf"),
        "queries": queries,
        "sql": [],
        "rows": run.created,
        "kb_gz": None,
        "file_mb": len(data) / 1024 / 1024,
        "budget_ms": IMPORT_BUDGET_MS,
        "problems": problems,
    }


@contextmanager
def _clock_at(day):
    """Django's clock set back to `day`, at the time of day it is: the synthetic data describes the programme as
    of `synth.AS_OF`, and a due list or a coverage table read on a later day would find every household overdue.
    Everything that asks `django.utils.timezone` (localdate, now: the selectors, the services, the sessions)."""
    from datetime import timedelta
    from unittest import mock

    from django.utils import timezone

    real_now = timezone.now
    offset = timedelta(days=(timezone.localdate() - day).days)
    with mock.patch.object(timezone, "now", lambda: real_now() - offset):
        yield


def _timed(run, floor, args) -> tuple[list[float], list[float], object, object]:
    """`args.warmup` untimed rounds, then `args.requests` timed ones, each `run` followed by its `floor`:
    the samples in ms and the last results of each."""
    from django.db import connection

    for _ in range(args.warmup):
        run()
        floor()
    run_ms, floor_ms = [], []
    result = floor_result = None
    for _ in range(args.requests):
        start = time.perf_counter()
        result = run()
        run_ms.append((time.perf_counter() - start) * 1000)
        connection.ensure_connection()  # SQLite closes after each request; don't time the reconnect
        start = time.perf_counter()
        floor_result = floor()
        floor_ms.append((time.perf_counter() - start) * 1000)
    return run_ms, floor_ms, result, floor_result


def _row(
    page: str, user: str, url: str, run_ms, floor_ms, queries, rows: int, budget: float, **extra
) -> dict:
    p95, floor_p95 = _percentile(run_ms, 0.95), _percentile(floor_ms, 0.95)
    return {
        "page": page,
        "user": user,
        "url": url,
        "p50_ms": statistics.median(run_ms),
        "p95_ms": p95,
        "floor_p50_ms": statistics.median(floor_ms),
        "floor_p95_ms": floor_p95,
        "ratio": p95 / floor_p95 if floor_p95 else float("inf"),
        "queries": len(queries.captured_queries),
        "sql": [query["sql"] for query in queries.captured_queries],
        "rows": rows,
        "kb_gz": None,
        "budget_ms": budget,
        "problems": [],
        "note": "",
    } | extra


def _bench_due(client, user, station, args, say) -> dict:
    """The worker's due list: the page /visits/due/ once it answers 200, until then its selector; against the
    bare SQL of the station's people in register due within the week, with their household's last home visit."""
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from shuangbai.regions.models import Region
    from shuangbai.registry.models import Beneficiary, Household
    from shuangbai.stations.models import Point
    from shuangbai.visits.models import FollowUp
    from shuangbai.visits.selectors import SOON_DAYS, due_households, schedule

    b_t, h_t, f_t = Beneficiary._meta.db_table, Household._meta.db_table, FollowUp._meta.db_table
    r_t, p_t = Region._meta.db_table, Point._meta.db_table
    today = timezone.localdate()
    day = today + timedelta(days=SOON_DAYS)
    intervals = schedule(station.region_code).intervals
    due = " OR ".join(
        "(b.follow_up_level = %s AND b.registered_on <= %s "
        "AND (f.last_home_visit_on IS NULL OR f.last_home_visit_on <= %s))"
        for _ in intervals
    )
    params = [station.pk]
    for level, days in sorted(intervals.items()):
        latest = (day - timedelta(days=days)).isoformat()
        params += [level, latest, latest]
    sql = f"""
        SELECT b.id, b.name, b.relation, b.follow_up_level, b.risk_level, b.registered_on, b.household_id,
               h.address, v.name, p.name, f.last_home_visit_on
        FROM {b_t} b JOIN {h_t} h ON h.id = b.household_id
             LEFT JOIN {r_t} v ON v.id = h.village_id
             LEFT JOIN {p_t} p ON p.id = h.point_id
             LEFT JOIN {f_t} f ON f.household_id = b.household_id
        WHERE b.station_id = %s AND b.status = 'active' AND b.merged_into_id IS NULL AND ({due})"""

    def floor() -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return len({row[6] for row in cursor.fetchall()})

    url = "/visits/due/"
    page = client.get(url).status_code == 200
    if page:

        def run():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

    else:

        def run():
            return due_households(user, station)

    say(
        f"due list ({'the page ' + url if page else 'visits.selectors.due_households: the page is not there'})"
    )
    run_ms, floor_ms, _, floor_rows = _timed(run, floor, args)
    with CaptureQueriesContext(connection) as queries:
        result = run()
    households = due_households(user, station)
    sections = {
        name: sum(1 for entry in households if entry.section == name) for name in ("overdue", "today")
    }
    row = _row(
        "due list",
        "worker",
        url if page else "visits.selectors.due_households(user, station)",
        run_ms,
        floor_ms,
        queries,
        len(households),
        WORKER_BUDGET_MS,
        note=(
            f"due list: {len(households)} households due by {day} ({sections['overdue']} overdue, "
            f"{sections['today']} due today) of station {station.pk}; "
            + ("the page timed" if page else f"{url} does not answer 200 yet: its selector timed")
        ),
    )
    if page:
        row["kb_gz"] = len(gzip.compress(result.content)) / 1024
    if floor_rows != len(households):
        row["problems"].append(
            f"the selector lists {len(households)} households, the floor finds {floor_rows}"
        )
    return row


def _bench_visit_post(client, user, station, args, say) -> dict:
    """Recording a home visit: POST /visits/new/?household=<id> once its form answers 200, until then the
    service `visit_record` (with the loads a view makes); against a bare INSERT of the visit and its worker."""
    import uuid
    from itertools import cycle

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from shuangbai.core.scoping import get_visible_or_404
    from shuangbai.registry.models import Household
    from shuangbai.staff.models import Staff
    from shuangbai.visits.models import Visit, VisitWorker
    from shuangbai.visits.selectors import visit_form_choices
    from shuangbai.visits.services import visit_record

    households = list(
        Household.objects.filter(station=station, members__status="active")
        .order_by("id")
        .values_list("id", flat=True)
        .distinct()[:20]
    )
    members = {
        pk: list(Household.objects.get(pk=pk).members.active().values_list("id", flat=True))
        for pk in households
    }
    worker = Staff.objects.in_post().filter(station=station).order_by("id").first()
    turn = cycle(households)

    def form() -> dict:
        household = next(turn)
        now = timezone.localtime()
        return {
            "household": household,
            "visited_on": now.date().isoformat(),
            "visited_time": now.strftime("%H:%M"),
            "kind": "home",
            "workers": [worker.pk],
            "met": members[household],
            "health": "血压偏高，按时服药",
            "living": "生活正常，家中整洁",
            "mental_state": "good",
            "needs": ["medical"],
            "actions": "提醒按时复诊，下周再访",
            "notes": "基准测试走访",
            "client_token": str(uuid.uuid4()),
        }

    check = client.get(f"/visits/new/?household={households[0]}").status_code
    page = check == 200
    if page:

        def run():
            data = form()
            url = f"/visits/new/?household={data.pop('household')}"
            response = client.post(url, data)
            assert response.status_code == 302, (url, response.status_code)
            return response

    else:

        def run():
            data = form()
            household = get_visible_or_404(Household.objects, user, pk=data["household"])
            staff, people = visit_form_choices(household)
            visited_at = timezone.localtime().replace(second=0, microsecond=0)
            return visit_record(
                actor=user,
                household=household,
                visited_at=visited_at,
                workers=[s for s in staff if s.pk in data["workers"]],
                met=[p for p in people if p.pk in data["met"]],
                kind=data["kind"],
                needs=data["needs"],
                health=data["health"],
                living=data["living"],
                mental_state=data["mental_state"],
                actions=data["actions"],
                notes=data["notes"],
                client_token=data["client_token"],
            )

    # The floor: the two rows, in one transaction as the page's, with values prepared once.
    v_t, w_t = Visit._meta.db_table, VisitWorker._meta.db_table
    household = Household.objects.get(pk=households[0])
    fields = Visit._meta
    now = timezone.now()
    prepare = {
        name: fields.get_field(name).get_db_prep_save(value, connection)
        for name, value in {
            "visited_at": now,
            "visited_on": timezone.localdate(now),
            "created_at": now,
        }.items()
    }
    columns = (
        "household_id, station_id, point_id, region_code, visited_at, visited_on, kind, is_home, met_others, "
        "health, living, mental_state, mental_notes, hazards, hazard_notes, needs, actions, notes, late_reason, "
        "risk_before, risk_after, change_reason, recorded_by_id, version, created_at, updated_at"
    )
    insert_visit = f"INSERT INTO {v_t} ({columns}) VALUES ({', '.join(['%s'] * 26)}) RETURNING id"
    values = [
        household.pk, household.station_id, household.point_id, household.region_code,
        prepare["visited_at"], prepare["visited_on"], "home", True, "",
        "", "生活正常，家中整洁", "good", "", "[]", "", '["medical"]', "提醒按时复诊，下周再访", "基准测试走访", "",
        "", "", "", user.pk, 1, prepare["created_at"], prepare["created_at"],
    ]  # fmt: skip
    insert_worker = f"INSERT INTO {w_t} (visit_id, staff_id) VALUES (%s, %s)"

    def floor() -> int:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(insert_visit, values)
            cursor.execute(insert_worker, [cursor.fetchone()[0], worker.pk])
        return 1

    say(
        f"visit post ({'POST /visits/new/' if page else 'visits.services.visit_record: the form is not there'})"
    )
    before = Visit.objects.count()
    run_ms, floor_ms, _, _ = _timed(run, floor, args)
    with CaptureQueriesContext(connection) as queries:
        run()
    made = Visit.objects.count() - before
    expected = 2 * (args.warmup + args.requests) + 1
    row = _row(
        "visit post",
        "worker",
        "/visits/new/?household=<id>" if page else "visits.services.visit_record(...)",
        run_ms,
        floor_ms,
        queries,
        1,
        WORKER_BUDGET_MS,
        note=(
            "visit post: "
            + (
                "the page timed"
                if page
                else f"/visits/new/ answers {check}, not 200 yet: visit_record timed, with the loads a view makes"
            )
            + f"; households cycled over {len(households)} of station {station.pk}"
        ),
    )
    if made != expected:
        row["problems"].append(f"{made} visits made, {expected} expected (posts and floor inserts)")
    return row


def _bench_coverage(user, region, args, say, *, past: bool = False) -> dict | None:
    """A city's coverage table (its counties) for the quarter ending on the synthetic data's day (or, `past`,
    the quarter before: the month summary's path), against one bare aggregate: the city's people in register
    in the quarter, and those with a home visit of their household in their part of it, by county."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from shuangbai.core.scoping import code_range
    from shuangbai.registry.models import Beneficiary
    from shuangbai.visits.models import Visit

    try:
        from shuangbai.visits.coverage import coverage_table, quarter_period
    except ImportError as error:
        say(f"coverage: not available yet ({error})")
        print("coverage: not available yet", file=sys.stderr)
        return None
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    if past:
        period = quarter_period(today.year - (quarter == 1), 4 if quarter == 1 else quarter - 1)
    else:
        period = quarter_period(today.year, quarter)
    page = "coverage past qtr" if past else "coverage qtr"
    b_t, v_t = Beneficiary._meta.db_table, Visit._meta.db_table
    low, high = code_range(region.prefix)
    sql = f"""
        SELECT SUBSTR(b.region_code, 1, 6), COUNT(*),
               SUM(CASE WHEN EXISTS (
                   SELECT 1 FROM {v_t} v
                   WHERE v.household_id = b.household_id AND v.is_home
                     AND v.visited_on >= %s AND v.visited_on <= %s AND v.visited_on >= b.registered_on
                     AND (b.exited_on IS NULL OR v.visited_on <= b.exited_on)
               ) THEN 1 ELSE 0 END)
        FROM {b_t} b
        WHERE b.region_code >= %s AND b.region_code <= %s AND b.merged_into_id IS NULL
          AND b.registered_on <= %s AND (b.exited_on IS NULL OR b.exited_on >= %s)
        GROUP BY SUBSTR(b.region_code, 1, 6)"""
    start, end = period.start.isoformat(), period.end.isoformat()
    params = [start, end, low, high, end, start]

    def floor() -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def run():
        return coverage_table(user, region, period)

    say(f"coverage: coverage_table(city user, {region.code}, {period.label})")
    try:
        run()
    except Exception as error:  # the module is being written: report it, keep the other benchmarks
        say(f"coverage: coverage_table failed: {type(error).__name__}: {error}")
        return {
            "page": page,
            "user": "city",
            "error": f"coverage_table(user, region, period) failed: {type(error).__name__}: {error}",
        }
    run_ms, floor_ms, table, counties = _timed(run, floor, args)
    with CaptureQueriesContext(connection) as queries:
        run()
    row = _row(
        page,
        "city",
        "visits.coverage.coverage_table(user, city, quarter)",
        run_ms,
        floor_ms,
        queries,
        len(table.children),
        COVERAGE_BUDGET_MS,
        note=f"{page}: {region.code} {region.name}, {period.label} ({period.start} to {period.end})",
    )
    registered, visited = sum(c[1] for c in counties), sum(c[2] for c in counties)
    total = table.node.total
    if len(table.children) != len(counties):
        row["problems"].append(f"the table has {len(table.children)} counties, the floor {len(counties)}")
    if (total.registered, total.visited) != (registered, visited):
        row["problems"].append(
            f"the table counts {total.registered} in register, {total.visited} visited at home; "
            f"the floor {registered}, {visited}"
        )
    row["note"] += f": {registered} in register, {visited} visited at home" + (
        f" ({visited / registered:.1%})" if registered else ""
    )
    return row


def child(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from collections import Counter

    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from shuangbai.core.models import system_actor  # noqa: E402  (after setup)
    from shuangbai.core.scoping import code_range
    from shuangbai.regions.models import Region
    from shuangbai.registry.models import Beneficiary, Category
    from shuangbai.staff.accounts import user_create
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
            # what autovacuum does to a freshly loaded table in service: statistics, and the visibility map
            # that lets index-only scans skip the heap
            cursor.execute("VACUUM ANALYZE")

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
        actor=system_actor(),
        username="bench-city",
        password=None,
        role="city",
        scope_code=city_code,
        display_name="基准市用户",
    )
    worker_user = user_create(
        actor=system_actor(),
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

    station_people = Beneficiary.objects.filter(station=station).count()
    # The registry: the commonest category (the heaviest count), and the ID-number tail of the station's first
    # registered person with a number (a search that finds someone).
    category = Category.objects.get(code="dibao")
    tail = (
        Beneficiary.objects.filter(station=station, status="active")
        .exclude(id_tail="")
        .order_by("id")
        .values_list("id_tail", flat=True)
        .first()
    )
    floors = _floors(station.pk, city_low, city_high) | _registry_floors(
        station.pk, city_low, city_high, category.pk, tail
    )
    pages = [
        ("station list", "city", "/stations/"),
        ("station list", "worker", "/stations/"),
        ("station page", "city", f"/stations/{station.pk}/"),
        ("station page", "worker", f"/stations/{station.pk}/"),
        ("registry list", "city", f"/registry/?category={category.pk}"),
        ("registry list", "worker", f"/registry/?category={category.pk}"),
        ("registry search", "city", f"/registry/?q={tail}"),
        ("registry search", "worker", f"/registry/?q={tail}"),
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
            floor_result = floor()
            floor_ms.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        html = response.content.decode()
        shown = _shown_rows(page, html)
        floor_rows, floor_total = floor_result if isinstance(floor_result, tuple) else (floor_result, None)
        problems = []
        if shown != floor_rows:
            problems.append(f"page shows {shown} table rows, the floor query returns {floor_rows}")
        if floor_total is not None:
            stated = re.search(r"共 (\d+) 人", html)
            if not stated or int(stated.group(1)) != floor_total:
                problems.append(
                    f"page states {stated.group(1) if stated else 'no'} people, the floor counts {floor_total}"
                )
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
    # The visit pages, on the synthetic data's day (its due dates and its quarter): the due list and the coverage
    # table before the visit posts add their visits.
    from shuangbai.synth import AS_OF

    city_region = Region.objects.get(code=city_code)
    with _clock_at(AS_OF):
        rows.append(_bench_due(clients["worker"], worker_user, station, args, say))
        for past in (False, True):
            coverage = _bench_coverage(city_user, city_region, args, say, past=past)
            if coverage is not None:
                rows.append(coverage)
        rows.append(_bench_visit_post(clients["worker"], worker_user, station, args, say))
    # Last, so the pages above are timed on the data as built: a county's ledger imported once.
    county = Region.objects.get(code=station.region_code[:6].ljust(12, "0"))
    import_into = ""
    if args.import_rows > 0:
        county_user = user_create(
            actor=system_actor(),
            username="bench-county",
            password=None,
            role="county",
            scope_code=county.code,
            display_name="基准县用户",
        )
        rows.append(_bench_import(county, county_user, args.import_rows, args.seed, say))
        import_into = f"{county.code} {county.name}"
    result = {
        "database": args.child,
        "build": build,
        "build_seconds": build_seconds,
        "city": f"{city_code} ({by_city[city_prefix]} stations)",
        "station": f"{station.pk} {station.region_code} ({biggest['n']} points, {station_people} beneficiaries)",
        "import_into": import_into,
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
        "--import-rows",
        type=int,
        default=100_000,
        help="rows of the ledger .xlsx imported once (default 100000)",
    )
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
        import django

        django.setup()
        from shuangbai.core.scoping import unscoped

        # the harness builds and checks its own data; the pages it times run guarded, as in production
        with unscoped("the benchmark harness"):
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


def run_child_in_fresh_database(db: str, args: argparse.Namespace, *, script: str, label: str) -> dict:
    """For the smaller benchmarks (bench/progress.py, bench/figures.py): run `script --child db` in a fresh
    instance folder and a fresh database (SQLite file, or `args.postgres_url` made and dropped), passing
    --scale, --requests and --warmup; return the JSON it writes, or {"database", "error"}."""
    home = Path(tempfile.mkdtemp(prefix=f"shuangbai-bench-{label}-{db}-"))
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
    name = _bench_db_name(args.postgres_url)
    try:
        if db == "sqlite":
            env["DATABASE_URL"] = f"sqlite:///{home / 'bench.sqlite3'}"
        else:
            _postgres(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", args.postgres_admin_url)
            _postgres(f"CREATE DATABASE {name}", args.postgres_admin_url)
            env["DATABASE_URL"] = args.postgres_url
        command = [sys.executable, str(Path(script).resolve()), "--child", db, "--out", str(out)]
        command += [
            "--scale",
            str(args.scale),
            "--requests",
            str(args.requests),
            "--warmup",
            str(args.warmup),
        ]
        print(f"== {db}: scale {args.scale}, instance folder {home}", file=sys.stderr, flush=True)
        completed = subprocess.run(command, env=env, check=False)
        if completed.returncode != 0 or not out.exists():
            return {"database": db, "error": f"benchmark process exited with status {completed.returncode}"}
        return json.loads(out.read_text())
    finally:
        if db == "postgres":
            _postgres(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", args.postgres_admin_url)
        shutil.rmtree(home, ignore_errors=True)
