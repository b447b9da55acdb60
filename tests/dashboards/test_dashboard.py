"""The dashboard and the data screen: each figure equals the page it links to, on a programme counted by hand;
the viewer and the province see counts only.

The programme, on top of the `world` fixture (whose people are registered today), in 罗定市 (the county user's
scope), this month:

    素龙街道 (station A)   对象A (低保) home visit today; 高危甲 (一级, registered 30 days ago, never visited)
    罗城街道 (station B)   对象B (低保) phone visit today; a recommendation of station B past its deadline

The county's bureau received 100 棉被 40 days ago and 100 健康包 5 days ago, and has moved neither.

So the county has 3 people in register, 1 visited at home (33.3%), 2 served (66.7%), 2 visits; 素龙街道 50.0%
and 罗城街道 0.0%, both under the 90% warning line; 高危甲 is overdue by more than twice 3 days.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from shuangbai.assistance.services import batch_receive
from shuangbai.dashboards import selectors
from shuangbai.regions.models import Region
from shuangbai.registry.models import Category
from shuangbai.registry.services import household_register
from shuangbai.stations.figures import station_figures
from shuangbai.supervision.catalogue import seed_check_items
from shuangbai.supervision.models import CheckItem
from shuangbai.supervision.services import inspection_record
from shuangbai.visits.coverage import coverage_table, month_period
from shuangbai.visits.services import visit_record
from tests.conftest import id_number

COUNTY = "445381000000"
HIGH_RISK_NAME = "高危甲"


def build_programme(world):
    """The programme of the module's docstring (the browser tests build it too)."""
    today = timezone.localdate()
    visit_record(
        actor=world.worker_a,
        household=world.household_a,
        visited_at=timezone.now(),
        workers=[world.staff_a],
        kind="home",
    )
    visit_record(
        actor=world.worker_b,
        household=world.household_b,
        visited_at=timezone.now(),
        workers=[world.staff_b],
        kind="phone",
    )
    world.high_risk = household_register(
        actor=world.county,
        village=Region.objects.get(code="445381002201"),
        address="凤塘村2号",
        head={
            "name": HIGH_RISK_NAME,
            "id_number": id_number("445381", "19400101", "771"),
            "categories": [Category.objects.get(code="dibao")],
            "registered_on": today - timedelta(days=30),
            "follow_up_level": 1,
        },
    ).members.get()
    seed_check_items(CheckItem)
    inspection_record(
        actor=world.county,
        station=world.station_b,
        kind="inspection",
        visited_on=today - timedelta(days=20),
        team="罗定市民政局",
        methods=["site"],
        recommendations=[("完善台账", today - timedelta(days=5)), ("加强培训", None)],
    )
    county = Region.objects.get(code=COUNTY)
    for item, days in (("棉被", 40), ("健康包", 5)):
        batch_receive(
            actor=world.county,
            holder=county,
            item=item,
            unit="份",
            quantity=100,
            party="government",
            received_on=today - timedelta(days=days),
        )
    world.month = month_period(today.year, today.month)
    return world


@pytest.fixture
def programme(world):
    return build_programme(world)


def _query(world) -> str:
    return f"region={COUNTY}&{world.month.query}"


def _text(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.S)
    assert found, f"no #{element_id} on the page"
    return re.sub(r"<[^>]+>", "", found[1]).strip()


def test_the_selector_counts_the_programme_by_hand(programme):
    board = selectors.dashboard(programme.county, Region.objects.get(code=COUNTY), programme.month)
    node = board.table.node.total
    assert (node.registered, node.visited, node.served) == (3, 1, 2)
    assert board.visits == 2
    # the county's other 19 towns have nobody in the register: left out of the ranking, counted apart
    assert board.empty_children == len(board.table.children) - 2 > 0
    assert [(row.name, row.total.visit_percent) for row in board.ranking()] == [
        ("素龙街道", "50.0%"),
        ("罗城街道", "0.0%"),
    ]
    assert {row.name for row in board.attention.below_warning} == {"素龙街道", "罗城街道"}
    assert [(r.station, r.n) for r in board.attention.high_risk_overdue] == [(programme.station_a, 1)]
    assert [p.name for p in board.attention.high_risk_people] == [HIGH_RISK_NAME]
    assert [(r.station, r.n) for r in board.attention.recommendations_late] == [(programme.station_b, 1)]
    assert (board.recommendations_open, board.recommendations_late) == (2, 1)
    # only the 棉被 has lain for over 30 days; its stock is the batch page's
    assert [(r.batch.item, r.stock) for r in board.attention.idle_stock] == [("棉被", 100)]
    assert [(b.item, b.quantity, b.handed_out) for b in board.batches] == [
        ("健康包", 100, None),
        ("棉被", 100, None),
    ]
    # staff in post: 社工A, 社工B, 站长甲 and the county's supervisor
    assert (board.sites.stations_built, board.sites.points_built, board.sites.staff_in_post) == (2, 2, 4)
    # the trend's last month is the period itself, and each month is the coverage page's figure
    assert board.trend[-1].month == programme.month
    assert board.trend[-1].figures["total"].visited == 1
    assert board.trend[-1].visits == 2 and board.trend[-1].home_visits == 1


def test_each_figure_equals_the_page_it_links_to(client, programme):
    client.force_login(programme.county)
    page = client.get(f"/dashboard/?{_query(programme)}").content.decode()

    coverage = client.get(f"/visits/coverage/?{_query(programme)}").content.decode()
    assert _text(page, "kpi-visit-rate") == _text(coverage, "total-visit-rate") == "33.3%"
    assert f"/visits/coverage/?{_query(programme).replace('&', '&amp;')}" in page

    month = programme.month
    figures_url = f"/stations/figures/?region={COUNTY}&from={month.start}&to={month.end}"
    assert figures_url.replace("&", "&amp;") in page
    figures = client.get(figures_url).content.decode()
    shown = re.search(r'data-key="visits.count"><th>[^<]*</th><td class="num"><b>(\d+)</b>', figures)
    assert _text(page, "kpi-visits") == shown[1] == "2"

    # the children's table: each town's rate is the coverage page's row for it
    table = coverage_table(programme.county, Region.objects.get(code=COUNTY), month)
    for row in table.children:
        assert f">{row.total.visit_percent}<" in page
    assert _text(page, "kpi-registered") == str(table.node.total.registered) == "3"

    # each figure section equals the station figures of the node and period
    expected = station_figures(Region.objects.get(code=COUNTY), month.start, month.end)
    for key in ("visits.count", "visits.home", "registry.new"):
        assert re.search(rf'data-key="{re.escape(key)}">{expected.value(key)}<', page), key

    assert _text(page, "recommendations-open").startswith("2")
    assert "素龙街道（50.0%）" in page and "罗城街道（0.0%）" in page
    idle = re.search(r'id="att-stock">.*?href="(/assistance/batches/\d+/)">[^<]*棉被 (\d+)份', page, re.S)
    batch_page = client.get(idle[1]).content.decode()
    assert idle[2] == "100" and ">100<" in batch_page
    assert HIGH_RISK_NAME in page  # the county may see people


def test_the_home_of_bureaus_and_the_viewer_is_the_dashboard(client, programme):
    for user in (programme.county, programme.city, programme.province, programme.viewer):
        client.force_login(user)
        response = client.get("/")
        assert response.templates[0].name == "dashboards/dashboard.html", user
        assert b'id="dashboard-data"' in response.content
    client.force_login(programme.worker_a)
    assert client.get("/").templates[0].name == "home/today.html"


@pytest.mark.parametrize("role", ["viewer", "province"])
def test_the_viewer_and_the_province_see_counts_only(client, programme, role):
    user = getattr(programme, role)
    client.force_login(user)
    urls = [
        "/",
        f"/dashboard/?{_query(programme)}",
        f"/dashboard/?region=445300000000&{programme.month.query}",
        f"/dashboard/screen/?{_query(programme)}",
        f"/dashboard/screen/data/?{_query(programme)}",
    ]
    names = [HIGH_RISK_NAME, "对象A", "对象B", "社工A", "社工B", "凤塘村2号", "A巷1号"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for name in names:
            assert name not in body, (role, url, name)
    # the count is there all the same
    board = selectors.dashboard(user, Region.objects.get(code=COUNTY), programme.month)
    assert board.attention.high_risk_total == 1 and board.attention.high_risk_people is None


def test_the_screen_and_its_json(client, programme):
    client.force_login(programme.viewer)
    page = client.get(f"/dashboard/screen/?{_query(programme)}")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="top"' not in html  # no menus on the wall
    assert "/static/vendor/echarts/echarts.min.js" in html
    data = client.get(f"/dashboard/screen/data/?{_query(programme)}").json()
    assert data["headline"]["registered"] == 3
    assert data["headline"]["visit_rate"] == 33.3
    assert data["ranking"]["total"]["names"] == ["素龙街道", "罗城街道"]
    assert data["ranking"]["total"]["visit"] == [50.0, 0.0]
    assert sorted((row["name"], row["stations"], row["points"]) for row in data["stations"]) == [
        ("素龙街道", 1, 1),
        ("罗城街道", 1, 1),
    ]
    embedded = re.search(r'<script id="screen-data" type="application/json">(.*?)</script>', html, re.S)
    assert json.loads(embedded[1])["headline"] == {**data["headline"]}


def test_outside_the_scope_is_404_and_bad_periods_are_answered(client, programme):
    client.force_login(programme.county)
    assert client.get("/dashboard/?region=445302000000").status_code == 404
    assert client.get("/dashboard/screen/data/?region=445302000000").status_code == 404
    response = client.get(f"/dashboard/?region={COUNTY}&period=month&month=2023-13")
    assert response.status_code == 200
    assert "月份格式" in _text(response.content.decode(), "period-error")


def test_echarts_is_not_loaded_on_the_workers_pages(client, programme):
    client.force_login(programme.worker_a)
    for url in ("/", "/visits/due/", "/registry/"):
        assert b"echarts" not in client.get(url).content, url


def test_the_trend_covers_twelve_months_ending_with_the_period():
    months = selectors.trend_months(month_period(2023, 2))
    assert len(months) == 12
    assert (months[0].start, months[-1].end) == (date(2022, 3, 1), date(2023, 2, 28))


def test_the_warning_line_is_the_settings(programme, settings):
    settings.COVERAGE_WARNING_PERCENT = 40
    board = selectors.dashboard(programme.county, Region.objects.get(code=COUNTY), programme.month)
    assert [row.name for row in board.attention.below_warning] == ["罗城街道"]  # 素龙街道's 50% is above 40%
    assert selectors.chart_data(board)["warning"] == 40.0


def test_the_high_risk_count_links_to_its_list(client, programme):
    client.force_login(programme.county)
    page = client.get(f"/dashboard/?{_query(programme)}").content.decode()
    link = re.search(r'id="high-risk-list" href="([^"]+)">全部名单（(\d+)人）', page)
    listing = client.get(link[1].replace("&amp;", "&")).content.decode()
    assert link[2] == _text(listing, "total") == "1"
    assert HIGH_RISK_NAME in listing and "从未入户" in listing
    for role in ("viewer", "province"):
        client.force_login(getattr(programme, role))
        assert client.get(f"/dashboard/high-risk/?region={COUNTY}").status_code == 404
