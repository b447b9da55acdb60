"""Coverage figures against the hand-checked programme of coverage_fixture (its table is the working).

Every expected number below was counted by hand from that table; none is computed by the code under test.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Q

from shuangbai.regions.models import Region
from shuangbai.visits import coverage as cov
from tests.visits.coverage_fixture import FEB, JAN, LUODING, SULONG, YUNCHENG, YUNFU, build

TODAY = date(2026, 11, 22)


@pytest.fixture
def data(world):
    return build(world)


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def jan():
    return cov.month_period(2025, 1)


def feb():
    return cov.month_period(2025, 2)


def f(figures: cov.Figures) -> tuple:
    """(registered, visited, served, [overdue level 1, 2, 3, 4])"""
    return figures.registered, figures.visited, figures.served, figures.overdue_counts


def by_name(table: cov.CoverageTable) -> dict[str, cov.CoverageRow]:
    return {row.name: row for row in table.children}


# ------------------------------------------------------------------------------------------------ figures


def test_the_city_in_january_by_county(world, data):
    table = cov.coverage_table(world.city, region(YUNFU), jan(), today=TODAY)

    # In the register in January: all 40 but B6 (registered 02-20); A5 (exit 01-15) counts, A9 (merged) not.
    # Visited at home: A1 A2 A6 A8 · B1 B2 B3 · C1 C2 C4-C8 = 14. Served: those + A3 (phone), A11 A12 (video).
    # Overdue on 01-31 (floors: L1 01-28, L2 01-24, L3 01-01, L4 2024-12-02 with 云浮's 60 days):
    # L1 A1 B4; L2 A3 A11 C3; L3 A12, B7-B16, C9-C13; L4 A7 B5.
    assert f(table.node.total) == (39, 14, 17, [2, 3, 16, 2])
    # 困难群众: A1 A3 A4 A5 A7 A8 A11, B1 B2 B4 B7 B9 B11 B13 B15, C1 C2 C4-C13.
    assert f(table.node.hardship) == (27, 11, 13, [2, 2, 10, 1])
    # 特殊群体: A2 A3 A6 A10 A12, B3 B5 B8 B10 B12 B14 B16, C3 (A3 is in both).
    assert f(table.node.special) == (13, 3, 5, [0, 2, 6, 1])
    assert table.as_of == date(2025, 1, 31)
    assert table.child_label == "县（市、区）"

    rows = by_name(table)
    assert [row.name for row in table.children] == ["云城区", "云安区", "新兴县", "郁南县", "罗定市"]
    assert f(rows["罗定市"].total) == (26, 7, 10, [2, 2, 11, 2])
    assert f(rows["罗定市"].hardship)[:3] == (15, 4, 6)
    assert f(rows["罗定市"].special)[:3] == (12, 3, 5)
    assert f(rows["云城区"].total) == (13, 7, 7, [0, 1, 5, 0])
    assert f(rows["云城区"].hardship)[:3] == (12, 7, 7)
    assert f(rows["云城区"].special)[:3] == (1, 0, 0)
    assert f(rows["云安区"].total) == (0, 0, 0, [0, 0, 0, 0])
    assert rows["云安区"].total.visit_rate is None and rows["云安区"].total.visit_percent == "—"
    assert rows["云城区"].total.visit_percent == "53.8%"  # 7 / 13


def test_february_counts_the_exit_and_the_late_registration_and_the_overdue_from_registration(world, data):
    table = cov.coverage_table(world.city, region(YUNFU), feb(), today=TODAY)

    # In the register: all but A5 (exited in January); B6 (registered 02-20) counts, never visited in 02-20..28.
    # Visited: A1 A2 A4 A11 A12 · B1-B4 B7-B12 = 15; served: + C3 (escort) = 16.
    # Overdue on 02-28 (floors L1 02-25, L2 02-21, L3 01-29, L4 2024-12-30): L2 A3 A11 C3; L3 A6 A8 A10 (counted
    # from its registration 01-28), B13-B16, C1 C2 C4-C13; L4 A7 B5. B4 (last visit 02-25) and B6 are not.
    assert f(table.node.total) == (39, 15, 16, [0, 3, 19, 2])
    assert f(table.node.hardship) == (27, 9, 9, [0, 2, 15, 1])
    assert f(table.node.special) == (13, 6, 7, [0, 2, 4, 1])


def test_a_county_drills_down_to_its_towns(world, data):
    table = cov.coverage_table(world.county, region(LUODING), feb(), today=TODAY)

    assert table.child_label == "镇（街）"
    assert len(table.children) == 21
    rows = by_name(table)
    assert f(rows["罗城街道"].total) == (16, 10, 10, [0, 0, 4, 1])
    assert f(rows["素龙街道"].total) == (10, 5, 5, [0, 2, 3, 1])
    assert f(rows["附城街道"].total) == (0, 0, 0, [0, 0, 0, 0])
    assert f(table.node.total) == (26, 15, 15, [0, 2, 7, 2])


def test_a_town_drills_down_to_its_points_and_the_station_s_own_people(world, data):
    table = cov.coverage_table(world.county, region(SULONG), jan(), today=TODAY)

    assert table.child_label == "社工点"
    # 规划点 (a planned point, nobody yet) sorts first by its code (the town's), 站本部 (新村) comes last.
    assert [row.name for row in table.children] == ["规划点", "A点", "站本部（未分配社工点）"]
    rows = by_name(table)
    assert f(rows["规划点"].total) == (0, 0, 0, [0, 0, 0, 0])
    # A点: A1-A8 and A10 = 9; visited A1 A2 A6 A8; served + A3; overdue A1 (L1), A3 (L2), A7 (L4).
    assert f(rows["A点"].total) == (9, 4, 5, [1, 1, 0, 1])
    # 新村: A11, A12, served by the January video visit only; overdue A11 (L2), A12 (L3).
    assert f(rows["站本部（未分配社工点）"].total) == (2, 0, 2, [0, 1, 1, 0])
    assert rows["站本部（未分配社工点）"].point_param == cov.STATION_BASE
    assert rows["A点"].point_param == str(world.point_a.pk)


def test_a_point_and_the_station_s_own_people_are_leaves(world, data):
    point = cov.coverage_table(world.county, region(SULONG), jan(), point=world.point_a, today=TODAY)
    assert point.is_leaf and point.children == []
    assert point.node.name == "A点"
    assert f(point.node.total) == (9, 4, 5, [1, 1, 0, 1])

    own = cov.coverage_table(world.county, region(SULONG), jan(), station_base=True, today=TODAY)
    assert own.is_leaf
    assert f(own.node.total) == (2, 0, 2, [0, 1, 1, 0])


def test_two_months_count_each_person_once_over_their_own_window(world, data):
    period = cov.dates_period(JAN[0], FEB[1])
    table = cov.coverage_table(world.city, region(YUNFU), period, today=TODAY)
    # All 40 in the register at some time. Not visited: A3 A5 A7 A10, B5 B6 B13-B16, C3 C9-C13 = 16.
    # Served but not visited: A3 (phone), C3 (escort).
    assert f(table.node.total)[:3] == (40, 24, 26)
    assert f(by_name(table)["云城区"].total)[:3] == (13, 7, 8)


def test_a_visit_before_registration_or_after_exit_does_not_count(world, data):
    """A4 (registered 01-20; home visit 01-05) and A10 (registered 01-28; visit 01-25) are not visited in
    January; A5 (exit 01-15; visit 01-20) neither, while A6 of the same household is."""
    missed = cov.missed_people(world.county, region(SULONG), jan())
    names = list(missed.values_list("name", flat=True))
    assert names == ["A3", "A4", "A5", "A7", "A10", "A11", "A12"]
    assert "A6" not in names and "A8" not in names


def test_a_merged_record_never_counts(world, data):
    assert data.people["A9"].merged_into_id is None  # the object as registered; the database has it merged
    names = list(cov.missed_people(world.county, region(SULONG), feb()).values_list("name", flat=True))
    # February: HH6 (A8, A10; A9 merged into A8) has no visit; A9 is nowhere.
    assert names == ["A3", "A6", "A7", "A8", "A10"]


def test_the_missed_list_by_umbrella_and_point_and_last_home_visits(world, data):
    special = cov.missed_people(world.county, region(SULONG), jan(), umbrella="special")
    assert list(special.values_list("name", flat=True)) == ["A3", "A10", "A12"]
    own = cov.missed_people(world.county, region(SULONG), jan(), station_base=True)
    assert list(own.values_list("name", flat=True)) == ["A11", "A12"]

    households = data.households
    last = cov.last_home_visits([households[n].pk for n in (2, 3, 4, 6, 7)], date(2025, 1, 31))
    assert last == {
        households[3].pk: date(2025, 1, 5),
        households[4].pk: date(2025, 1, 20),
        households[6].pk: date(2025, 1, 25),
    }


def test_the_figures_are_scoped(world, data):
    # worker_b sees station B alone, whatever node is asked.
    table = cov.coverage_table(world.worker_b, region(YUNFU), jan(), today=TODAY)
    assert f(table.node.total)[:3] == (15, 3, 3)
    assert cov.default_region(world.worker_b).code == "445381001000"
    assert cov.default_region(world.city).code == YUNFU


def test_a_registered_service_source_counts_as_served(world, data):
    a7 = data.people["A7"]

    def casework(period):  # what the casework module will register: here, "A7 had a case note"
        return Q(pk=a7.pk)

    cov.register_service_source(casework)
    try:
        table = cov.coverage_table(world.city, region(YUNFU), jan(), today=TODAY)
    finally:
        cov.SERVICE_SOURCES.remove(casework)
    assert f(table.node.total)[:3] == (39, 14, 18)
    assert f(cov.coverage_table(world.city, region(YUNFU), jan(), today=TODAY).node.total)[:3] == (39, 14, 17)


def test_the_json_of_a_table(world, data):
    table = cov.coverage_table(world.county, region(SULONG), jan(), today=TODAY)
    data_ = table.as_dict()
    assert data_["region"] == {"code": SULONG, "name": "素龙街道", "level": "town"}
    assert data_["period"] == {
        "from": "2025-01-01",
        "to": "2025-01-31",
        "label": "2025年1月",
        "overdue_as_of": "2025-01-31",
    }
    own = data_["children"][-1]
    assert own["code"] == "none" and own["name"] == "站本部（未分配社工点）"
    assert own["registered"] == 2 and own["visited"] == 0 and own["served"] == 2
    assert own["visit_rate"] == 0.0 and own["service_rate"] == 1.0
    assert own["overdue"] == {"1": 0, "2": 1, "3": 1, "4": 0}
    assert own["hardship"]["registered"] == 1 and own["special"]["registered"] == 1
    assert data_["children"][0]["visit_rate"] is None  # 规划点: nobody


# ------------------------------------------------------------------------------------------- two coverages


def test_two_coverages_of_the_city(world, data):
    period = cov.dates_period(JAN[0], FEB[1])
    result = cov.two_coverages(world.city, region(SULONG), period, today=TODAY)

    assert result.city.name == "云浮市"
    rows = {row.region.name: row for row in result.counties}
    assert list(rows) == ["云城区", "云安区", "新兴县", "郁南县", "罗定市"]
    luoding = rows["罗定市"]
    assert (luoding.towns, luoding.towns_with_station) == (21, 2)
    assert luoding.station_percent == "9.5%"
    assert (luoding.points_planned, luoding.points_built) == (3, 2)  # A点, B点 and the planned 规划点
    assert len(luoding.towns_without) == 19 and luoding.towns_without[:2] == ["附城街道", "双东街道"]
    assert luoding.station_gap.startswith("未建站：附城街道、双东街道、罗镜镇、")
    assert (luoding.service.registered, luoding.service.served) == (27, 18)
    assert luoding.service_gap == "未获服务：9人"
    yuncheng = rows["云城区"]
    assert (yuncheng.towns, yuncheng.towns_with_station, yuncheng.points_planned, yuncheng.points_built) == (
        8,
        1,
        1,
        1,
    )
    assert yuncheng.station_gap == "未建站：云城街道、河口街道、安塘街道、腰古镇、思劳镇、前锋镇、南盛镇"
    assert yuncheng.service_gap == "未获服务：5人"
    yunan = rows["云安区"]
    assert yunan.service.registered == 0 and yunan.service.service_percent == "—" and yunan.service_gap == ""
    total = result.total
    assert (total.towns, total.towns_with_station, total.points_planned, total.points_built) == (63, 3, 4, 3)
    assert (total.service.registered, total.service.served) == (40, 26)


def test_two_coverages_for_a_station_user_count_only_what_they_see(world, data):
    period = cov.dates_period(JAN[0], FEB[1])
    result = cov.two_coverages(world.worker_b, region("445381001000"), period, today=TODAY)
    assert [row.region.name for row in result.counties] == ["罗定市"]
    row = result.counties[0]
    assert (row.towns, row.towns_with_station, row.points_planned, row.points_built) == (1, 1, 1, 1)
    assert (row.service.registered, row.service.served) == (16, 10)
    assert row.station_gap == "" and row.service_gap == "未获服务：6人"


def test_two_coverages_need_a_city(world):
    with pytest.raises(ValidationError):
        cov.two_coverages(world.province, region("440000000000"), cov.month_period(2025, 1))
    assert cov.city_of_region(region(YUNCHENG)).code == YUNFU


# ------------------------------------------------------------------------------------------------ periods


@pytest.mark.parametrize(
    ("params", "start", "end", "label"),
    [
        ({}, date(2026, 11, 1), date(2026, 11, 30), "2026年11月"),
        ({"period": "month", "month": "2023-01"}, date(2023, 1, 1), date(2023, 1, 31), "2023年1月"),
        ({"period": "month", "month": "2024-2"}, date(2024, 2, 1), date(2024, 2, 29), "2024年2月"),
        (
            {"period": "quarter", "year": "2023", "quarter": "1"},
            date(2023, 1, 1),
            date(2023, 3, 31),
            "2023年第1季度",
        ),
        (
            {"period": "quarter", "year": "2023", "quarter": "4"},
            date(2023, 10, 1),
            date(2023, 12, 31),
            "2023年第4季度",
        ),
        ({"period": "year", "year": "2023"}, date(2023, 1, 1), date(2023, 12, 31), "2023年"),
        (
            {"period": "dates", "from": "2023-01-01", "to": "2023-02-15"},
            date(2023, 1, 1),
            date(2023, 2, 15),
            "2023年1月1日至2023年2月15日",
        ),
    ],
)
def test_periods(params, start, end, label):
    period = cov.parse_period(params, today=TODAY)
    assert (period.start, period.end, period.label) == (start, end, label)
    assert cov.parse_period(dict(period.params), today=TODAY) == period


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"period": "dates", "from": "2023-02-15", "to": "2023-01-01"}, "结束日期不能早于开始日期。"),
        ({"period": "dates", "from": "2023-02-15"}, "请填写开始日期和结束日期。"),
        ({"period": "dates", "from": "2023/02/15", "to": "2023-03-01"}, "开始日期格式应为“2023-01-01”。"),
        ({"period": "month", "month": "2023-13"}, "月份格式应为“2023-01”。"),
        ({"period": "quarter", "year": "2023", "quarter": "5"}, "季度应为 1 至 4。"),
        ({"period": "year", "year": "23"}, "年份应为四位数字，如“2023”。"),
        ({"period": "year", "year": "1999"}, "年份应在2000年至2026年之间。"),
        ({"period": "week"}, "时段类型无效：请选择按月、按季度、按年或自定义日期。"),
        (
            {"period": "month", "month": "2026-12"},
            "所选时段尚未开始（2026年12月1日开始），还没有可统计的数据。",
        ),
    ],
)
def test_bad_periods_are_refused_in_chinese(params, message):
    with pytest.raises(ValidationError) as error:
        cov.parse_period(params, today=TODAY)
    assert error.value.messages == [message]


def test_the_overdue_day_of_a_running_period_is_today():
    assert cov.month_period(2026, 11).as_of(TODAY) == TODAY
    assert cov.month_period(2026, 10).as_of(TODAY) == date(2026, 10, 31)
