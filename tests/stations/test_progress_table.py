"""The 2021-08-09 progress table of seed 001, produced from records built through the services."""

from __future__ import annotations

import io
from datetime import date
from importlib import resources

import pytest
from django.db import connection, transaction
from openpyxl import load_workbook

from shuangbai.core.models import Role, User, system_actor
from shuangbai.regions.models import Region
from shuangbai.regions.services import RegionRow, read_region_csv, regions_load
from shuangbai.staff.accounts import user_create
from shuangbai.stations.exports import progress_workbook
from shuangbai.stations.models import EquipmentItem, EquipmentStatus, equipment_status
from shuangbai.stations.progress import progress_table
from shuangbai.stations.services import equipment_record, progress_report_record, station_create

from .progress_fixture import YUNFU_2021, build_city

AS_OF = date(2021, 8, 9)
# seed 001's table, row by row: plan; stations planned, built, office, equipment, staff; points the same;
# coordination, management, funding, trainings
SEED_ROWS = [
    ["云城区", "已出台", 8, 8, 8, "基本配备", 16, 19, 19, 19, "基本配备", 47, "是", "否",
     "正在测算费用，拟报区政府。", "1次"],
    ["云安区", "已出台", 7, 7, 7, "基本配备", 14, 17, 17, 17, "基本配备", 42, "是", "否",
     "已落实，165.7万元。", "1次"],
    ["罗定市", "已出台", 21, 21, 21, "基本配备", 28, 50, 50, 50, "未配备齐全", 131, "是", "否",
     "正在测算费用，拟报市政府。", "3次"],
    ["新兴县", "已出台", 12, 12, 12, "基本配备", 24, 30, 30, 30, "基本配备", 82, "是", "否",
     "测算县本级经费约232.92万元,已报请县政府审定。目前进入签批环节。", "1次"],
    ["郁南县", "已出台", 15, 15, 15, "基本配备", 30, 30, 30, 30, "基本配备", 62, "是", "否", "已落实。", "2次"],
    ["市本级", "已出台", "", "", "", "", "", "", "", "", "", "", "是", "是",
     "已落实。2021年已下拨市级经费161万元，其他相关费用按财政意见据实申报。", "2次"],
    ["合计", "", 63, 63, 63, "", 112, 146, 146, 146, "", 350, "", "", "", "10次"],
]  # fmt: skip


def _cells(row) -> list:
    from shuangbai.stations.exports import row_cells

    return row_cells(row, total=row.label == "合计")


@pytest.fixture(scope="module")
def yunfu_records(django_db_setup, django_db_blocker):
    """Yunfu's 2021 records, built once for the module (about 10 s) and rolled back at its end; each test runs
    in a savepoint inside, so what one test adds the next does not see."""
    with django_db_blocker.unblock(), transaction.atomic():
        regions_load(
            read_region_csv(resources.files("shuangbai").joinpath("data/regions-yunfu.csv").read_bytes())
        )
        city = Region.objects.get(code="445300000000")
        actor = user_create(
            actor=system_actor(),
            username="yfcity",
            password="x-long-password-1",
            role=Role.CITY,
            scope_code=city.code,
        )
        sites = build_city(actor, city, YUNFU_2021)
        connection.check_constraints()  # PostgreSQL's deferred foreign keys, once here
        yield actor, city, sites
        transaction.set_rollback(True)


@pytest.fixture
def yunfu(yunfu_records, db) -> tuple[User, Region, dict]:
    return yunfu_records


def test_the_seed_table_comes_out_of_the_records(yunfu):
    _, city, _ = yunfu
    table = progress_table(city, AS_OF)
    assert table.title == "云浮市2021年“双百工程”社工站（点）建设进度情况一览表"
    assert table.unit == "云浮市民政局"
    assert [_cells(row) for row in [*table.rows, table.total]] == SEED_ROWS


def test_the_xlsx_looks_like_the_original(yunfu):
    _, city, _ = yunfu
    table = progress_table(city, AS_OF)
    book = load_workbook(io.BytesIO(progress_workbook(table, table.rows)))
    sheet = book.active
    assert sheet["A1"].value == table.title
    assert sheet["A2"].value == "制表单位：云浮市民政局"
    assert sheet["I2"].value == "时间：2021年8月9日"
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A1:P1", "A3:A4", "B3:B4", "C3:G3", "H3:L3", "M3:M4", "N3:N4", "O3:O4", "P3:P4"} <= merged
    assert sheet["C3"].value == "社工站" and sheet["H3"].value == "社工点"
    assert [sheet.cell(4, c).value for c in range(3, 13)] == [
        "应建社工站数量", "已完成社工站数量", "落实办公场所数量", "设备设施情况", "人员配备数量",
        "应建社工点数量", "已完成社工点数量", "落实办公场所数量", "设备设施情况", "人员配备数量",
    ]  # fmt: skip
    values = [
        [cell.value if cell.value is not None else "" for cell in row] for row in sheet.iter_rows(5, 11)
    ]
    assert values == SEED_ROWS
    notes = [sheet.cell(r, 1).value for r in range(13, 16)]
    assert notes[0].startswith("备注：1.设备设施情况") and notes[2].startswith("3.开展社工业务培训情况")
    assert "A13:P13" in merged


def test_history_keeps_the_2021_table_after_later_records(yunfu):
    actor, city, sites = yunfu
    worst = sites["罗定市"][1][0]  # the county's point with 3 items missing
    before = progress_table(city, AS_OF)
    # 2022: the point gets everything, the county's funding is approved, a new station is built
    equipment_record(actor=actor, station=worst.station, point=worst, items=EquipmentItem.values,
                     effective_on=date(2022, 3, 1))  # fmt: skip
    progress_report_record(
        actor=actor,
        region=city.children.get(name="云城区"),
        effective_on=date(2022, 5, 1),
        plan_issued=True,
        coordination=True,
        management=True,
        funding_requested=True,
        funding_approved=True,
    )
    after = progress_table(city, AS_OF)
    assert [_cells(r) for r in after.rows] == [_cells(r) for r in before.rows]
    later = progress_table(city, date(2022, 6, 1))
    luoding = next(r for r in later.rows if r.label == "罗定市")
    # the other two incomplete points of 罗定市 (1 and 5 missing) still make it 未配备齐全
    assert luoding.points.equipment == "未配备齐全"
    yuncheng = next(r for r in later.rows if r.label == "云城区")
    assert (yuncheng.management, yuncheng.funding) == ("是", "已落实。")
    assert later.total.trainings == 0  # 2022's own year: none held yet


def test_a_station_built_after_the_date_is_not_counted(yunfu):
    actor, city, _ = yunfu
    # every town of 罗定市 has its station: a new (fictional) town gets one built in January 2022
    regions_load([RegionRow(2, "445381999000", "新建镇", "445381000000", "town")], fictional=True)
    town = Region.objects.get(code="445381999000")
    station_create(actor=actor, town=town, planned_year=2022, built_on=date(2022, 1, 10))
    row = lambda day: next(r for r in progress_table(city, day).rows if r.label == "罗定市")  # noqa: E731
    assert (row(AS_OF).stations.planned, row(AS_OF).stations.built) == (21, 21)
    assert (row(date(2022, 1, 9)).stations.planned, row(date(2022, 1, 9)).stations.built) == (22, 21)
    assert row(date(2022, 1, 10)).stations.built == 22
    # before the 2021 stations were built, nothing was
    assert row(date(2021, 6, 30)).stations.built == 0


@pytest.mark.parametrize(
    ("missing", "status"),
    [
        (0, EquipmentStatus.FULL),
        (1, EquipmentStatus.BASIC),
        (2, EquipmentStatus.BASIC),
        (3, EquipmentStatus.INCOMPLETE),
        (8, EquipmentStatus.INCOMPLETE),
    ],
)
def test_the_equipment_rule_at_its_boundaries(missing, status):
    assert equipment_status(missing) == status


def test_the_command_line_writes_the_xlsx_and_json(yunfu, tmp_path):
    import json

    from django.core.management import call_command

    out = io.StringIO()
    target = tmp_path / "一览表.xlsx"
    call_command("report", "progress-table", "--city", "445300000000", "--as-of", "2021-08-09", "-o", str(target),
                 stdout=out)  # fmt: skip
    sheet = load_workbook(target).active
    assert [
        [c.value if c.value is not None else "" for c in row] for row in sheet.iter_rows(5, 11)
    ] == SEED_ROWS
    out = io.StringIO()
    call_command("report", "progress-table", "--city", "4453", "--as-of", "2021-08-09", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["as_of"] == "2021-08-09" and data["trainings_from"] == "2021-01-01"
    assert data["total"]["points"] == {
        "planned": 146,
        "built": 146,
        "office": 146,
        "equipment": None,
        "staff": 350,
    }
    luoding = next(row for row in data["rows"] if row["name"] == "罗定市")
    assert luoding["points"]["equipment"] == "未配备齐全" and luoding["trainings"] == 3
    assert data["rows"][-1]["stations"] is None  # 市本级 has no sites
    text = io.StringIO()
    call_command("report", "progress-table", "--city", "445300000000", "--as-of", "2021-08-09", stdout=text)
    assert "合计" in text.getvalue() and "350" in text.getvalue()


def test_the_command_line_names_bad_input(yunfu):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="不是地级市"):
        call_command("report", "progress-table", "--city", "445381000000", "--as-of", "2021-08-09", "--json")
    with pytest.raises(CommandError, match="截至日期“2021/8/9”格式不对"):
        call_command("report", "progress-table", "--city", "445300000000", "--as-of", "2021/8/9", "--json")


def test_the_province_table_has_a_row_per_city(yunfu):
    from shuangbai.stations.progress import province_table

    _, city, _ = yunfu
    province = Region.objects.get(code="440000000000")
    table = province_table(province, AS_OF)
    assert (table.unit, table.row_heading) == ("广东省民政厅", "地级市")
    (yunfu_row,) = [row for row in table.rows if row.region == city]
    city_total = progress_table(city, AS_OF).total
    assert (yunfu_row.stations.built, yunfu_row.points.built) == (63, 146)
    # a city's row is that city's 合计: people, each once (its own table's county cells add up to 364 posts)
    assert (yunfu_row.stations.staff, yunfu_row.points.staff) == (112, city_total.points.staff) == (112, 350)
    assert (table.total.stations.staff, table.total.points.staff) == (112, 350)
    assert yunfu_row.points.equipment == "未配备齐全" and yunfu_row.stations.equipment == "基本配备"
    assert yunfu_row.trainings == 10
    # five counties and the city level: all issued a plan and coordinate; the city level alone manages
    # stations; 云安区 and the city level have approved funding
    assert (yunfu_row.plan, yunfu_row.coordination, yunfu_row.management, yunfu_row.funding) == (
        "已出台6/6",
        "6/6",
        "1/6",
        "已批复2/6",
    )
