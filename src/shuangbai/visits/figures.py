"""The visits' station figures: visits of every kind, home visits, and the households they reached."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from shuangbai.stations.figures import Figure, register_figures_source

from .models import Visit


@register_figures_source
def visit_figures(low: str, high: str, start: date, end: date) -> Iterator[Figure]:
    # Per household first, then summed: one hash/group step over the households instead of two DISTINCT sorts
    # over every visit of the county's year; with visit_region_day_home the rows come from the index alone.
    per_household = (
        Visit.objects.filter(
            region_code__gte=low, region_code__lte=high, visited_on__gte=start, visited_on__lte=end
        )
        .order_by()
        .values("household_id")
        .annotate(n=Count("id"), home_n=Count("id", filter=Q(is_home=True)))
    )
    counts = per_household.aggregate(
        visits=Coalesce(Sum("n"), 0),
        home=Coalesce(Sum("home_n"), 0),
        households=Count("household_id"),
        home_households=Count("household_id", filter=Q(home_n__gt=0)),
    )
    yield Figure("走访", "走访服务", counts["visits"], "次", "visits.count")
    yield Figure("走访", "其中入户走访", counts["home"], "次", "visits.home")
    yield Figure("走访", "走访户数", counts["households"], "户", "visits.households")
    yield Figure("走访", "入户走访户数", counts["home_households"], "户", "visits.home_households")
