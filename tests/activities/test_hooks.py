"""Activities in the coverage, on the beneficiary timeline and in the station figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone

from shuangbai.activities.hooks import activity_figures
from shuangbai.activities.services import (
    activity_record,
    partner_create,
    volunteer_create,
    volunteer_service_record,
)
from shuangbai.core.models import system_actor
from shuangbai.core.scoping import code_range
from shuangbai.regions.models import Region
from shuangbai.registry.timeline import timeline
from shuangbai.stations.figures import FIGURES_SOURCES
from shuangbai.visits import coverage as cov


def _served(world, user) -> int:
    today = timezone.localdate()
    table = cov.coverage_table(user, world.station_a.town, cov.dates_period(today, today))
    return table.node.figures("all").served


def test_taking_part_in_an_activity_is_a_service_on_its_day(world, record):
    before = _served(world, world.county)
    record(people=[world.beneficiary_a])
    assert (before, _served(world, world.county)) == (0, 1)


def test_the_timeline_says_which_activity_the_person_took_part_in(world, record):
    activity = record(people=[world.beneficiary_a])
    events = [e for e in timeline(world.beneficiary_a) if e.kind == "活动"]
    assert len(events) == 1
    assert events[0].text == f"参加{world.station_a.name}的社区活动“喜迎新春送春联”"
    assert events[0].url == activity.get_absolute_url()
    assert not [e for e in timeline(world.beneficiary_b) if e.kind == "活动"]


def _figures(code: str, start: date, end: date) -> dict:
    low, high = code_range(Region.objects.get(code=code).prefix)
    return {f.key: f.value for f in activity_figures(low, high, start, end)}


def test_the_figures_count_activities_people_volunteers_hours_and_partners(world, record):
    assert activity_figures in FIGURES_SOURCES
    today = timezone.localdate()
    partner = partner_create(
        actor=system_actor(), station=world.station_a, name="素龙街道妇联", kind="government"
    )
    a1 = volunteer_create(actor=system_actor(), station=world.station_a, name="甲")
    a2 = volunteer_create(actor=system_actor(), station=world.station_a, name="乙")
    b1 = volunteer_create(actor=system_actor(), station=world.station_b, name="丙")
    record(
        participants=300, people=[world.beneficiary_a], volunteers=[(a1, 3), (a2, "1.5")], partners=[partner]
    )
    record(participants=20, people=[world.beneficiary_a], volunteers=[(a1, 2)], partners=[partner])
    activity_record(
        actor=system_actor(), station=world.station_b, title="闹元宵", theme="festival", held_on=today, place="柑园社区",
        participants=45, people=[world.beneficiary_b], volunteers=[(b1, 2)],
    )  # fmt: skip
    volunteer_service_record(
        actor=system_actor(), volunteer=a2, served_on=today, hours=4, description="协助入户走访"
    )
    activity_record(
        actor=system_actor(), station=world.station_c, title="亲子活动", theme="children", held_on=today, place="高峰",
        participants=7,
    )  # fmt: skip

    sulong = _figures(world.station_a.region_code, today, today)
    assert sulong == {
        "activities.count": 2,
        "activities.participants": 320,
        "activities.beneficiaries": 1,  # the same person twice
        "partners.count": 1,
        "volunteers.people": 2,
        "volunteers.hours": Decimal("10.5"),  # 3 + 1.5 + 2 in activities, 4 outside them
    }
    luoding = _figures("445381000000", today, today)
    assert (luoding["activities.count"], luoding["activities.participants"]) == (3, 365)
    assert (luoding["activities.beneficiaries"], luoding["volunteers.people"]) == (2, 3)
    assert _figures("445300000000", today, today)["activities.count"] == 4
    earlier = _figures("445300000000", date(2021, 1, 1), date(2021, 12, 31))
    assert earlier["activities.count"] == 0 and earlier["volunteers.hours"] == 0
