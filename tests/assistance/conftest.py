"""Fixtures of the assistance tests: the type catalogue, and a health-pack batch of the city bureau passed down
to 罗定市 and its stations, made through the real services."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from shuangbai.assistance.catalogue import seed_assistance_types
from shuangbai.assistance.models import AssistanceType, Holding
from shuangbai.assistance.services import allocate, batch_receive
from shuangbai.regions.models import Region


def day(offset: int = 0) -> date:
    return timezone.localdate() + timedelta(days=offset)


@pytest.fixture
def kinds(db) -> dict[str, AssistanceType]:
    seed_assistance_types(AssistanceType)  # a transactional test before this one flushed the migration's rows
    return {kind.code: kind for kind in AssistanceType.objects.all()}


class Chain:
    """A batch of 100 health packs of 云浮市民政局: 60 to 罗定市, of which 40 to station A (素龙街道)."""


@pytest.fixture
def chain(world) -> Chain:
    c = Chain()
    c.city_region = Region.objects.get(code="445300000000")
    c.county_region = Region.objects.get(code="445381000000")
    c.batch = batch_receive(
        actor=world.city,
        holder=c.city_region,
        item="健康包",
        unit="份",
        quantity=100,
        party="government",
        donor="云浮市民政局",
        received_on=day(-10),
    )
    c.city = c.batch.holdings.get()
    allocate(actor=world.city, source=c.city, target=c.county_region, quantity=60, on=day(-9))
    c.county = Holding.objects.get(batch=c.batch, level="county")
    allocate(actor=world.county, source=c.county, target=world.station_a, quantity=40, on=day(-8))
    c.station_a = Holding.objects.get(batch=c.batch, station=world.station_a)
    return c
