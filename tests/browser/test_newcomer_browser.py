"""Pages as a newcomer meets them, in a real browser: a household registered with 使用当前位置 on a phone; the
bureau's home and the 一览表 on a 1366 px desk, no word broken over two lines; coverage sorted by a click; a
visit record printed on A4 with nothing but the record."""

from __future__ import annotations

import re
import subprocess
from importlib import resources

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from shuangbai.core.models import Role, system_actor
from shuangbai.regions.models import Region
from shuangbai.regions.services import read_region_csv, regions_load
from shuangbai.registry.models import Household
from shuangbai.staff.accounts import user_create
from shuangbai.visits.services import visit_record
from tests.conftest import PASSWORD, id_number
from tests.stations.progress_fixture import YUNFU_2021, build_city

from .conftest import PHONE
from .test_org_browser import assert_assets_loaded, assert_no_horizontal_scroll

pytestmark = pytest.mark.browser
DESK = {"width": 1366, "height": 768}

# The lines a cell's text takes: the distinct tops of its text's boxes.
LINES_OF = """cell => {
  const range = document.createRange();
  range.selectNodeContents(cell);
  return new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top))).size;
}"""


@pytest.mark.parametrize("page", [PHONE], indirect=True, ids=["phone"])
def test_a_household_registered_with_the_phone_s_position(page: Page, browser_world, login, shot):
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 22.761234, "longitude": 111.569876, "accuracy": 12})
    login("worker_a")
    page.goto("/registry/households/new/")
    assert_assets_loaded(page)
    village = page.get_by_label("村（居）")
    village.select_option(value=village.locator("option", has_text="凤塘村").get_attribute("value"))
    page.get_by_label("住址").fill("凤塘村三巷8号")
    page.get_by_role("button", name="使用当前位置").click()
    expect(page.locator("[data-locate-status]")).to_contain_text("精度约12米")
    expect(page.get_by_label("纬度")).to_have_value("22.761234")
    expect(page.get_by_label("经度")).to_have_value("111.569876")
    # the phone's number pad, and no choice made for the worker
    assert page.get_by_label("户联系电话").get_attribute("type") == "tel"
    expect(page.get_by_label("居住状况")).to_have_value("")
    expect(page.get_by_label("风险等级")).to_have_value("")
    page.get_by_label("姓名：", exact=True).fill("黄婆婆")
    page.get_by_label("身份证号：", exact=True).fill(id_number("445381", "19380405", "022"))
    box = page.get_by_label("特困人员（分散供养）")
    height = box.locator("xpath=..").bounding_box()["height"]
    assert height >= 44, f"a category row is {height}px, under a thumb's 44px"
    box.check()
    page.get_by_label("居住状况").select_option(label="独居")
    page.get_by_label("风险等级").select_option(label="高")
    assert_no_horizontal_scroll(page)
    shot("household-form")
    page.get_by_role("button", name="登记").click()
    expect(page.locator("h1")).to_have_text("凤塘村三巷8号")
    household = Household.objects.get(address="凤塘村三巷8号")
    assert (float(household.latitude), float(household.longitude)) == (22.761234, 111.569876)
    shot("household")


@pytest.fixture
def yunfu_city(transactional_db):
    """Yunfu's 2021 construction records (seed 001) and a city user."""
    regions_load(
        read_region_csv(resources.files("shuangbai").joinpath("data/regions-yunfu.csv").read_bytes())
    )
    city = Region.objects.get(code="445300000000")
    user = user_create(
        actor=system_actor(), username="yfcity", password=PASSWORD, role=Role.CITY, scope_code=city.code
    )
    build_city(user, city, YUNFU_2021)
    user_create(
        actor=system_actor(), username="gd", password=PASSWORD, role=Role.PROVINCE, scope_code="440000000000"
    )
    return city


@pytest.mark.parametrize("page", [DESK], indirect=True, ids=["desk"])
def test_the_bureau_home_and_the_table_on_a_desk(page: Page, yunfu_city, login, shot):
    login("yfcity")
    expect(page.locator("h1")).to_contain_text("云浮市")
    assert_assets_loaded(page)
    assert_no_horizontal_scroll(page)
    menu = page.locator("header.top nav.bar")
    expect(menu.get_by_role("link", name="建设进度一览表")).to_be_visible()
    shot("bureau-home")

    menu.get_by_role("link", name="建设进度一览表").click()
    page.get_by_label("截至日期").fill("2021-08-09")
    page.get_by_role("button", name="生成").click()
    expect(page.locator("#table-title")).to_contain_text("云浮市2021年")
    cells = page.locator("#progress tbody th, #progress td.plan, #progress td.equipment, #progress td.num")
    assert cells.count() > 50
    broken = [
        text
        for text, lines in zip(
            cells.all_inner_texts(), cells.evaluate_all(f"cells => cells.map({LINES_OF})"), strict=True
        )
        if text.strip() and lines > 1
    ]
    assert not broken, f"words broken over lines at 1366 px: {broken}"
    expect(page.locator("#progress")).to_contain_text("已出台")
    assert_no_horizontal_scroll(page)
    shot("table-city")

    page.get_by_role("button", name="退出").click()
    login("gd")
    page.goto("/stations/progress/?region=440000000000&as_of=2021-08-09")
    name = page.locator('#progress tbody tr[data-region="445300000000"] th')
    expect(name).to_have_text("云浮市")
    assert name.evaluate(LINES_OF) == 1, "the province's table breaks 云浮市 over lines"
    shot("table-province")


@pytest.mark.parametrize("page", [DESK], indirect=True, ids=["desk"])
def test_coverage_sorts_by_a_click_and_a_visit_prints_alone_on_a4(
    page: Page, browser_world, login, shot, tmp_path
):
    world = browser_world
    visit = visit_record(
        actor=world.worker_a,
        household=world.household_a,
        visited_at=timezone.now(),
        workers=[world.staff_a],
        kind="home",
        health="血压偏高，按时服药",
        actions="联系村医上门测血压",
    )
    login("city")
    page.goto("/visits/coverage/?region=445300000000&period=month")
    table = page.locator("#children")
    names = table.locator("tbody tr td:first-child")
    heading = table.locator("thead th", has_text="在册")
    heading.get_by_role("button").click()
    expect(heading).to_have_attribute("aria-sort", "ascending")
    counts = [int(n) for n in table.locator("tbody tr td:nth-child(2)").all_inner_texts()]
    assert counts == sorted(counts) and counts[-1] == 2, counts  # 罗定市 holds the world's two people
    heading.get_by_role("button").click()
    expect(heading).to_have_attribute("aria-sort", "descending")
    expect(names.first).to_have_text("罗定市")
    expect(table.locator("tbody tr", has_text="罗定市")).not_to_have_class("zero")  # one of its two visited
    shot("coverage-sorted")

    page.get_by_role("button", name="退出").click()
    login("worker_a")
    page.goto(visit.get_absolute_url())
    expect(page.get_by_role("button", name="打印")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    expect(page.locator("nav.tabs")).to_be_hidden()
    pdf = tmp_path / "visit.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+1\n", pages), pages
    assert "血压偏高，按时服药" in text and "联系村医上门测血压" in text and world.staff_a.name in text
    for chrome in ("全部功能", "退出", "打印", "修改"):
        assert chrome not in text, f"{chrome} printed"


def _three_people(world):
    from tests.registry.helpers import register

    extra = [
        register(
            world.worker_a,
            "445381002201",
            name,
            id_number=id_number("445381", "19400101", f"{n:03d}"),
            categories=("dibao",),
        )
        for n, name in ((821, "甲婆婆"), (822, "乙伯伯"))
    ]
    return [world.beneficiary_a, *extra]


@pytest.mark.parametrize("page", [PHONE], indirect=True, ids=["phone"])
def test_an_activity_keeps_the_people_of_two_searches_and_enter_only_searches(
    page: Page, browser_world, login, shot
):
    from shuangbai.activities.models import Activity

    world = browser_world
    first, second, third = _three_people(world)
    login("worker_a")
    page.goto(f"/activities/new/?station={world.station_a.pk}")
    assert_assets_loaded(page)
    page.get_by_label("活动名称").fill("“兔开心，庆元宵”童趣小花灯主题活动")
    page.get_by_label("活动日期").fill(timezone.localdate().isoformat())
    page.locator("#id_kind input").first.check()
    page.locator("#id_theme input").first.check()
    search = page.locator("#people-q")
    search.fill("婆婆")
    page.locator("#people-found").get_by_label(re.compile("甲婆婆")).check()
    search.fill("伯伯")
    page.locator("#people-found").get_by_label(re.compile("乙伯伯")).check()
    search.fill(first.name)
    search.press("Enter")  # the phone's 搜索 key: searches, never saves the activity unfinished
    page.locator("#people-found").get_by_label(re.compile(first.name)).check()
    expect(page).to_have_url(re.compile(r"/activities/new/"))
    assert not Activity.objects.exists()
    chosen = page.locator("#people-chosen input:checked")
    expect(chosen).to_have_count(3)
    expect(page.locator("#people-count")).to_have_text("3")
    assert_no_horizontal_scroll(page)
    shot("activity-form")
    page.get_by_role("button", name="保存").click()  # 活动地点 and 参与人数 missing: refused, ticks kept
    expect(page.locator("#people-chosen input:checked")).to_have_count(3)
    page.get_by_label("活动地点").fill("凤塘村委")
    page.get_by_label("参与人数").fill("46")
    page.get_by_role("button", name="保存").click()
    expect(page).to_have_url(re.compile(r"/activities/\d+/$"))
    activity = Activity.objects.get()
    assert set(activity.people.values_list("pk", flat=True)) == {first.pk, second.pk, third.pk}
    shot("activity")


@pytest.mark.parametrize("page", [PHONE], indirect=True, ids=["phone"])
def test_three_people_handed_goods_at_once(page: Page, browser_world, login, shot):
    from shuangbai.assistance.models import HandOut, Holding
    from shuangbai.assistance.services import allocate, batch_receive
    from shuangbai.registry.models import Category

    world = browser_world
    people = _three_people(world)
    today = timezone.localdate()
    batch = batch_receive(
        actor=world.city,
        holder=Region.objects.get(code="445300000000"),
        item="健康包",
        unit="份",
        quantity=10,
        party="government",
        received_on=today,
        target_category=Category.objects.get(code="dibao"),
    )
    root = Holding.objects.get(batch=batch, parent__isnull=True)
    allocate(actor=world.city, source=root, target=world.station_a, quantity=6, on=today)

    login("worker_a")
    page.goto(batch.get_absolute_url())
    expect(page.locator("h1")).to_contain_text("素龙街道社工站库存 6份")
    expect(page.locator("#movements")).to_contain_text("素龙街道社工站")
    page.get_by_role("link", name="尚未领取名单").click()
    expect(page.locator("#pending-count")).to_have_text("3")
    for person in people:
        page.get_by_label(f"选择{person.name}").check()
    page.get_by_role("button", name="发放给所选").click()
    expect(page.locator("#people-chosen input:checked")).to_have_count(3)
    expect(page.locator("#picked-count")).to_have_text("3")
    page.get_by_label("每人数量").fill("2")
    page.get_by_label("签收说明").fill("村委会集中发放，本人签收")

    page.get_by_role("button", name="确认发放").click()
    expect(page.locator("ul.messages")).to_contain_text("每人2份健康包")
    expect(page.locator("#no-stock")).to_be_visible()  # 6 - 3 x 2 = 0: no form to fill in vain
    shot("handed-out-three")
    assert HandOut.objects.filter(batch=batch).count() == 3
    assert set(HandOut.objects.values_list("beneficiary_id", flat=True)) == {p.pk for p in people}
    page.goto(f"/assistance/batches/{batch.pk}/receipt/")
    expect(page.locator("#receipt tbody tr")).to_have_count(3)
    assert_no_horizontal_scroll(page)
    shot("receipt")


@pytest.mark.parametrize("page", [PHONE], indirect=True, ids=["phone"])
def test_a_tap_to_call_is_audited_before_the_phone_dials(page: Page, browser_world, login):
    from shuangbai.core.models import AuditEntry
    from shuangbai.registry.services import beneficiary_update

    world = browser_world
    person = world.beneficiary_a
    beneficiary_update(actor=world.worker_a, beneficiary=person, version=person.version, phone="13912345678")
    login("worker_a")
    page.goto(person.get_absolute_url())
    call = page.locator("#call")
    expect(call).to_have_attribute("href", "tel:13912345678")
    page.route("tel:*", lambda route: route.abort())  # no dialer here
    with page.expect_response(re.compile(r"/called/$")) as answer:
        call.click()
    assert answer.value.status == 204
    assert AuditEntry.objects.filter(object_repr=f"{person.name} 拨打电话", actor=world.worker_a).count() == 1
    expect(page.locator("#record-visit")).to_be_visible()  # 记录走访 on the person's page
