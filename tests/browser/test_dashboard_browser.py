"""The dashboard at 1366 px and the data screen at 1920×1080 in a real browser: their ECharts canvases are drawn
and have a size, no script error is logged, and every request stays on the app's own origin."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.dashboards.test_dashboard import COUNTY, build_programme

pytestmark = pytest.mark.browser


@pytest.fixture
def programme(browser_world):
    return build_programme(browser_world)


LAPTOP = {"width": 1366, "height": 768}
WALL = {"width": 1920, "height": 1080}


def watch(page: Page, origin: str) -> tuple[list[str], list[str]]:
    """Console errors and uncaught exceptions; requests to any other origin than the live server's."""
    errors: list[str] = []
    foreign: list[str] = []
    own = urlsplit(origin).netloc

    def request(request) -> None:
        if not request.url.startswith(("data:", "blob:", "about:")) and urlsplit(request.url).netloc != own:
            foreign.append(request.url)

    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", request)
    return errors, foreign


def assert_charts_drawn(page: Page, ids: list[str]) -> None:
    for chart_id in ids:
        canvas = page.locator(f"#{chart_id} canvas").first
        expect(canvas).to_be_attached()
        size = canvas.evaluate("c => [c.width, c.height]")
        assert size[0] > 100 and size[1] > 100, (chart_id, size)


@pytest.mark.parametrize("page", [LAPTOP], indirect=True, ids=["1366"])
def test_the_county_dashboard_draws_its_charts(
    page: Page, live_server, browser_world, programme, login, shot
):
    errors, foreign = watch(page, live_server.url)
    login("county")
    page.goto(f"/dashboard/?region={COUNTY}&{programme.month.query}")
    page.wait_for_load_state("load")
    assert page.evaluate("typeof window.echarts") == "object"
    assert_charts_drawn(
        page, ["chart-trend", "chart-ranking", "chart-overdue", "chart-visits", "chart-categories"]
    )
    expect(page.locator("#kpi-visit-rate")).to_have_text("33.3%")
    expect(page.locator("#attention")).to_contain_text("高危甲")
    # switching the ranking to 困难群众 redraws it
    page.get_by_role("button", name="困难群众", exact=True).click()
    expect(page.get_by_role("button", name="困难群众", exact=True)).to_have_attribute("aria-pressed", "true")
    shot("dashboard-1366")
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    assert not errors, errors
    assert not foreign, foreign


@pytest.mark.parametrize("page", [WALL], indirect=True, ids=["1920"])
def test_the_data_screen_fills_the_wall_for_the_viewer(
    page: Page,
    live_server,
    browser_world,
    programme,
    login,
    shot,
):
    errors, foreign = watch(page, live_server.url)
    login("viewer")
    page.goto(f"/dashboard/screen/?region={COUNTY}&{programme.month.query}")
    page.wait_for_load_state("load")
    assert_charts_drawn(page, ["chart-trend", "chart-ranking", "chart-visits", "chart-overdue"])
    expect(page.locator("#s-visit-rate")).to_have_text("33.3%")
    assert page.locator("header.top").count() == 0  # no menus on the wall
    size = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert size == [1920, 1080], size
    # the refresh fetches the JSON on the same origin and redraws
    page.evaluate(
        "fetch(document.getElementById('screen').dataset.url).then(r => r.json()).then(d => window._screen = d)"
    )
    page.wait_for_function("window._screen !== undefined")
    assert page.evaluate("window._screen.headline.registered") == 3
    assert "高危甲" not in page.content()
    shot("screen-1920")
    assert not errors, errors
    assert not foreign, foreign
