"""兼任: a worker also serving a second point, opened and closed through the services and the staff page."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from shuangbai.core.models import AuditEntry, system_actor
from shuangbai.staff.models import Assignment, Staff
from shuangbai.staff.services import staff_cover_end, staff_cover_start, staff_leave, staff_move
from shuangbai.stations.services import point_create, point_retire


@pytest.fixture
def point_a2(world):
    return point_create(actor=system_actor(), station=world.station_a, name="A2点", status="operating")


def _cover(world, point, on=date(2021, 9, 1), staff=None, actor=None):
    actor = actor or world.county
    return staff_cover_start(actor=actor, staff=staff or world.staff_a, point=point, started_on=on)


def test_a_cover_opens_a_second_assignment_and_leaves_the_own_place_alone(world, point_a2):
    cover = _cover(world, world.point_b)
    assert (cover.is_cover, cover.station, cover.point, cover.region_code) == (
        True,
        world.station_b,
        world.point_b,
        world.point_b.region_code,
    )
    open_places = world.staff_a.assignments.open().order_by("id")
    assert [(a.point, a.is_cover) for a in open_places] == [(world.point_a, False), (world.point_b, True)]
    staff = Staff.objects.get(pk=world.staff_a.pk)
    assert (staff.station, staff.point) == (world.station_a, world.point_a)
    # One person, however many points they serve.
    assert Staff.objects.in_post().filter(pk=staff.pk).count() == 1
    assert AuditEntry.objects.filter(object_id=str(staff.pk), changes__has_key="兼任社工点").exists()


@pytest.mark.parametrize(
    "case, message",
    [
        ("own", "是社工A的本岗社工点，无需兼任"),
        ("twice", "社工A已在兼任“B点”"),
        ("retired", "“B2点”已撤销，不能兼任"),
        ("other_county", "兼任的社工点应与本岗在同一县（市、区）"),
        ("before_hire", "兼任起始日期不能早于入职日期"),
    ],
)
def test_a_cover_that_makes_no_sense_is_refused(world, case, message):
    point, on = world.point_b, date(2021, 9, 1)
    if case == "own":
        point = world.point_a
    elif case == "twice":
        _cover(world, world.point_b)
    elif case == "retired":
        point = point_create(actor=system_actor(), station=world.station_b, name="B2点", status="operating")
        point_retire(
            actor=world.county, point=point, version=point.version, on_date=date(2021, 8, 1), reason="合并"
        )
        point.refresh_from_db()
    elif case == "other_county":
        point = world.point_c
    elif case == "before_hire":
        on = date(2021, 6, 1)
    before = Assignment.objects.filter(is_cover=True).count()
    with pytest.raises(ValidationError) as error:
        _cover(world, point, on, actor=world.city)  # the city reaches every county: the rule answers
    assert message in str(error.value)
    assert Assignment.objects.filter(is_cover=True).count() == before


def test_a_worker_who_has_left_cannot_cover(world):
    staff_leave(
        actor=world.county,
        staff=world.staff_a,
        version=world.staff_a.version,
        on_date=date(2022, 1, 31),
        reason="",
    )
    with pytest.raises(ValidationError, match="该人员已离职"):
        _cover(world, world.point_b, date(2022, 2, 1), staff=Staff.objects.get(pk=world.staff_a.pk))


def test_moving_closes_the_covers_with_the_own_place(world, point_a2):
    _cover(world, point_a2)
    staff_move(
        actor=world.county,
        staff=world.staff_a,
        version=world.staff_a.version,
        station=world.station_b,
        point=world.point_b,
        position="worker",
        on_date=date(2022, 3, 1),
    )
    cover = Assignment.objects.get(staff=world.staff_a, is_cover=True)
    assert cover.ended_on == date(2022, 2, 28)
    assert [(a.point, a.is_cover) for a in world.staff_a.assignments.open()] == [(world.point_b, False)]


def test_leaving_closes_the_covers(world, point_a2):
    _cover(world, point_a2)
    _cover(world, world.point_b)
    staff_leave(
        actor=world.county,
        staff=world.staff_a,
        version=world.staff_a.version,
        on_date=date(2023, 1, 31),
        reason="",
    )
    assert not world.staff_a.assignments.open().exists()
    assert set(
        Assignment.objects.filter(staff=world.staff_a, is_cover=True).values_list("ended_on", flat=True)
    ) == {date(2023, 1, 31)}


def test_ending_a_cover(world):
    cover = _cover(world, world.point_b)
    with pytest.raises(ValidationError, match="结束日期不能早于兼任起始日期"):
        staff_cover_end(actor=world.county, assignment=cover, ended_on=date(2021, 8, 31))
    staff_cover_end(actor=world.county, assignment=cover, ended_on=date(2021, 12, 31))
    assert Assignment.objects.get(pk=cover.pk).ended_on == date(2021, 12, 31)
    assert [a.is_cover for a in world.staff_a.assignments.open()] == [False]
    with pytest.raises(ValidationError, match="该兼任已结束"):
        staff_cover_end(actor=world.county, assignment=cover, ended_on=date(2022, 1, 31))
    own = world.staff_a.assignments.open().get()
    with pytest.raises(ValidationError, match="这不是兼任安排"):
        staff_cover_end(actor=world.county, assignment=own, ended_on=date(2022, 1, 31))


def test_the_station_head_arranges_a_cover_at_their_station_from_the_staff_page(world, point_a2):
    client = Client()
    client.force_login(world.head_a)
    page = client.get(f"/staff/{world.staff_a.pk}/").content.decode()
    assert "安排兼任" in page and "A2点" in page and "B点" not in page  # station B is not the head's
    # A point outside the head's scope is not a choice, even posted by hand.
    response = client.post(
        f"/staff/{world.staff_a.pk}/cover/", {"point": world.point_b.pk, "started_on": "2021-09-01"}
    )
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    response = client.post(
        f"/staff/{world.staff_a.pk}/cover/", {"point": point_a2.pk, "started_on": "2021-09-01"}
    )
    assert response.status_code == 302
    page = client.get(f"/staff/{world.staff_a.pk}/").content.decode()
    assert "2021年9月1日起" in page and "结束兼任" in page and "（兼任）" in page
    cover = Assignment.objects.get(staff=world.staff_a, is_cover=True)
    response = client.post(
        f"/staff/{world.staff_a.pk}/cover/end/", {"assignment": cover.pk, "ended_on": "2021-12-31"}
    )
    assert response.status_code == 302
    assert Assignment.objects.get(pk=cover.pk).ended_on == date(2021, 12, 31)
    assert "目前没有兼任其他社工点" in client.get(f"/staff/{world.staff_a.pk}/").content.decode()


def test_workers_and_supervisors_see_covers_but_do_not_arrange_them(world):
    _cover(world, world.point_b)
    for user in (world.worker_a, world.supervisor):
        client = Client()
        client.force_login(user)
        page = client.get(f"/staff/{world.staff_a.pk}/").content.decode()
        assert "B点" in page and "结束兼任" not in page and "安排兼任" not in page
        response = client.post(f"/staff/{world.staff_a.pk}/cover/", {"point": world.point_b.pk})
        assert response.status_code == 403


def test_the_county_may_give_a_cover_at_another_station_of_the_county(world):
    client = Client()
    client.force_login(world.county)
    response = client.post(
        f"/staff/{world.staff_a.pk}/cover/", {"point": world.point_b.pk, "started_on": "2021-09-01"}
    )
    assert response.status_code == 302
    # The cover's point lies under station B: its assignment is station B's to see, the person stays station A's.
    cover = Assignment.objects.get(staff=world.staff_a, is_cover=True)
    assert cover in Assignment.objects.visible_to(world.worker_b)
    assert world.staff_a not in Staff.objects.visible_to(world.worker_b)
