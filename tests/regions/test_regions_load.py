import csv
import io
from importlib import resources

import pytest

from shuangbai.regions.models import Region
from shuangbai.regions.services import RegionLoadError, read_region_csv, regions_load

YUNFU_CSV = resources.files("shuangbai").joinpath("data/regions-yunfu.csv").read_bytes()


def _csv(*rows: str) -> bytes:
    return ("code,name,parent_code,level\n" + "\n".join(rows) + "\n").encode()


def test_the_yunfu_file_round_trips_through_the_database(db):
    result = regions_load(read_region_csv(YUNFU_CSV))
    assert result.created == 70
    source = list(csv.DictReader(io.StringIO(YUNFU_CSV.decode("utf-8-sig"))))
    stored = {r.code: r for r in Region.objects.select_related("parent")}
    for row in source:
        region = stored[row["code"]]
        assert region.name == row["name"]
        assert (region.parent.code if region.parent else "") == row["parent_code"]
        assert region.level == row["level"]
    assert Region.objects.filter(level="town").count() == 63


def test_a_name_outside_the_basic_multilingual_plane_survives(db):
    regions_load(read_region_csv(YUNFU_CSV))
    town = Region.objects.get(code="445381106000")
    assert town.name == "\U00023e23塘镇"
    assert len(town.name[0].encode("utf-8")) == 4
    assert Region.objects.filter(name__startswith="\U00023e23").get() == town


def test_loading_twice_changes_nothing(db):
    regions_load(read_region_csv(YUNFU_CSV))
    again = regions_load(read_region_csv(YUNFU_CSV))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 70)


def test_a_renamed_region_is_updated(db):
    regions_load(read_region_csv(YUNFU_CSV))
    renamed = YUNFU_CSV.decode("utf-8").replace("素龙街道", "素龙街道（新）").encode()
    result = regions_load(read_region_csv(renamed))
    assert result.updated == 1
    assert Region.objects.get(code="445381002000").name == "素龙街道（新）"


def test_the_subtree_is_one_range_query(db, django_assert_num_queries):
    regions_load(read_region_csv(YUNFU_CSV))
    county = Region.objects.get(code="445381000000")
    with django_assert_num_queries(1):
        towns = list(Region.objects.subtree(county))
    assert len(towns) == 22  # the county and its 21 towns


def test_gbk_csv_is_read(db):
    data = "code,name,parent_code,level\n440000000000,广东省,,province\n".encode("gbk")
    regions_load(read_region_csv(data))
    assert Region.objects.get().name == "广东省"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [
                "440000000000,广东省,,province",
                "445300000000,云浮市,440000000000,city",
                "445300000000,云浮,440000000000,city",
            ],
            "第4行：区划代码 445300000000 与第3行重复",
        ),
        (
            ["440000000000,广东省,,province", "445302000000,云城区,445300000000,county"],
            "第3行：上级代码 445300000000",
        ),
        (
            ["440000000000,广东省,,province", "4453000000,云浮市,440000000000,city"],
            "第3行：区划代码“4453000000”应为12位数字",
        ),
        (["440000000000,广东省,,province", "445300000000,,440000000000,city"], "第3行：名称为空"),
        (
            ["440000000000,广东省,,province", "445300000000,云浮市,440000000000,shi"],
            "第3行：层级“shi”无法识别",
        ),
    ],
)
def test_a_bad_row_names_its_line_and_nothing_is_loaded(db, rows, message):
    with pytest.raises(RegionLoadError) as error:
        regions_load(read_region_csv(_csv(*rows)))
    assert any(message in line for line in error.value.errors), error.value.errors
    assert Region.objects.count() == 0


def test_a_missing_header_column_is_named(db):
    with pytest.raises(RegionLoadError) as error:
        read_region_csv(b"code,title\n440000000000,x\n")
    assert "name" in error.value.errors[0] and "parent_code" in error.value.errors[0]
