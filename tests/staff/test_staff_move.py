from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from shuangbai.staff.models import Assignment, Staff
from shuangbai.staff.services import staff_leave, staff_move


def test_moving_a_worker_keeps_the_history(world):
    staff = world.staff_a
    staff_move(
        actor=world.county,
        staff=staff,
        version=staff.version,
        station=world.station_b,
        point=world.point_b,
        position="worker",
        on_date=date(2022, 3, 1),
    )
    history = list(Assignment.objects.filter(staff=staff).order_by("started_on"))
    assert [(a.station, a.point, a.started_on, a.ended_on) for a in history] == [
        (world.station_a, world.point_a, date(2021, 7, 1), date(2022, 2, 28)),
        (world.station_b, world.point_b, date(2022, 3, 1), None),
    ]
    staff.refresh_from_db()
    assert (staff.station, staff.point, staff.region_code) == (
        world.station_b,
        world.point_b,
        world.point_b.region_code,
    )
    # Scope follows the person: station B's worker sees them now, station A's no longer.
    assert staff in Staff.objects.visible_to(world.worker_b)
    assert staff not in Staff.objects.visible_to(world.worker_a)


def test_a_move_dated_before_the_current_assignment_is_refused(world):
    with pytest.raises(ValidationError) as error:
        staff_move(
            actor=world.county,
            staff=world.staff_a,
            version=world.staff_a.version,
            station=world.station_b,
            point=None,
            position="worker",
            on_date=date(2021, 1, 1),
        )
    assert "起始日期" in str(error.value)
    assert Assignment.objects.filter(staff=world.staff_a).count() == 1


def test_a_point_of_another_station_is_refused(world):
    with pytest.raises(ValidationError) as error:
        staff_move(
            actor=world.county,
            staff=world.staff_a,
            version=world.staff_a.version,
            station=world.station_b,
            point=world.point_a,
            position="worker",
            on_date=date(2022, 1, 1),
        )
    assert "不是罗城街道社工站在用的社工点" in str(error.value)


def test_leaving_closes_the_assignment_and_keeps_the_record(world):
    staff_leave(
        actor=world.county,
        staff=world.staff_a,
        version=world.staff_a.version,
        on_date=date(2023, 1, 31),
        reason="考研",
    )
    staff = Staff.objects.get(pk=world.staff_a.pk)
    assert (staff.status, staff.left_on) == ("left", date(2023, 1, 31))
    assert Assignment.objects.get(staff=staff).ended_on == date(2023, 1, 31)


def test_the_move_page_moves_and_shows_the_history(world):
    client = Client()
    client.force_login(world.county)
    response = client.post(
        f"/staff/{world.staff_a.pk}/move/",
        {
            "version": world.staff_a.version,
            "station": world.station_b.pk,
            "point": "",
            "position": "deputy",
            "on_date": "2022-03-01",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/staff/{world.staff_a.pk}/").content.decode()
    assert (
        "2022年3月1日" in page and "2022年2月28日" in page and "素龙街道社工站" in page and "副站长" in page
    )


def test_a_stale_move_is_refused_and_loses_nothing(world):
    client = Client()
    client.force_login(world.county)
    old_version = world.staff_a.version
    client.post(
        f"/staff/{world.staff_a.pk}/edit/",
        {
            "version": old_version,
            "name": "社工A",
            "gender": "F",
            "phone": "13900000001",
            "qualification": "assistant",
            "hired_on": "2021-07-01",
        },
    )
    response = client.post(
        f"/staff/{world.staff_a.pk}/move/",
        {
            "version": old_version,
            "station": world.station_b.pk,
            "point": "",
            "position": "worker",
            "on_date": "2022-03-01",
        },
    )
    assert response.status_code == 200
    assert "此记录已被他人修改" in response.content.decode()
    staff = Staff.objects.get(pk=world.staff_a.pk)
    assert staff.station == world.station_a and staff.qualification == "assistant"
    assert Assignment.objects.filter(staff=staff).count() == 1


def test_staff_lists_mask_phones_and_the_detail_shows_it(world):
    client = Client()
    client.force_login(world.county)
    listing = client.get("/staff/").content.decode()
    assert "138****0001" in listing and "13800000001" not in listing
    assert "13800000001" in client.get(f"/staff/{world.staff_a.pk}/").content.decode()


def test_bad_input_gets_a_chinese_message_naming_the_field(world):
    client = Client()
    client.force_login(world.county)
    before = Staff.objects.count()
    response = client.post(
        "/staff/new/",
        {
            "name": "",
            "gender": "F",
            "phone": "12345",
            "qualification": "none",
            "hired_on": "2021-13-01",
            "station": world.station_a.pk,
            "position": "worker",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "姓名：这个字段是必填项。" in page
    assert "手机号码应为11位数字" in page
    assert "入职日期：" in page
    assert Staff.objects.count() == before


def test_a_county_registers_a_supervisor_for_some_of_its_stations(world):
    from shuangbai.core.models import AuditEntry

    client = Client()
    client.force_login(world.county)
    county = world.station_a.town.parent
    form = {
        "name": "督导乙",
        "gender": "F",
        "phone": "",
        "qualification": "social_worker",
        "hired_on": "2021-07-23",
        "region": county.pk,
        "stations": [world.station_a.pk],
    }
    response = client.post("/staff/new-supervisor/", form)
    assert response.status_code == 302
    supervisor = Staff.objects.get(name="督导乙")
    assert supervisor.kind == "supervisor" and supervisor.region_code == county.code
    assert list(supervisor.assignments.values_list("station", "started_on")) == [
        (world.station_a.pk, date(2021, 7, 23))
    ]
    assert AuditEntry.objects.filter(object_id=str(supervisor.pk), action="create").exists()
    # A station outside the chosen region is refused, by name.
    form |= {"name": "督导丙", "stations": [world.station_a.pk]}
    form["region"] = world.station_c.town.parent.pk  # 云城区 is outside the county's scope: not even offered
    response = client.post("/staff/new-supervisor/", form)
    assert response.status_code == 200 and not Staff.objects.filter(name="督导丙").exists()
    assert "所属区域" in response.content.decode()
