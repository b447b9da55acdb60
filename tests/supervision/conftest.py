"""Fixtures of the supervision tests: the check-item catalogue and inspections made through the services."""

from __future__ import annotations

from datetime import date

import pytest

from shuangbai.supervision.catalogue import seed_check_items
from shuangbai.supervision.models import CheckItem
from shuangbai.supervision.services import inspection_record


@pytest.fixture
def items(world) -> dict[str, CheckItem]:
    seed_check_items(CheckItem)  # a transactional test before this one flushed the migration's rows
    return {item.name: item for item in CheckItem.objects.all()}


@pytest.fixture
def inspect(world, items):
    """inspect(station=station_a, actor=county, **inspection_record arguments)"""

    def make(station=None, *, actor=None, **kwargs):
        values = {
            "kind": "inspection",
            "visited_on": date(2023, 2, 9),
            "team": "罗定市民政局、市社工督导人员",
            "methods": ["site", "records", "meeting"],
            "findings": "台账资料齐全。",
        } | kwargs
        return inspection_record(actor=actor or world.county, station=station or world.station_a, **values)

    return make
