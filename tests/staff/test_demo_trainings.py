"""The demo's trainings reproduce the 2021-08-09 table's "开展社工业务培训情况" column."""

from collections import Counter
from datetime import date
from importlib import resources

from shuangbai.core.models import system_actor
from shuangbai.regions.models import Region
from shuangbai.regions.services import read_region_csv, regions_load
from shuangbai.staff.demo import load_demo_trainings
from shuangbai.staff.models import TABLE_TRAINING_KINDS, Training
from shuangbai.staff.services import staff_create
from shuangbai.stations.services import station_create

# A small stand-in for the demo's places: a station (head and worker) in two towns of each county.
TOWNS = {
    "445302": ["445302001000", "445302003000"],
    "445303": ["445303100000", "445303101000"],
    "445381": ["445381001000", "445381002000"],
    "445321": ["445321100000", "445321103000"],
    "445322": ["445322100000", "445322102000"],
}
COUNTY_NAMES = {
    "445302": "云城区",
    "445303": "云安区",
    "445381": "罗定市",
    "445321": "新兴县",
    "445322": "郁南县",
}


def _places():
    regions_load(
        read_region_csv(resources.files("shuangbai").joinpath("data/regions-yunfu.csv").read_bytes())
    )
    for codes in TOWNS.values():
        for code in codes:
            station = station_create(
                actor=system_actor(),
                town=Region.objects.get(code=code),
                status="operating",
                opened_on=date(2021, 7, 1),
            )
            for position in ("head", "worker"):
                staff_create(
                    actor=system_actor(),
                    name=f"{station.name}{position}",
                    gender="F",
                    hired_on=date(2021, 7, 1),
                    station=station,
                    position=position,
                )


def test_the_demo_trainings_give_the_tables_counts(db):
    _places()
    assert load_demo_trainings(system_actor()) > 10
    by_table = Training.objects.filter(
        held_on__year=2021, held_on__lte=date(2021, 8, 9), kind__in=TABLE_TRAINING_KINDS
    )
    counts = Counter(
        "市本级" if t.region_code == "445300000000" else COUNTY_NAMES[t.region_code[:6]] for t in by_table
    )
    assert counts == {"云城区": 1, "云安区": 1, "罗定市": 3, "新兴县": 1, "郁南县": 2, "市本级": 2}
    assert Training.objects.filter(kind="supervision").count() >= 1
    assert Training.objects.filter(held_on__year__in=[2022, 2023]).count() >= 3
    seeded = Training.objects.get(held_on=date(2021, 7, 20))
    assert (seeded.organiser, seeded.trainers, seeded.topic) == (
        "罗定市民政局",
        "曾思贤、毛坚",
        "“双百工程”社工业务培训班",
    )
    assert set(seeded.attendees.values_list("region_code", flat=True)) == {"445381001000", "445381002000"}
    # A station's training: its own staff only; the city's heads-only training: heads only.
    sulong = Training.objects.get(station__town__code="445381002000")
    assert {p.station.town.code for p in sulong.attendees.all()} == {"445381002000"}
    heads = Training.objects.get(held_on=date(2021, 8, 6))
    assert set(heads.attendees.values_list("position", flat=True)) == {"head"}
    assert heads.attendees.count() == 10
    # Loading again adds nothing.
    total = Training.objects.count()
    assert load_demo_trainings(system_actor()) == 0 and Training.objects.count() == total
