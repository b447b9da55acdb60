"""The progress table in a real browser: a county officer ticks the item a station lacked and the county's
equipment cell changes."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from shuangbai.stations.models import EquipmentItem, EquipmentRecord
from shuangbai.stations.services import equipment_record, station_update

from .conftest import PHONE
from .test_org_browser import assert_assets_loaded, assert_no_horizontal_scroll

pytestmark = pytest.mark.browser
ALL = EquipmentItem.values


@pytest.mark.parametrize("page", [PHONE], indirect=True, ids=["phone"])
def test_ticking_a_missing_item_changes_the_county_cell(page: Page, browser_world, login, shot):
    world = browser_world
    for station in (world.station_a, world.station_b):
        station_update(
            actor=world.county,
            station=station,
            version=station.version,
            planned_year=2021,
            built_on=date(2021, 7, 1),
            office_secured_on=date(2021, 7, 1),
        )
    # station a lacks 空调, 打印机 and 消防设施: 未配备齐全; station b has everything
    lacking = {"air_conditioner", "printer", "fire_safety"}
    equipment_record(
        actor=world.county,
        station=world.station_a,
        items=[i for i in ALL if i not in lacking],
        effective_on=date(2021, 7, 1),
    )
    equipment_record(actor=world.county, station=world.station_b, items=ALL, effective_on=date(2021, 7, 1))

    login("county")
    page.goto("/stations/progress/")
    assert_assets_loaded(page)
    row = page.locator('#progress tr[data-region="445381000000"]')
    cell = row.locator('td.equipment[data-kind="社工站"]')
    expect(cell).to_have_text("未配备齐全")
    expect(row.locator("th")).to_have_text("罗定市")
    assert_no_horizontal_scroll(page)  # the wide table scrolls inside its frame, not the page
    shot("table-before")

    cell.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/stations/progress/sites/"))
    site = page.locator("#sites tbody tr", has_text=world.station_a.name)
    expect(site.locator("td.status")).to_have_text("未配备齐全")
    expect(site).to_contain_text("空调、打印机、消防设施")
    site.get_by_role("link", name=world.station_a.name).click()

    expect(page).to_have_url(re.compile(rf"/stations/{world.station_a.pk}/equipment/$"))
    expect(page.locator("#missing")).to_have_text("空调、打印机、消防设施")
    page.get_by_label("空调").check()
    shot("ticked")
    page.get_by_role("button", name="保存清单").click()
    expect(page.locator("#missing")).to_have_text("打印机、消防设施")
    expect(page.locator("#current-status")).to_contain_text("基本配备")
    assert EquipmentRecord.objects.filter(station=world.station_a, point__isnull=True).count() == 2

    page.goto("/stations/progress/")
    expect(cell).to_have_text("基本配备")
    shot("table-after")
    # the day before the change, the table still shows what held then
    page.goto(
        f"/stations/progress/?region=445381000000&as_of={(date.today() - timedelta(days=1)).isoformat()}"
    )
    expect(cell).to_have_text("未配备齐全")
