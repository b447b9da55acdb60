from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from shuangbai.activities.models import Activity, ActivityPerson, ActivityVolunteer
from shuangbai.activities.services import activity_update, parse_materials
from shuangbai.core.models import AuditEntry, system_actor

from .conftest import jpeg


def _errors(excinfo) -> dict:
    return excinfo.value.message_dict


def test_an_activity_keeps_its_people_volunteers_partners_and_materials(world, record, partner, volunteer):
    activity = record(
        people=[world.beneficiary_a],
        volunteers=[(volunteer, "2.5")],
        partners=[partner],
        segments=["写春联", " ", "送春联"],
        materials=[("春联", 40, "幅")],
        point=world.point_a,
        start_time=time(9, 0),
        end_time=time(11, 30),
        photos=[jpeg()],
    )
    assert list(activity.people.all()) == [world.beneficiary_a]
    assert activity.segments == ["写春联", "送春联"]
    assert activity.materials == [{"item": "春联", "quantity": 40, "unit": "幅"}]
    assert activity.region_code == world.point_a.region_code
    link = ActivityVolunteer.objects.get(activity=activity)
    assert (link.hours, link.held_on, link.region_code) == (
        Decimal("2.5"),
        activity.held_on,
        activity.region_code,
    )
    assert ActivityPerson.objects.get(activity=activity).held_on == activity.held_on
    assert activity.photos.count() == 1
    entry = AuditEntry.objects.get(object_type="activities.activity", object_id=str(activity.pk))
    assert entry.actor == world.worker_a and entry.changes["参与的服务对象"] == [None, 1]


def test_facts_are_plain_values_for_a_bulletin_article(world, record, partner, volunteer):
    activity = record(
        people=[world.beneficiary_a],
        volunteers=[(volunteer, 3)],
        partners=[partner],
        materials=[("春联", 40, "幅")],
    )
    facts = activity.facts()
    assert facts["title"] == "喜迎新春送春联"
    assert facts["date"] == timezone.localdate()
    assert facts["place"] == "凤塘村委"
    assert facts["station"] == world.station_a.name
    assert facts["partners"] == ["素龙街道妇联"]
    assert (facts["participants"], facts["beneficiaries"], facts["volunteers"]) == (12, 1, 1)
    assert facts["volunteer_hours"] == Decimal(3)
    assert facts["theme"] == "节日"
    # no names of people in the facts
    assert world.beneficiary_a.name not in repr(facts) and volunteer.name not in repr(facts)


def test_participants_may_exceed_the_registered_people_but_not_fall_short(world, record):
    assert record(participants=300, people=[world.beneficiary_a]).participants == 300
    with pytest.raises(ValidationError) as excinfo:
        record(participants=0)
    assert "participants" in _errors(excinfo)


def test_a_person_of_another_station_is_refused(world, record):
    with pytest.raises(ValidationError) as excinfo:
        record(people=[world.beneficiary_b])
    assert f"{world.beneficiary_b.name}不是{world.station_a.name}的服务对象" in _errors(excinfo)["people"][0]


def test_a_person_not_yet_registered_that_day_is_refused(world, record):
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        record(held_on=yesterday, people=[world.beneficiary_a])
    assert "不在册" in _errors(excinfo)["people"][0]


def test_a_future_day_and_an_end_before_the_start_are_refused(world, record):
    with pytest.raises(ValidationError) as excinfo:
        record(held_on=timezone.localdate() + timedelta(days=1))
    assert "held_on" in _errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        record(start_time=time(15, 0), end_time=time(14, 0))
    assert "end_time" in _errors(excinfo)


def test_a_volunteer_of_another_town_and_bad_hours_are_refused(world, record, volunteer):
    from shuangbai.activities.services import volunteer_create

    elsewhere = volunteer_create(actor=system_actor(), station=world.station_b, name="外镇志愿者")
    with pytest.raises(ValidationError) as excinfo:
        record(volunteers=[(elsewhere, 2)])
    assert "不属于" in _errors(excinfo)["volunteers"][0]
    with pytest.raises(ValidationError) as excinfo:
        record(volunteers=[(volunteer, 30)])
    assert "不超过24小时" in _errors(excinfo)["volunteers"][0]


def test_a_volunteer_of_the_city_may_serve_at_any_station_of_it(world, record):
    from shuangbai.activities.services import volunteer_create
    from shuangbai.regions.models import Region

    team = volunteer_create(
        actor=world.city, region=Region.objects.get(code="445300000000"), name="市志愿服务队员"
    )
    assert record(volunteers=[(team, 3)]).volunteers.get() == team


def test_a_supervisor_and_a_worker_of_another_station_cannot_record(world, record):
    with pytest.raises(PermissionDenied):
        record(actor=world.supervisor)
    with pytest.raises(PermissionDenied):
        record(actor=world.worker_b)


def test_an_update_replaces_the_lists_and_a_stale_one_is_refused(world, record, partner, volunteer):
    activity = record(people=[world.beneficiary_a], volunteers=[(volunteer, 2)], partners=[partner])
    values = {
        "title": "喜迎新春送春联（修改）",
        "theme": "festival",
        "held_on": activity.held_on,
        "place": "凤塘村委",
        "participants": 15,
    }
    activity_update(actor=world.head_a, activity=activity, version=activity.version, **values)
    activity.refresh_from_db()
    assert (activity.title, activity.participants, activity.version) == ("喜迎新春送春联（修改）", 15, 2)
    assert not activity.person_links.exists() and not activity.volunteer_links.exists()
    change = AuditEntry.objects.filter(object_type="activities.activity", action="change").get()
    assert change.changes["参与的服务对象"] == [1, 0] and change.changes["participants"] == [12, 15]
    with pytest.raises(ValidationError) as excinfo:
        activity_update(actor=world.worker_a, activity=activity, version=1, **values)
    assert excinfo.value.code == "stale"
    assert Activity.objects.get().version == 2


def test_materials_are_read_one_a_line():
    assert parse_materials("禁毒宣传资料 300份\n\n春联×40幅\n奖品 30") == [
        ("禁毒宣传资料", 300, "份"),
        ("春联", 40, "幅"),
        ("奖品", 30, ""),
    ]
    with pytest.raises(ValidationError) as excinfo:
        parse_materials("春联若干")
    assert "第1行" in excinfo.value.message_dict["materials"][0]
