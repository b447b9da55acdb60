"""A worker's day beyond the home visit, in a real browser on a phone: open a case from a beneficiary's page,
refer it to 残联, hand out a health pack from a batch, and see both on the person's timeline and in the
station's figures."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from shuangbai.assistance.models import HandOut, Holding
from shuangbai.assistance.services import allocate, batch_receive
from shuangbai.cases.models import Case, Referral
from shuangbai.regions.models import Region

from .conftest import PHONE
from .test_org_browser import assert_assets_loaded, assert_no_horizontal_scroll

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("page", [PHONE], indirect=True, ids=["phone"])
def test_case_referral_and_hand_out_reach_the_timeline_and_the_figures(
    page: Page, browser_world, login, shot
):
    world = browser_world
    today = timezone.localdate()
    batch = batch_receive(
        actor=world.city,
        holder=Region.objects.get(code="445300000000"),
        item="健康包",
        unit="份",
        quantity=10,
        party="government",
        received_on=today - timedelta(days=2),
    )
    root = Holding.objects.get(batch=batch, parent__isnull=True)
    allocate(actor=world.city, source=root, target=world.station_a, quantity=5, on=today - timedelta(days=1))
    person = world.beneficiary_a

    login("worker_a")
    page.goto(f"/registry/{person.pk}/")
    assert_assets_loaded(page)
    page.locator("#services").get_by_role("link", name="开案").click()
    expect(page).to_have_url(re.compile(r"/cases/new/"))
    page.get_by_label("求助问题").fill("独居，行动不便，需申请残疾人证")
    page.get_by_role("button", name=re.compile("开案|保存")).click()
    expect(page).to_have_url(re.compile(r"/cases/\d+/$"))
    case = Case.objects.get(beneficiary=person)
    shot("case")

    page.get_by_role("link", name=re.compile("转介")).first.click()
    agency = page.get_by_label("转介至")
    agency.select_option(label=agency.locator("option", has_text="残联").first.inner_text())
    page.get_by_label("转介事由").fill("申请残疾人证")
    page.get_by_role("button", name=re.compile("转介|保存")).click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    assert Referral.objects.filter(case=case, agency__name__contains="残联").exists()

    holding = Holding.objects.get(batch=batch, station=world.station_a)
    page.goto(f"/assistance/batches/{batch.pk}/hand-out/?holding={holding.pk}&q={person.name}")
    expect(page.locator("#stock")).to_have_text("5")
    page.locator("#people-found input[type=checkbox]").first.check()
    page.get_by_label("发放日期").fill(today.isoformat())
    page.get_by_label("签收说明").fill("本人签收")
    page.get_by_role("button", name="确认发放").click()
    expect(page.locator("ul.messages")).to_contain_text(f"已发放：{person.name}")
    assert HandOut.objects.filter(batch=batch, beneficiary=person).count() == 1
    assert_no_horizontal_scroll(page)
    shot("handed-out")

    page.goto(f"/registry/{person.pk}/")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("开案")
    expect(timeline).to_contain_text("残联")
    expect(timeline).to_contain_text("健康包")
    shot("timeline")

    page.goto(
        f"/stations/figures/?station={world.station_a.pk}&from={(today - timedelta(days=7)).isoformat()}&to={today.isoformat()}"
    )
    expect(page.locator('tr[data-key="cases.opened"] td.num')).to_have_text("1")
    expect(page.locator('tr[data-key="referrals.sent"] td.num')).to_have_text("1")
    expect(page.locator('tr[data-key="distribution.健康包"] td.num')).to_have_text("1")
    assert_no_horizontal_scroll(page)
    shot("figures")
