"""The visits' station figures: visits of every kind, home visits, and the households they reached."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import Count, Q

from shuangbai.stations.figures import Figure, register_figures_source

from .models import Visit


@register_figures_source
def visit_figures(low: str, high: str, start: date, end: date) -> Iterator[Figure]:
    counts = Visit.objects.filter(
        region_code__gte=low, region_code__lte=high, visited_on__gte=start, visited_on__lte=end
    ).aggregate(
        visits=Count("id"),
        home=Count("id", filter=Q(is_home=True)),
        households=Count("household_id", distinct=True),
        home_households=Count("household_id", distinct=True, filter=Q(is_home=True)),
    )
    yield Figure("走访", "走访服务", counts["visits"], "次", "visits.count")
    yield Figure("走访", "其中入户走访", counts["home"], "次", "visits.home")
    yield Figure("走访", "走访户数", counts["households"], "户", "visits.households")
    yield Figure("走访", "入户走访户数", counts["home_households"], "户", "visits.home_households")
