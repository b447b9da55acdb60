"""Database helpers shared by the apps' reports."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def no_jit():
    """PostgreSQL's JIT compiler off for the queries run inside. The planner prices aggregates over a county's
    year of visits, and every correlated subquery as if it ran for every row, as costly enough to compile, and
    compiling them takes longer (0.1-3 s) than running them. A no-op on SQLite."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            # the grouping sorts a city's people: in memory, not in temporary files
            cursor.execute("SET LOCAL work_mem = '32MB'")
        yield
