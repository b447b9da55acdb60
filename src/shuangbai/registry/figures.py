"""The registry's station figures: people newly identified (新识别, registered) in the period, in all and by
category (a person in two categories counts in each)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import Count

from shuangbai.stations.figures import Figure, register_figures_source

from .models import Beneficiary, BeneficiaryCategory


@register_figures_source
def new_people(low: str, high: str, start: date, end: date) -> Iterator[Figure]:
    registered = Beneficiary.objects.unscoped("figures of a region the caller checked").filter(
        region_code__gte=low,
        region_code__lte=high,
        registered_on__gte=start,
        registered_on__lte=end,
        merged_into__isnull=True,
    )
    yield Figure("新识别", "新识别建档", registered.count(), "人", "registry.new")
    by_category = (
        BeneficiaryCategory.objects.filter(beneficiary__in=registered)
        .values("category__code", "category__name", "category__sort_order")
        .order_by("category__sort_order", "category__code")
        .annotate(n=Count("beneficiary_id", distinct=True))
    )
    for row in by_category:
        yield Figure("新识别", row["category__name"], row["n"], "人", f"registry.new.{row['category__code']}")
