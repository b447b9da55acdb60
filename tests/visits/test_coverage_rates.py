"""`coverage_rates`: the node's rates without the overdue sets, equal to the coverage table's node but for the
overdue counts, on the hand-checked programme of coverage_fixture, for past and running months."""

from __future__ import annotations

from datetime import date

import pytest

from shuangbai.regions.models import Region
from shuangbai.visits import coverage as cov
from tests.visits.coverage_fixture import LUODING, SULONG, YUNFU, build


@pytest.fixture
def data(world):
    return build(world)


def rates(figures: cov.Figures) -> tuple[int, int, int]:
    return figures.registered, figures.visited, figures.served


@pytest.mark.parametrize("code", [YUNFU, LUODING, SULONG])
@pytest.mark.parametrize("today", [date(2026, 11, 22), date(2025, 2, 20)], ids=["past", "running"])
def test_the_rates_are_the_tables_node(world, data, code, today):
    region = Region.objects.get(code=code)
    for period in (cov.month_period(2025, 1), cov.month_period(2025, 2), cov.quarter_period(2025, 1)):
        if period.start > today:
            continue
        node = cov.coverage_table(world.city, region, period, today=today).node
        fast = cov.coverage_rates(world.city, region, period, today=today)
        for group in ("total", "hardship", "special"):
            assert rates(fast.figures(group)) == rates(node.figures(group)), (code, period.label, group)
        assert fast.total.overdue_total == 0
    # the hand count of test_coverage.py for 云浮市 in January (39 in register, 14 visited at home, 17 served)
    january = cov.coverage_rates(
        world.city, Region.objects.get(code=YUNFU), cov.month_period(2025, 1), today=today
    )
    assert rates(january.total) == (39, 14, 17)
    assert rates(january.hardship) == (27, 11, 13) and rates(january.special) == (13, 3, 5)
