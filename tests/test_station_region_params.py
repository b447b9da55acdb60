"""Every page that takes `?station=` or `?region=` reads it in one place (station_from_query, region_from_query)
and so answers alike: the object in scope opens the page; a malformed value, or one outside the user's scope,
is the same 404 on every page."""

from __future__ import annotations

import pytest
from django.test import Client

STATION_PAGES = [
    "/activities/",
    "/activities/new/",
    "/activities/volunteers/",
    "/activities/volunteers/new/",
    "/activities/partners/",
    "/activities/partners/new/",
    "/cases/",
    "/cases/new/person/",
    "/staff/",
    "/staff/new/",
    "/staff/trainings/",
    "/staff/trainings/new/",
    "/stations/figures/",
    "/supervision/",
    "/supervision/new/",
    "/visits/",
    "/visits/due/",
    "/visits/health/",
]
REGION_PAGES = [
    "/activities/",
    "/activities/volunteers/",
    "/activities/partners/",
    "/cases/",
    "/registry/",
    "/registry/stats/",
    "/staff/trainings/",
    "/stations/",
    "/stations/figures/",
    "/stations/progress/",
    "/stations/progress/sites/",
    "/supervision/",
    "/visits/coverage/",
    "/visits/two-coverages/",
]


@pytest.fixture
def county(world) -> Client:
    client = Client()
    client.force_login(world.county)  # 罗定市: stations A and B, not C (云城区)
    return client


@pytest.mark.parametrize("page", STATION_PAGES)
def test_station_pages(world, county, page):
    # found in scope: the page, or its own refusal after (the county does not open cases itself: 403)
    assert county.get(f"{page}?station={world.station_a.pk}").status_code in (200, 302, 403)
    assert county.get(f"{page}?station={world.station_c.pk}").status_code == 404
    for malformed in ("abc", "1e3", "-1"):
        assert county.get(f"{page}?station={malformed}").status_code == 404, malformed


@pytest.mark.parametrize("page", REGION_PAGES)
def test_region_pages(county, page):
    assert county.get(f"{page}?region=445381000000").status_code in (200, 302)
    assert county.get(f"{page}?region=445302000000").status_code == 404  # 云城区
    assert county.get(f"{page}?region=abc").status_code == 404
