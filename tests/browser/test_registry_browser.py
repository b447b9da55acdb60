"""The registry in a real browser: a worker registers a household with two members on a phone, finds one by the
last 4 digits of the ID number and exports the list; a county officer reveals the full number and finds the
reveal in the audit log."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from shuangbai.core.models import AuditEntry
from shuangbai.registry.models import Beneficiary
from tests.conftest import id_number

from .conftest import PHONE
from .test_org_browser import assert_assets_loaded, assert_no_horizontal_scroll

pytestmark = pytest.mark.browser

HEAD_ID = id_number("445381", "19520318", "051")
CHILD_ID = id_number("445381", "20140909", "062")


@pytest.mark.parametrize("page", [PHONE], indirect=True, ids=["phone"])
def test_register_find_export_reveal(page: Page, browser_world, login, shot, tmp_path):
    world = browser_world
    login("worker_a")
    page.goto("/registry/")
    assert_assets_loaded(page)
    assert_no_horizontal_scroll(page)
    page.get_by_role("link", name="登记新户").click()
    expect(page.locator("h1")).to_have_text("登记新户")
    page.get_by_label("村（居）").select_option(label="素龙街道 凤塘村")
    page.get_by_label("住址").fill("凤塘村五巷3号")
    page.get_by_label(re.compile("^姓名")).fill("李大娘")
    page.get_by_label(re.compile("^身份证号")).fill(HEAD_ID)
    page.get_by_label("居住状况").select_option(label="空巢")
    page.get_by_label("风险等级").select_option(label="中")  # no longer chosen for the worker
    page.get_by_label("特困人员（分散供养）").check()
    page.get_by_label("空巢老人").check()
    assert_no_horizontal_scroll(page)
    shot("household-form")
    page.get_by_role("button", name="登记").click()
    expect(page.locator(".messages")).to_contain_text("已登记新户及户主")
    expect(page.locator("#members tbody tr")).to_have_count(1)

    page.get_by_role("link", name="添加家庭成员").click()
    page.get_by_label("与户主关系").select_option(label="孙子女")
    page.get_by_label(re.compile("^姓名")).fill("李小明")
    page.get_by_label(re.compile("^身份证号")).fill(CHILD_ID)
    page.get_by_label("居住状况").select_option(label="留守")
    page.get_by_label("风险等级").select_option(label="低")
    page.get_by_label("留守儿童").check()
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#members tbody tr")).to_have_count(2)
    expect(page.locator("#members")).to_contain_text("445381********" + CHILD_ID[-4:])
    expect(page.locator("#members")).not_to_contain_text(CHILD_ID)
    assert_no_horizontal_scroll(page)
    shot("household")

    # find the child by the last 4 digits
    page.goto("/registry/")
    page.get_by_label("姓名或身份证号后4位").fill(CHILD_ID[-4:])
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#beneficiaries tbody tr")).to_have_count(1)
    expect(page.locator("#beneficiaries")).to_contain_text("李小明")
    assert_no_horizontal_scroll(page)
    # the counts per category load when opened: the fixture's 低保对象 A, and the two just registered
    page.locator("#counts summary").click()
    expect(page.locator("#counts #hardship")).to_have_text("2")
    expect(page.locator("#counts #by-category")).to_contain_text("留守儿童")
    shot("found")

    # export the filtered list: masked, with the exporter named
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel（脱敏）").click()
    path = tmp_path / "export.xlsx"
    download.value.save_as(path)
    rows = list(load_workbook(io.BytesIO(path.read_bytes())).active.iter_rows(values_only=True))
    flat = repr(rows)
    assert "李小明" in flat and "李大娘" not in flat and "worker_a" in flat
    assert CHILD_ID not in flat and "445381********" + CHILD_ID[-4:] in flat
    assert AuditEntry.objects.filter(action="export", actor=world.worker_a).exists()

    # the county officer reveals the full number; the reveal is in the audit log
    page.get_by_role("button", name="退出").click()
    login("county")
    child = Beneficiary.objects.get(name="李小明")
    page.goto(child.get_absolute_url())
    expect(page.locator("#id-number")).to_have_text("445381********" + CHILD_ID[-4:])
    page.get_by_role("button", name="查看完整号码").click()
    expect(page.locator("#id-number")).to_have_text(CHILD_ID)
    shot("revealed")
    page.goto("/audit/?action=reveal")
    expect(page.locator("main")).to_contain_text("李小明")
    expect(page.locator("main")).to_contain_text("county")
    assert_no_horizontal_scroll(page)
    assert re.search(r"查看完整号码", page.content())
