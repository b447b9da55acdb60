"""`?station=` of a page, parsed in one place: absent, malformed, outside the scope, the user's own."""

from __future__ import annotations

import pytest
from django.http import Http404, QueryDict

from shuangbai.core.scoping import guarded
from shuangbai.stations.selectors import station_from_query


def query(text: str) -> QueryDict:
    return QueryDict(text)


@pytest.mark.parametrize("text", ["", "station=", "station=%20%20", "region=445381000000"])
def test_no_station_named_is_none(world, text):
    with guarded():
        assert station_from_query(world.county, query(text)) is None


@pytest.mark.parametrize("value", ["abc", "1e3", "-1", "1.0", "0x1", "1_0", "%D9%A3", "99999999999999999999"])
def test_a_malformed_station_is_a_404(world, value):
    with guarded(), pytest.raises(Http404):
        station_from_query(world.county, query(f"station={value}"))


def test_a_station_of_another_county_is_a_404(world):
    with guarded(), pytest.raises(Http404):
        station_from_query(world.county, query(f"station={world.station_c.pk}"))  # 云城区, not 罗定市


def test_another_station_of_the_same_county_is_a_404_for_a_station_worker(world):
    with guarded(), pytest.raises(Http404):
        station_from_query(world.worker_a, query(f"station={world.station_b.pk}"))


def test_a_station_in_scope_is_the_station(world):
    with guarded():
        assert station_from_query(world.worker_a, query(f"station={world.station_a.pk}")) == world.station_a
        assert station_from_query(world.county, query(f"station={world.station_b.pk}")) == world.station_b
        assert (
            station_from_query(world.county, query(f"station=%20{world.station_b.pk}%20")) == world.station_b
        )
