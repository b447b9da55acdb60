"""The service map in a real browser at a phone's width: with no tile service every request stays on the app's
own origin, the households show as markers and a tap opens the household's card; with a tile service configured
its tiles are drawn (the tile server is routed to a local picture here)."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from tests.maps.conftest import build_placed, scatter

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser
TILES = "https://tiles.example.test"


def _tile() -> bytes:
    """A pale tile with a road and a river, so a screenshot shows that tiles were drawn."""
    picture = Image.new("RGB", (256, 256), "#f2efe9")
    draw = ImageDraw.Draw(picture)
    draw.line([(0, 90), (256, 150)], fill="#ffffff", width=9)
    draw.line([(0, 90), (256, 150)], fill="#d8d2c4", width=1)
    draw.line([(60, 0), (110, 256)], fill="#aad3df", width=12)
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def _requests(page: Page) -> list[str]:
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def _open_the_station_map(page: Page, login) -> None:
    login("worker_a")
    page.goto("/map/")
    expect(page).to_have_url(re.compile(r"/map/station/\d+/$"))
    expect(page.locator("#map[data-ready]")).to_have_count(1)


@pytest.mark.parametrize("page", [PHONE], indirect=True, ids=["phone"])
def test_the_station_map_without_tiles(page: Page, browser_world, login, shot, live_server, settings):
    settings.MAP_TILE_URL = ""
    build_placed(browser_world)
    urls = _requests(page)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    _open_the_station_map(page, login)

    markers = page.locator(".hh-marker")
    expect(markers).to_have_count(4)
    expect(page.locator(".village-label")).to_contain_text("凤塘村")
    expect(page.locator(".leaflet-control-scale-line")).to_be_visible()
    expect(page.locator("#map-status")).to_contain_text("已定位4户，其中已逾期1户")
    assert page.locator(".leaflet-tile").count() == 0
    shot("station-map")

    page.locator("#map .hh.s2").click()  # the overdue household
    card = page.locator("#map-card")
    expect(card).to_be_visible()
    expect(card).to_contain_text("地图户主1")
    expect(card).to_contain_text("逾期7天")
    expect(card.get_by_role("link", name="记录走访")).to_be_visible()
    shot("card")
    card.get_by_role("button", name="关闭").click()
    expect(card).to_be_hidden()

    page.get_by_label("只看需走访的户").check()  # the overdue one and the one due in five days
    expect(markers).to_have_count(2)
    page.get_by_label("只看需走访的户").uncheck()
    expect(markers).to_have_count(4)

    outside = [url for url in urls if not url.startswith(live_server.url)]
    assert outside == [], outside
    assert errors == []


@pytest.mark.parametrize("page", [PHONE], indirect=True, ids=["phone"])
def test_the_station_map_with_a_tile_service(page: Page, browser_world, login, shot, live_server, settings):
    settings.MAP_TILE_URL = TILES + "/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© 测试底图"
    settings.MAP_TILE_CRS = "gcj02"
    build_placed(browser_world)
    tile = _tile()
    page.route(TILES + "/**", lambda route: route.fulfill(status=200, content_type="image/png", body=tile))
    urls = _requests(page)
    _open_the_station_map(page, login)

    expect(page.locator(".hh-marker")).to_have_count(4)
    expect(page.locator("img.leaflet-tile-loaded").first).to_be_visible()
    expect(page.locator(".leaflet-control-attribution")).to_contain_text("© 测试底图")
    shot("station-map-tiles")
    elsewhere = {url.split("/")[2] for url in urls if not url.startswith(live_server.url)}
    assert elsewhere == {"tiles.example.test"}  # the configured tile server, and nothing else


@pytest.mark.parametrize("page", [DESKTOP], indirect=True, ids=["desktop"])
def test_the_printable_map_and_the_county_map(page: Page, browser_world, login, shot, settings):
    settings.MAP_TILE_URL = ""
    build_placed(browser_world)
    login("county")
    page.goto(f"/map/station/{browser_world.station_a.pk}/print/")
    expect(page.locator("#map[data-ready]")).to_have_count(1)
    expect(page.locator(".hh-marker")).to_have_count(4)  # every household, no clusters on paper
    page.emulate_media(media="print")
    box = page.locator("#map").bounding_box()
    assert box["width"] < 700  # 178 mm at 96 dpi: 673 px
    shot("print")
    page.emulate_media(media="screen")

    page.goto("/map/?region=445381000000")
    expect(page.locator("#towns")).to_contain_text("素龙街道")
    expect(page.locator(".hh-marker")).to_have_count(0)
    shot("county-map")


@pytest.mark.parametrize("page", [PHONE], indirect=True, ids=["phone"])
def test_dense_households_cluster_and_open_when_tapped(page: Page, browser_world, login, shot, settings):
    settings.MAP_TILE_URL = ""
    scatter(browser_world, 300, spread=0.02)
    _open_the_station_map(page, login)
    clusters = page.locator(".marker-cluster")
    expect(clusters.first).to_be_visible()
    assert page.locator(".marker-cluster.has-overdue").count() >= 1  # registered in 2023, never visited
    shot("clusters")
    before = clusters.count()
    clusters.first.click()
    expect(page.locator(".hh-marker").first).to_be_visible()
    page.wait_for_timeout(500)
    assert page.locator(".hh-marker").count() > 0 or page.locator(".marker-cluster").count() != before
    shot("zoomed")
