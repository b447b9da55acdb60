"""`?region=` of a page, parsed in one place: absent, malformed, outside the scope, the user's own."""

from __future__ import annotations

import pytest
from django.http import Http404, QueryDict

from shuangbai.core.scoping import guarded
from shuangbai.regions.selectors import region_from_query


@pytest.mark.parametrize("text", ["", "region=", "region=%20", "station=1"])
def test_no_region_named_is_none(world, text):
    with guarded():
        assert region_from_query(world.county, QueryDict(text)) is None


@pytest.mark.parametrize("value", ["abc", "1e3", "4453", "445381"])
def test_a_malformed_region_is_a_404(world, value):
    with guarded(), pytest.raises(Http404):
        region_from_query(world.county, QueryDict(f"region={value}"))


def test_a_region_of_another_county_is_a_404(world):
    with guarded(), pytest.raises(Http404):
        region_from_query(world.county, QueryDict("region=445302000000"))  # 云城区, not 罗定市
    with guarded(), pytest.raises(Http404):
        region_from_query(world.county, QueryDict("region=445300000000"))  # the city above the county


def test_a_region_in_scope_is_the_region(world):
    with guarded():
        assert region_from_query(world.county, QueryDict("region=445381000000")).name == "罗定市"
        assert region_from_query(world.county, QueryDict("region=445381002000")).code == "445381002000"
        assert region_from_query(world.worker_a, QueryDict("region=445381002000")).code == "445381002000"
