"""The fast ways to the coverage figures (the month summary's sets for past whole months, the last home visit
for a running period) give exactly what checking every person against the visits gives."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from shuangbai.registry.models import Beneficiary, BeneficiaryCategory, Umbrella
from shuangbai.visits import coverage as cov
from tests.visits.coverage_fixture import LUODING, SULONG, YUNFU, build
from tests.visits.test_coverage import region

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)


def _figures(table: cov.CoverageTable) -> list[tuple]:
    rows = [table.node, *table.children]
    return [
        (row.code, group, f.registered, f.visited, f.served, tuple(f.overdue_counts))
        for row in rows
        for group, f in (("total", row.total), ("hardship", row.hardship), ("special", row.special))
    ]


def _exact(monkeypatch, *args, **kwargs) -> cov.CoverageTable:
    """The same table with every person checked against the visits (the month path switched off)."""
    with monkeypatch.context() as patch:
        patch.setattr(cov, "whole_months", lambda period: False)
        return cov.coverage_table(*args, **kwargs)


PERIODS = {
    "january": cov.month_period(2025, 1),
    "february": cov.month_period(2025, 2),
    "first quarter": cov.quarter_period(2025, 1),
    "december to february": cov.dates_period(date(2024, 12, 1), date(2025, 2, 28)),
    "year 2025": cov.year_period(2025),
}


@pytest.mark.parametrize("name", PERIODS)
@pytest.mark.parametrize("code", [YUNFU, LUODING, SULONG])
def test_the_month_summary_gives_the_exact_figures(world, monkeypatch, name, code):
    build(world)
    period = PERIODS[name]
    fast = cov.coverage_table(world.city, region(code), period, today=TODAY)
    exact = _exact(monkeypatch, world.city, region(code), period, today=TODAY)
    assert _figures(fast) == _figures(exact)
    assert fast.node.total.registered > 0


def test_a_running_month_gives_the_exact_figures(world, monkeypatch):
    """Today inside the period: February 2025 seen from 2025-02-20 (overdue as of that day)."""
    build(world)
    period, today = PERIODS["february"], date(2025, 2, 20)
    fast = cov.coverage_table(world.city, region(YUNFU), period, today=today)
    exact = _exact(monkeypatch, world.city, region(YUNFU), period, today=today)
    assert _figures(fast) == _figures(exact)
    assert fast.as_of == today and sum(fast.node.total.overdue_counts) > 0


def test_the_umbrella_marks_equal_the_category_links(world):
    """in_hardship / in_special as the registry keeps them equal the links, person by person."""
    build(world)
    links = BeneficiaryCategory.objects.values_list("beneficiary_id", "category__umbrella")
    held: dict[int, set[str]] = {}
    for pk, umbrella in links:
        held.setdefault(pk, set()).add(umbrella)
    marks = Beneficiary.objects.values_list("pk", "in_hardship", "in_special")
    assert len(marks) > 40
    for pk, hardship, special in marks:
        umbrellas = held.get(pk, set())
        assert (hardship, special) == (Umbrella.HARDSHIP in umbrellas, Umbrella.SPECIAL in umbrellas), pk


def test_days_ago_is_not_a_whole_month():
    assert cov.whole_months(cov.month_period(2025, 2))
    assert cov.whole_months(cov.year_period(2024))
    assert not cov.whole_months(cov.dates_period(date(2025, 1, 1), date(2025, 1, 30)))
    assert not cov.whole_months(cov.dates_period(date(2025, 1, 2), date(2025, 1, 31)))
    assert cov.whole_months(cov.dates_period(date(2024, 2, 1), date(2024, 2, 28) + timedelta(days=1)))
