"""The progress table's pages and who may read and write them."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from shuangbai.stations.models import EquipmentItem, EquipmentRecord, ProgressReport
from shuangbai.stations.services import equipment_record, station_update

AS_OF = "2021-08-09"
ALL = EquipmentItem.values


def _build(world) -> None:
    """Stations a and b (罗定市) and c (云城区) built in July 2021 with their offices; checklists: a has all
    8, b misses 2; point a misses 3."""
    for letter in "abc":
        station = getattr(world, f"station_{letter}")
        station_update(
            actor=world.city,
            station=station,
            version=station.version,
            planned_year=2021,
            built_on=date(2021, 7, 1),
            office_secured_on=date(2021, 7, 1),
        )
    equipment_record(actor=world.city, station=world.station_a, items=ALL, effective_on=date(2021, 7, 1))
    equipment_record(actor=world.city, station=world.station_b, items=ALL[2:], effective_on=date(2021, 7, 1))
    equipment_record(actor=world.city, station=world.station_c, items=ALL[1:], effective_on=date(2021, 7, 1))


def test_the_city_reads_every_row_and_the_total(client, world):
    _build(world)
    client.force_login(world.city)
    response = client.get(f"/stations/progress/?region=445300000000&as_of={AS_OF}")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.label for row in rows] == ["云城区", "云安区", "罗定市", "新兴县", "郁南县", "市本级"]
    luoding = rows[2]
    assert (luoding.stations.built, luoding.stations.equipment) == (2, "基本配备")
    assert response.context["with_total"] is True
    assert response.context["table"].total.stations.built == 3
    assert 'data-region="total"' in response.content.decode()


def test_a_county_reads_its_own_row_only(client, world):
    _build(world)
    client.force_login(world.county)
    response = client.get(f"/stations/progress/?as_of={AS_OF}")
    assert [row.label for row in response.context["rows"]] == ["罗定市"]
    assert response.context["with_total"] is False
    assert 'data-region="total"' not in response.content.decode()
    assert client.get(f"/stations/progress/?region=445300000000&as_of={AS_OF}").status_code == 404
    book = load_workbook(
        io.BytesIO(client.get(f"/stations/progress/export/?as_of={AS_OF}&region=445381000000").content)
    )
    labels = [book.active.cell(r, 1).value for r in range(5, 7)]
    assert labels == ["罗定市", None]
    # its sites: stations a and b and point a and b, with what each lacks
    sites = client.get(f"/stations/progress/sites/?region=445381000000&as_of={AS_OF}")
    names = [line.site.name for line in sites.context["lines"]]
    assert world.station_a.name in names and world.station_c.name not in names
    b = next(line for line in sites.context["lines"] if line.site == world.station_b)
    assert b.missing == ["办公桌椅", "空调"] and b.status.label == "基本配备"
    assert client.get(f"/stations/progress/sites/?region=445302000000&as_of={AS_OF}").status_code == 404


def test_station_roles_have_no_table(client, world):
    for user in (world.worker_a, world.head_a, world.supervisor):
        client.force_login(user)
        assert client.get("/stations/progress/").status_code == 404
        assert client.get("/stations/progress/?region=445381000000").status_code == 404


def test_a_worker_reads_their_station_checklist_only_and_cannot_change_it(client, world):
    _build(world)
    client.force_login(world.worker_a)
    page = client.get(f"/stations/{world.station_a.pk}/equipment/")
    assert page.status_code == 200 and page.context["form"] is None
    assert page.context["missing"] == []
    assert client.get(f"/stations/{world.station_b.pk}/equipment/").status_code == 404
    count = EquipmentRecord.objects.count()
    post = {"items": ALL, "effective_on": "2021-08-01"}
    assert client.post(f"/stations/{world.station_a.pk}/equipment/", post).status_code == 403
    assert client.post(f"/stations/{world.station_b.pk}/equipment/", post).status_code == 404
    assert EquipmentRecord.objects.count() == count


def test_the_head_ticks_an_item_and_the_county_cell_changes(client, world):
    _build(world)
    client.force_login(world.county)
    cell = lambda: client.get("/stations/progress/").context["rows"][0].points.equipment  # noqa: E731
    # points a and b, due in 2021, have an office from July; a has no checklist: counted as nothing ticked
    for point in (world.point_a, world.point_b):
        from shuangbai.stations.services import point_update

        point_update(
            actor=world.county,
            point=point,
            version=point.version,
            village=point.village,
            planned_year=2021,
            office_secured_on=date(2021, 7, 1),
        )
    equipment_record(
        actor=world.county,
        station=world.station_b,
        point=world.point_b,
        items=ALL,
        effective_on=date(2021, 7, 1),
    )
    assert cell() == "未配备齐全"
    client.force_login(world.head_a)
    response = client.post(
        f"/stations/points/{world.point_a.pk}/equipment/",
        {"items": ALL[:7], "effective_on": date.today().isoformat()},
    )
    assert response.status_code == 302
    client.force_login(world.county)
    assert cell() == "基本配备"
    # an item that does not exist, and a date in the future, are refused in Chinese, and nothing is saved
    client.force_login(world.head_a)
    count = EquipmentRecord.objects.count()
    bad = client.post(
        f"/stations/points/{world.point_a.pk}/equipment/", {"items": ["sofa"], "effective_on": "2999-01-01"}
    )
    assert bad.status_code == 200
    assert bad.context["form"].errors["items"] == ["没有“sofa”这一设备设施项目。"]
    future = client.post(
        f"/stations/points/{world.point_a.pk}/equipment/", {"items": ALL, "effective_on": "2999-01-01"}
    )
    assert future.context["form"].errors["effective_on"] == ["生效日期不能晚于今天。"]
    assert EquipmentRecord.objects.count() == count


def test_a_county_records_its_progress_report_and_the_table_reads_it(client, world):
    client.force_login(world.county)
    response = client.post(
        "/stations/progress/report/445381000000/",
        {
            "effective_on": "2021-07-15",
            "plan_issued": "on",
            "coordination": "on",
            "funding_note": "正在测算费用，拟报市政府。",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/stations/progress/?region=445381000000"
    row = client.get(f"/stations/progress/?as_of={AS_OF}").context["rows"][0]
    assert (row.plan, row.coordination, row.management, row.funding) == (
        "已出台",
        "是",
        "否",
        "正在测算费用，拟报市政府。",
    )
    before = client.get("/stations/progress/?as_of=2021-07-14").context["rows"][0]
    assert before.plan == "未报送"
    # approved without asking: refused, named, nothing saved
    count = ProgressReport.objects.count()
    bad = client.post(
        "/stations/progress/report/445381000000/", {"effective_on": "2021-08-01", "funding_approved": "on"}
    )
    assert "请同时勾选“已申请经费”" in bad.content.decode()
    assert ProgressReport.objects.count() == count
    # another county's report: 404, also for a POST; the viewer reads the history but cannot write
    assert (
        client.post("/stations/progress/report/445302000000/", {"effective_on": "2021-08-01"}).status_code
        == 404
    )
    client.force_login(world.viewer)
    assert client.get("/stations/progress/report/445381000000/").status_code == 200
    assert (
        client.post("/stations/progress/report/445381000000/", {"effective_on": "2021-08-01"}).status_code
        == 403
    )


def test_the_province_reads_a_row_per_city_and_opens_a_city(client, world):
    _build(world)
    client.force_login(world.province)
    response = client.get(f"/stations/progress/?as_of={AS_OF}")
    assert [row.label for row in response.context["rows"]] == ["广州市", "云浮市"]
    assert response.context["table"].total.stations.built == 3
    assert f'href="?region=445300000000&amp;as_of={AS_OF}"' in response.content.decode()
    book = load_workbook(io.BytesIO(client.get(f"/stations/progress/export/?as_of={AS_OF}").content))
    assert book.active["A3"].value == "地级市" and book.active["A2"].value == "制表单位：广东省民政厅"
