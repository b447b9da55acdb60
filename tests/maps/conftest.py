"""A station's households placed by hand, each with a known level and due state (see `Placed`)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from shuangbai.core.models import system_actor
from shuangbai.registry.models import Beneficiary, Category, Household
from shuangbai.registry.services import beneficiary_register, household_register
from shuangbai.visits.services import visit_record
from tests.conftest import id_number


@dataclass
class Placed:
    overdue: object  # level 1, registered 10 days ago, never visited: due 7 days ago
    soon: object  # level 2, visited at home 2 days ago: due in 5 days
    fine: object  # head level 4, member level 3, visited today: level 3, due in 30 days
    by_visit: object  # no position of its own; its latest home visit with a good fix places it
    nowhere: object  # no position at all


def _register(world, n: int, *, level: int, days_ago: int, lat=None, lng=None):
    today = timezone.localdate()
    return household_register(
        actor=system_actor(),
        village=world.household_a.village,
        address=f"凤塘村{n}号",
        latitude=lat,
        longitude=lng,
        head={
            "name": f"地图户主{n}",
            "id_number": id_number("445381", "19500101", f"{600 + n:03d}"),
            "categories": [Category.objects.get(code="dibao")],
            "follow_up_level": level,
            "registered_on": today - timedelta(days=days_ago),
        },
    )


@pytest.fixture
def placed(world) -> Placed:
    return build_placed(world)


def build_placed(world) -> Placed:
    now = timezone.now()
    overdue = _register(world, 1, level=1, days_ago=10, lat=Decimal("22.761234"), lng=Decimal("111.571234"))
    soon = _register(world, 2, level=2, days_ago=30, lat=Decimal("22.762000"), lng=Decimal("111.572000"))
    visit_record(
        actor=world.worker_a, household=soon, visited_at=now - timedelta(days=2), workers=[world.staff_a]
    )
    fine = _register(world, 3, level=4, days_ago=100, lat=Decimal("22.763000"), lng=Decimal("111.573000"))
    beneficiary_register(
        actor=system_actor(),
        household=fine,
        name="地图家属3",
        relation="spouse",
        categories=[Category.objects.get(code="dibao")],
        id_number=id_number("445381", "19520202", "703"),
        follow_up_level=3,
        registered_on=timezone.localdate() - timedelta(days=100),
    )
    visit_record(
        actor=world.worker_a, household=fine, visited_at=now - timedelta(minutes=5), workers=[world.staff_a]
    )
    by_visit = _register(world, 4, level=3, days_ago=5)
    visit_record(
        actor=world.worker_a,
        household=by_visit,
        visited_at=now - timedelta(hours=1),
        workers=[world.staff_a],
        latitude=Decimal("22.764000"),
        longitude=Decimal("111.574000"),
        location_accuracy=12,
    )
    # later, but neither places it: a phone call from the station, a home visit with a poor fix
    visit_record(
        actor=world.worker_a,
        household=by_visit,
        visited_at=now - timedelta(minutes=40),
        workers=[world.staff_a],
        kind="phone",
        latitude=Decimal("22.700000"),
        longitude=Decimal("111.500000"),
    )
    visit_record(
        actor=world.worker_a,
        household=by_visit,
        visited_at=now - timedelta(minutes=20),
        workers=[world.staff_a],
        latitude=Decimal("22.710000"),
        longitude=Decimal("111.510000"),
        location_accuracy=900,
    )
    nowhere = _register(world, 5, level=3, days_ago=5)
    return Placed(overdue, soon, fine, by_visit, nowhere)


def scatter(world, count: int, *, spread: float = 0.1) -> None:
    """`count` households of station A in one village, placed at random over `spread` degrees, one person each
    (levels 1 to 4 in turn, registered on 2023-01-01, never visited): fast, for sizes and clusters."""
    station, village = world.station_a, world.household_a.village
    rng = random.Random(16)
    households = Household.objects.bulk_create(
        Household(
            village=village,
            region_code=village.code,
            station=station,
            point=world.point_a,
            address=f"{n}号",
            latitude=Decimal(f"{22.70 + rng.random() * spread:.6f}"),
            longitude=Decimal(f"{111.50 + rng.random() * spread:.6f}"),
        )
        for n in range(count)
    )
    Beneficiary.objects.bulk_create(
        Beneficiary(
            household=household,
            name=f"批量{n}",
            no_id_reason="other",
            gender="F",
            birth_date=date(1950, 1, 1),
            station=station,
            point=world.point_a,
            region_code=village.code,
            follow_up_level=1 + n % 4,
            registered_on=date(2023, 1, 1),
        )
        for n, household in enumerate(households)
    )
