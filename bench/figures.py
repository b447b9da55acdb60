#!/usr/bin/env python
"""The station figures (站点工作数据) and batch hand-out benchmark (issue 6).

    python bench/figures.py [--scale 0.1] [--db sqlite|postgres|both] [--requests 30] [--warmup 5]

For each database, in its own subprocess: a fresh database, migrate, `synth_build(scale)` (the full build: people,
a year of visits, and the services of the year: cases, assistance, in-kind batches, activities, volunteers), on
PostgreSQL `VACUUM ANALYZE`; then, with Django's test client (server time), each request followed by its floor:

- the figures page of the county with the most stations for the synthetic year (the 365 days up to `synth.AS_OF`,
  the year the visits and services cover), read by a county user. Floor: one bare SQL counting the county's
  visits and new registrations in that year. One more request checks the page's visits and new people against
  the floor's. Budget (issue 6): p95 under 500 ms.
- a batch hand-out POST (`/assistance/batches/<pk>/hand-out/?holding=<pk>`) by a worker of the station holding
  the most stock, one item to a different beneficiary of the station each time (302 asserted). Floor: a bare
  INSERT of a hand-out row in its own transaction. Checked: one hand-out per post, and the stock down by the
  posts and floors exactly. Budget: p95 under 100 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from run import POSTGRES_ADMIN_URL, _percentile, run_child_in_fresh_database

PAGE_BUDGET_MS = 500.0
POST_BUDGET_MS = 100.0
POSTGRES_BENCH_URL = (
    "postgres://postgres@127.0.0.1:5432/shuangbai_bench_figures"  # created and dropped by the run
)


def run_database(db: str, args: argparse.Namespace) -> dict:
    return run_child_in_fresh_database(db, args, script=__file__, label="figures")


def child(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from collections import Counter
    from datetime import timedelta

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment
    from django.utils import timezone

    from shuangbai.assistance.models import HandOut, Holding
    from shuangbai.assistance.services import batch_receive, stock_of
    from shuangbai.core.models import system_actor  # noqa: E402  (after setup)
    from shuangbai.core.scoping import code_range
    from shuangbai.regions.models import Region
    from shuangbai.registry.models import Beneficiary
    from shuangbai.staff.accounts import user_create
    from shuangbai.staff.models import Staff
    from shuangbai.stations.models import Station
    from shuangbai.synth import AS_OF, VISIT_DAYS, synth_build

    def say(message: str) -> None:
        print(f"   [{args.child}] {message}", file=sys.stderr, flush=True)

    def timed(run, floor, warmup: int, requests: int):
        for _ in range(warmup):
            run()
            floor()
        run_ms, floor_ms, value = [], [], None
        for _ in range(requests):
            start = time.perf_counter()
            run()
            run_ms.append((time.perf_counter() - start) * 1000)
            connection.ensure_connection()
            start = time.perf_counter()
            value = floor()
            floor_ms.append((time.perf_counter() - start) * 1000)
        return run_ms, floor_ms, value

    def row(name: str, rows: int, run_ms, floor_ms, queries: int, budget: float, check: str) -> dict:
        p95, floor_p95 = _percentile(run_ms, 0.95), _percentile(floor_ms, 0.95)
        return {
            "row": name,
            "rows": rows,
            "p50_ms": round(statistics.median(run_ms), 1),
            "p95_ms": round(p95, 1),
            "floor_p95_ms": round(floor_p95, 2),
            "ratio": round(p95 / floor_p95, 1),
            "queries": queries,
            "budget_ms": budget,
            "check": check,
        }

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    build = synth_build(args.scale)
    say(f"built in {build['seconds']} s: {build}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    rows = []

    # -- (a) the figures page of the county with the most stations, for the synthetic year
    by_county = Counter(code[:6] for code in Station.objects.values_list("region_code", flat=True))
    county = Region.objects.get(
        code=max(sorted(by_county), key=lambda prefix: by_county[prefix]).ljust(12, "0")
    )
    start, end = AS_OF - timedelta(days=VISIT_DAYS - 1), AS_OF
    county_user = user_create(actor=system_actor(), username="bench-county", password=None, role="county",
                              scope_code=county.code, display_name="基准县用户")  # fmt: skip
    client = Client()
    client.force_login(county_user)
    url = f"/stations/figures/?region={county.code}&from={start.isoformat()}&to={end.isoformat()}"
    low, high = code_range(county.prefix)

    def page():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    def page_floor():
        # the bare SQL: the county's visits and new registrations in the year
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT (SELECT count(*) FROM visits_visit WHERE region_code >= %s AND region_code <= %s "
                "AND visited_on >= %s AND visited_on <= %s), "
                "(SELECT count(*) FROM registry_beneficiary WHERE region_code >= %s AND region_code <= %s "
                "AND registered_on >= %s AND registered_on <= %s AND merged_into_id IS NULL)",
                [low, high, start, end, low, high, start, end],
            )
            return cursor.fetchone()

    run_ms, floor_ms, (visits, registered) = timed(page, page_floor, args.warmup, args.requests)
    setup_test_environment()  # one more request, with template rendering instrumented, to read its table
    with CaptureQueriesContext(connection) as captured:
        table = page().context["table"]
    teardown_test_environment()
    shown = (table.value("visits.count"), table.value("registry.new"))
    check = "ok" if shown == (visits, registered) else f"CHECK: page {shown} != floor {(visits, registered)}"
    figures = sum(len(section.figures) for section in table.sections)
    rows.append(row("figures page", figures, run_ms, floor_ms, len(captured), PAGE_BUDGET_MS, check))
    page_note = (
        f"{county.name} ({county.code}, {by_county[county.code[:6]]} stations), {start}..{end}: "
        f"{visits} visits, {registered} new people, cases opened {table.value('cases.opened')}, "
        f"activities {table.value('activities.count')}"
    )

    # -- (b) a hand-out POST at the station holding the most stock, by a worker of that station
    posts = args.warmup + args.requests
    need = 2 * posts  # the floor's bare rows are the holding's too
    stocks = {
        h: stock_of(h) for h in Holding.objects.filter(level="station").select_related("batch", "station")
    }
    holding = max(sorted(stocks, key=lambda h: h.pk), key=stocks.get)
    topped_up = ""
    if stocks[holding] < need:  # a small build: a batch received by the station itself, enough for the run
        batch = batch_receive(actor=system_actor(), holder=holding.station, item="健康包", unit="份", quantity=need,
                              party="government", received_on=AS_OF, donor="基准测试")  # fmt: skip
        holding = Holding.objects.select_related("batch", "station").get(batch=batch)
        stocks[holding] = need
        topped_up = " (a batch received by the station for the run: no synthetic holding had enough stock)"
    batch, station = holding.batch, holding.station
    people = list(
        Beneficiary.objects.filter(station=station, status="active", merged_into__isnull=True)
        .order_by("id")
        .values_list("id", "household_id", "region_code")[:posts]
    )
    assert len(people) == posts, f"station {station} has fewer than {posts} people in register"
    worker = Staff.objects.filter(station=station).order_by("id").first()
    worker_user = user_create(actor=system_actor(), username="bench-worker", password=None, role="worker",
                              scope_code=station.region_code, display_name="基准社工")  # fmt: skip
    client = Client()
    client.force_login(worker_user)
    post_url = f"/assistance/batches/{batch.pk}/hand-out/?holding={holding.pk}"
    today = timezone.localdate()
    before = stocks[holding]
    queue = iter(people)

    def post():
        person_id, _, _ = next(queue)
        data = {"beneficiary": person_id, "quantity": 1, "handed_on": today.isoformat(), "worker": worker.pk,
                "note": "本人签收"}  # fmt: skip
        response = client.post(post_url, data)
        assert response.status_code == 302, (post_url, response.status_code, response.content[:2000])
        return response

    insert = (
        f"INSERT INTO {HandOut._meta.db_table} (batch_id, holding_id, station_id, region_code, beneficiary_id, "
        "household_id, households, quantity, handed_on, worker_id, note, photo_path, recorded_by_id, recorded_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, 1, 1, %s, %s, %s, '', NULL, %s)"
    )
    floor_people = iter(people)

    def post_floor():
        person_id, household_id, region_code = next(floor_people)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(insert, [batch.pk, holding.pk, station.pk, region_code, person_id, household_id,
                                    today, worker.pk, "本人签收", timezone.now()])  # fmt: skip

    run_ms, floor_ms, _ = timed(post, post_floor, args.warmup, args.requests)
    made = HandOut.objects.filter(holding=holding, recorded_by=worker_user).count()
    after = stock_of(holding)
    problems = []
    if made != posts:
        problems.append(f"{made} hand-outs made by {posts} posts")
    if after != before - 2 * posts:
        problems.append(f"stock {before} -> {after}, expected {before - 2 * posts}")
    with CaptureQueriesContext(connection) as captured:  # one more, to count its queries
        person_id = Beneficiary.objects.filter(station=station, status="active").order_by("-id").first().pk
        response = client.post(post_url, {"beneficiary": person_id, "quantity": 1, "handed_on": today.isoformat(),
                                          "worker": worker.pk})  # fmt: skip
        assert response.status_code == 302
    check = "ok" if not problems else "CHECK: " + "; ".join(problems)
    rows.append(row("hand-out post", 1, run_ms, floor_ms, len(captured), POST_BUDGET_MS, check))
    post_note = (
        f"{station.name}: batch {batch.pk} ({batch.item}, {HandOut.objects.filter(holding=holding).count()} "
        f"hand-outs at the holding after the run), stock {before} before{topped_up}"
    )
    Path(args.out).write_text(
        json.dumps(
            {"database": args.child, "build": build, "rows": rows, "notes": [page_note, post_note]},
            ensure_ascii=False,
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--requests", type=int, default=30)
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

        # the harness builds and checks its own data; the pages it times run guarded, as in production
        with unscoped("the benchmark harness"):
            child(args)
        return 0
    results = [run_database(db, args) for db in (["sqlite", "postgres"] if args.db == "both" else [args.db])]
    print(f"\nstation figures and hand-out: scale {args.scale}, {args.requests} timed requests after "
          f"{args.warmup} warm-ups; server time in ms")  # fmt: skip
    print(f"{'db':9}{'build s':>8}  {'row':15}{'rows':>5}{'p50':>8}{'p95':>8}{'floor p95':>10}{'ratio':>7}"
          f"{'queries':>8}{'budget':>8}  verdict  check")  # fmt: skip
    failed = False
    for result in results:
        if "error" in result:
            print(f"{result['database']:9}ERROR {result['error']}")
            failed = True
            continue
        for row in result["rows"]:
            within = "ok" if row["p95_ms"] <= row["budget_ms"] else "OVER"
            print(f"{result['database']:9}{result['build']['seconds']:>8}  {row['row']:15}{row['rows']:>5}"
                  f"{row['p50_ms']:>8}{row['p95_ms']:>8}{row['floor_p95_ms']:>10}{row['ratio']:>7}"
                  f"{row['queries']:>8}{row['budget_ms']:>8.0f}  {within:7}  {row['check']}")  # fmt: skip
            failed |= row["check"] != "ok"
        for note in result["notes"]:
            print(f"{'':9}{note}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
