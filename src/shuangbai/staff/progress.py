"""The staff in post and the trainings of the construction progress table (stations.progress), registered
there by staff.hooks. They count over a region the caller checked and run inside the table's unscoped(...)."""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from .models import TABLE_TRAINING_KINDS, Assignment, Position, Training


def staff_in_post(low: str, high: str, as_of: date):
    return (
        Assignment.objects.unscoped("posts counted over a region the caller checked")
        .filter(region_code__gte=low, region_code__lte=high, started_on__lte=as_of)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=as_of))
        .exclude(position=Position.SUPERVISOR)
    )


def staff_counts(
    low: str, high: str, as_of: date, *, by: int = 6, heads: bool = False
) -> tuple[dict[tuple[str, bool], int], dict[bool, int]]:
    """({(county, at a point): posts}, {at a point: people}) on the day; with `heads`, people in each group too
    (a city's row in the province's table is that city's 合计)."""
    posts = staff_in_post(low, high, as_of).annotate(county=Substr("region_code", 1, by))
    counted = Count("staff_id", distinct=True) if heads else Count("id")
    by_county: dict[tuple[str, bool], int] = {}
    people: dict[bool, int] = {}
    for at_point in (False, True):
        kind = posts.filter(point__isnull=not at_point)
        for row in kind.values("county").order_by().annotate(n=counted):
            by_county[(row["county"], at_point)] = row["n"]
        people[at_point] = kind.values("staff_id").distinct().count()
    return by_county, people


def table_training_counts(low: str, high: str, start: date, as_of: date, *, by: int = 6) -> Counter:
    """{organiser's county code (6 digits; the city's own for the city level): trainings}."""
    rows = (
        Training.objects.filter(
            region_code__gte=low,
            region_code__lte=high,
            held_on__gte=start,
            held_on__lte=as_of,
            kind__in=TABLE_TRAINING_KINDS,
        )
        .annotate(county=Substr("region_code", 1, by))
        .values("county")
        .order_by()
        .annotate(n=Count("id"))
    )
    return Counter({row["county"]: row["n"] for row in rows})


def posts_by_site(low: str, high: str, as_of: date, stations: QuerySet) -> Counter:
    """{(station id, point id or None): posts} on the day, at the given (the reader's visible) stations."""
    return Counter(
        (station_id, point_id)
        for station_id, point_id in staff_in_post(low, high, as_of)
        .filter(station__in=stations)
        .values_list("station_id", "point_id")
    )
