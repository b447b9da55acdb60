"""A second city, made up by the test: nothing in the code knows Yunfu. In its own module, so that no Yunfu
records built for the seed's table are around."""

from __future__ import annotations

from datetime import date
from importlib import resources

from shuangbai.core.models import Role, system_actor
from shuangbai.regions.models import Region
from shuangbai.regions.services import RegionRow, read_region_csv, regions_load
from shuangbai.staff.accounts import user_create
from shuangbai.stations.progress import progress_table

from .progress_fixture import build_city
from .test_progress_table import _cells

SHANWEI = [
    ("441500000000", "汕尾市", "440000000000", "city"),
    ("441521000000", "海丰县", "441500000000", "county"),
    ("441581000000", "陆丰市", "441500000000", "county"),
    ("441502000000", "城区", "441500000000", "county"),
    *[(f"4415210{i:02d}000", f"海丰{i}镇", "441521000000", "town") for i in range(1, 5)],
    *[(f"4415810{i:02d}000", f"陆丰{i}镇", "441581000000", "town") for i in range(1, 3)],
    *[(f"4415020{i:02d}000", f"城区{i}街道", "441502000000", "town") for i in range(1, 4)],
]


def test_another_city_gets_its_own_table(db):
    """Nothing knows Yunfu: a city the test makes up, with its own counties and numbers."""
    from decimal import Decimal

    from .progress_fixture import CityFigures, CountyFigures, Report

    regions_load(
        read_region_csv(resources.files("shuangbai").joinpath("data/regions-yunfu.csv").read_bytes())
    )
    regions_load([RegionRow(i, *row) for i, row in enumerate(SHANWEI, 2)], fictional=True)
    city = Region.objects.get(code="441500000000")
    actor = user_create(
        actor=system_actor(),
        username="swcity",
        password="x-long-password-1",
        role=Role.CITY,
        scope_code=city.code,
    )
    figures = CityFigures(
        as_of=date(2022, 3, 31),
        built_on=date(2022, 1, 5),
        counties=[
            CountyFigures("海丰县", 4, 6, 5, 9, 2, Report(plan_issued=False, coordination=False), 0),
            CountyFigures(
                "陆丰市",
                2,
                2,
                2,
                3,
                0,
                Report(funding_requested=True),
                2,
                station_missing=(3,),
                point_missing=(0,),
            ),
            CountyFigures(
                "城区",
                3,
                5,
                4,
                8,
                1,
                Report(
                    management=True,
                    funding_requested=True,
                    funding_approved=True,
                    funding_amount=Decimal("88"),
                ),
                1,
                station_missing=(0,),
                point_missing=(0,),
            ),
        ],
        city_report=Report(funding_note="市级经费已列入预算。"),
        city_trainings=0,
    )
    build_city(actor, city, figures)
    table = progress_table(city, figures.as_of)
    assert table.title == "汕尾市2022年“双百工程”社工站（点）建设进度情况一览表"
    assert table.unit == "汕尾市民政局"
    assert [_cells(row) for row in [*table.rows, table.total]] == [
        ["城区", "已出台", 3, 3, 3, "全部配备", 5, 4, 4, 4, "全部配备", 8, "是", "是", "已落实，88万元。", "1次"],
        ["陆丰市", "已出台", 2, 2, 2, "未配备齐全", 2, 2, 2, 2, "全部配备", 3, "是", "否", "已申请，待批复。", "2次"],
        ["海丰县", "未出台", 4, 4, 4, "基本配备", 6, 5, 5, 5, "基本配备", 9, "否", "否", "未申请经费。", "0次"],
        ["市本级", "已出台", "", "", "", "", "", "", "", "", "", "", "是", "否", "市级经费已列入预算。", "0次"],
        # 20 posts at points, held by 17 people: three workers also cover a second point
        ["合计", "", 9, 9, 9, "", 13, 11, 11, 11, "", 17, "", "", "", "3次"],
    ]  # fmt: skip
    # and Yunfu, with no records, has a table of its own rows at zero
    yunfu = progress_table(Region.objects.get(code="445300000000"), figures.as_of)
    assert [row.label for row in yunfu.rows][:2] == ["云城区", "云安区"]
    assert yunfu.total.stations.built == 0 and yunfu.rows[0].plan == "未报送"
