"""Home visits in a real browser at a phone's width: the worker starts from 今日, records a visit with one
thumb, is back on 今日 with the household gone from the overdue list, and the county's home-visit rate moves; with the network cut
mid-save, the draft survives a reload and is saved once the network is back."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from shuangbai.core.models import system_actor
from shuangbai.registry.models import Beneficiary
from shuangbai.visits.models import Visit
from tests.conftest import id_number
from tests.registry.helpers import register

from .conftest import PHONE
from .test_org_browser import assert_assets_loaded, assert_no_horizontal_scroll

pytestmark = pytest.mark.browser


def _overdue(person: Beneficiary, days_registered: int = 30) -> None:
    """Level 1 (every 3 days), registered long ago and never visited: overdue."""
    Beneficiary.objects.filter(pk=person.pk).update(
        follow_up_level=1, registered_on=timezone.localdate() - timedelta(days=days_registered)
    )


def _home_rate(page: Page) -> str:
    return page.locator("#total-visit-rate").inner_text()


@pytest.mark.parametrize("page", [PHONE], indirect=True, ids=["phone"])
def test_due_list_visit_and_the_county_rate(page: Page, browser_world, login, shot):
    world = browser_world
    _overdue(world.beneficiary_a)
    second = register(
        system_actor(),
        "445381002201",
        "黄阿婆",
        id_number=id_number("445381", "19440512", "071"),
        categories=("living_alone_elderly",),
    )
    _overdue(second, days_registered=20)

    # the county's rate before: nobody of 罗定市 visited this month
    login("county")
    page.goto("/visits/coverage/?region=445381000000&period=month")  # this month, still running
    before = _home_rate(page)
    assert before.startswith("0")
    page.get_by_role("button", name="退出").click()

    login("worker_a")
    expect(page).to_have_url(re.compile(r"/$"))  # 今日
    expect(page.locator("h1")).to_contain_text("今日")
    assert_assets_loaded(page)
    assert_no_horizontal_scroll(page)
    overdue = page.locator("#overdue")
    expect(overdue).to_contain_text(world.beneficiary_a.name)
    expect(overdue).to_contain_text("逾期27天")
    expect(page.locator("#today-overdue")).to_have_text("2")
    shot("today")

    # one tap opens the form, filled with who and where
    page.locator(f'[data-household="{world.household_a.pk}"]').get_by_role("link", name="记录走访").click()
    expect(page.locator("h1")).to_have_text("记录走访")
    expect(page.locator(".visit-who")).to_contain_text(world.beneficiary_a.name)
    expect(page.get_by_label("社工A（社工）")).to_be_checked()
    expect(page.get_by_label(f"{world.beneficiary_a.name}（户主）")).to_be_checked()
    page.get_by_label("身体状况").fill("血压偏高，按时服药")
    page.get_by_label("用电隐患").check()
    page.get_by_label("医疗").check()
    page.get_by_label("跟进措施").fill("联系村医上门测血压")
    assert_no_horizontal_scroll(page)
    shot("visit-form")
    page.get_by_role("button", name="保存").click()

    # back on 今日: the household has left the overdue list
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator(".messages")).to_contain_text("已保存")
    expect(page.locator("#today-overdue")).to_have_text("1")
    expect(page.locator("#overdue")).not_to_contain_text(world.beneficiary_a.name)
    shot("today-after-visit")
    page.goto("/visits/due/")
    expect(page.locator("#count-overdue")).to_have_text("1")
    expect(page.locator("#soon")).to_contain_text(world.beneficiary_a.name)  # next due in 3 days
    visit = Visit.objects.get(household=world.household_a)
    assert (
        visit.health == "血压偏高，按时服药" and visit.hazards == ["electric"] and visit.needs == ["medical"]
    )
    shot("after-visit")

    # the network drops while the second visit is being saved: the draft stays, and survives a reload
    page.locator(f'[data-household="{second.household_id}"]').get_by_role("link", name="记录走访").click()
    page.get_by_label("身体状况").fill("独居，行动尚可")
    page.get_by_label("生活状况").fill("冰箱里食物不多")
    page.get_by_label("生活物资").check()
    page.context.set_offline(True)
    page.get_by_role("button", name="保存").click()
    status = page.locator(".save-bar #draft-status")  # by the thumb that pressed 保存, not at the top
    expect(status).to_contain_text("网络中断")
    expect(status).to_be_in_viewport()
    expect(page.get_by_role("button", name="重新保存")).to_be_enabled()
    assert not Visit.objects.filter(household_id=second.household_id).exists()
    shot("offline")
    page.context.set_offline(False)
    page.reload()
    expect(page.locator("#draft-status")).to_contain_text("已恢复")
    expect(page.get_by_label("身体状况")).to_have_value("独居，行动尚可")
    expect(page.get_by_label("生活状况")).to_have_value("冰箱里食物不多")
    expect(page.get_by_label("生活物资")).to_be_checked()
    page.get_by_role("button", name="保存").click()
    expect(page).to_have_url(re.compile(r"/visits/due/$"))
    expect(page.locator("#count-overdue")).to_have_text("0")
    assert Visit.objects.get(household_id=second.household_id).living == "冰箱里食物不多"
    drafts = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('shuangbai:draft:'))")
    assert drafts == [], f"the draft should be gone once the server has the visit: {drafts}"

    # the county's rate moved: both of station A's people were visited at home this month
    page.get_by_role("button", name="退出").click()
    login("county")
    page.goto("/visits/coverage/?region=445381000000&period=month")  # this month, still running
    after = _home_rate(page)
    assert after != before and not after.startswith("0"), (before, after)
    assert_no_horizontal_scroll(page)
    shot("county-coverage")
