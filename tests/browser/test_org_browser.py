"""Organisation pages in a real browser: a county user adds a point; a refused form; another station."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from shuangbai.stations.models import Point

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser

HEADER_RED = "rgb(183, 28, 28)"  # --red in shuangbai.css


def assert_no_horizontal_scroll(page: Page) -> None:
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width + 1, f"{page.url} scrolls sideways: scrollWidth {scroll_width} > {width}"


def assert_assets_loaded(page: Page) -> None:
    """The stylesheet and the vendored htmx really reached the browser."""
    # A URL check passes as soon as the navigation commits; the stylesheet is applied by the load event.
    page.wait_for_load_state("load")
    background = page.locator("header.top").evaluate("el => getComputedStyle(el).backgroundColor")
    assert background == HEADER_RED, f"shuangbai.css not applied: header background is {background}"
    assert page.evaluate("typeof window.htmx") == "object", "static/vendor/htmx/htmx.min.js did not load"


@pytest.mark.parametrize("page", [PHONE, DESKTOP], indirect=True, ids=["phone", "desktop"])
def test_county_user_adds_point(page: Page, browser_world, login, shot):
    world = browser_world
    phone = page.viewport_size["width"] == PHONE["width"]
    station_url = re.compile(rf"/stations/{world.station_a.pk}/$")

    login("county")
    expect(page).to_have_url(re.compile(r"/$"))  # the county's home: its summary and every report
    expect(page.locator("h1")).to_contain_text("罗定市")
    page.locator("header.top").get_by_role("link", name="全部功能").click()
    page.locator("main").get_by_role("link", name="区划", exact=True).click()
    expect(page).to_have_url(re.compile(r"/regions/445381000000/$"))
    assert_assets_loaded(page)
    expect(page.locator("h1")).to_contain_text("罗定市")
    expect(page.locator("#children tbody tr")).to_have_count(21)
    expect(page.get_by_role("heading", name="下辖镇（街）（21个）")).to_be_visible()
    if phone:
        assert_no_horizontal_scroll(page)
    shot("county")

    page.locator("#children").get_by_role("link", name="素龙街道", exact=True).click()
    expect(page).to_have_url(re.compile(r"/regions/445381002000/$"))
    expect(page.locator("h1")).to_contain_text("素龙街道")
    page.get_by_role("link", name="素龙街道社工站").click()
    expect(page).to_have_url(station_url)
    expect(page.locator("#points tbody tr")).to_have_count(1)
    if phone:
        assert_no_horizontal_scroll(page)

    page.get_by_role("link", name="新增社工点").click()
    expect(page.locator("h1")).to_have_text("新增社工点：素龙街道社工站")
    page.get_by_label("名称").fill("凤塘村社工服务点")
    page.get_by_label("所在村（居）").select_option(label="凤塘村")
    page.get_by_label("状态").select_option(label="运营中")
    if phone:
        assert_no_horizontal_scroll(page)
    shot("form")
    page.get_by_role("button", name="保存").click()

    expect(page).to_have_url(station_url)
    expect(page.locator(".messages")).to_contain_text("已新增社工点：凤塘村社工服务点")
    expect(page.locator("#points tbody tr")).to_have_count(2)
    row = page.locator("#points tbody tr", has_text="凤塘村社工服务点")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("凤塘村")
    expect(row).to_contain_text("运营中")
    if phone:
        assert_no_horizontal_scroll(page)
    path = shot("station")
    assert path.is_file() and path.stat().st_size > 10_000, f"screenshot {path} missing or blank"

    point = Point.objects.get(name="凤塘村社工服务点")
    assert point.station == world.station_a
    assert point.village.name == "凤塘村"
    assert point.status == "operating"


def test_empty_name_is_refused_in_chinese(page: Page, browser_world, login, shot):
    world = browser_world
    before = Point.objects.count()
    login("county")
    page.goto(f"/stations/{world.station_a.pk}/points/new/")
    page.get_by_label("名称").fill("")
    page.get_by_label("所在村（居）").select_option(label="凤塘村")
    page.get_by_role("button", name="保存").click()

    errors = page.locator(".errorlist")
    expect(errors).to_have_count(1)
    expect(errors).to_contain_text("名称：")
    expect(errors).to_contain_text(re.compile(r"名称：.*必填"))
    expect(page).to_have_url(re.compile(rf"/stations/{world.station_a.pk}/points/new/$"))
    expect(page.get_by_label("所在村（居）")).to_have_value(str(world.point_a.village_id))
    shot("error")
    assert Point.objects.count() == before


def test_worker_cannot_open_another_station(page: Page, browser_world, login, shot):
    world = browser_world
    login("worker_b")
    expect(page).to_have_url(re.compile(r"/$"))  # a worker's day starts from 今日
    expect(page.locator("h1")).to_contain_text("今日")
    page.goto(f"/stations/{world.station_b.pk}/")
    expect(page.locator("h1")).to_contain_text(world.station_b.name)

    response = page.goto(f"/stations/{world.station_a.pk}/")
    assert response is not None and response.status == 404
    expect(page.locator("body")).not_to_contain_text("素龙街道社工站")
    shot("not-found")
    response = page.goto(f"/stations/points/{world.point_a.pk}/")
    assert response is not None and response.status == 404
