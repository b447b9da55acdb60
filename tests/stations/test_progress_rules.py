"""The progress table's rules at their edges: what counts on the day, and what does not."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from shuangbai.core.models import system_actor
from shuangbai.regions.models import Region
from shuangbai.staff.models import Kind, TrainingKind
from shuangbai.staff.services import staff_create, staff_leave, supervisor_assign, training_record
from shuangbai.stations.models import EquipmentItem
from shuangbai.stations.progress import progress_table
from shuangbai.stations.services import equipment_record, point_retire, point_update, station_update

ALL = EquipmentItem.values
BUILT = date(2021, 7, 1)


def _luoding(day: date):
    table = progress_table(Region.objects.get(code="445300000000"), day)
    return next(row for row in table.rows if row.label == "罗定市"), table


def _built(world, *sites, office: bool = True) -> None:
    for site in sites:
        update = station_update if hasattr(site, "town") else point_update
        kwargs = {"station": site} if hasattr(site, "town") else {"point": site, "village": site.village}
        update(
            actor=world.county,
            version=site.version,
            planned_year=2021,
            built_on=BUILT,
            office_secured_on=BUILT if office else None,
            **kwargs,
        )
        site.refresh_from_db()


def test_equipment_reads_the_checklist_in_force_and_only_sites_due(world):
    _built(world, world.station_a, world.station_b)
    # station a: two checklists the same day, the later one (all 8) holds; station b: no checklist at all
    equipment_record(actor=world.county, station=world.station_a, items=ALL[3:], effective_on=BUILT)
    equipment_record(actor=world.county, station=world.station_a, items=ALL, effective_on=BUILT)
    assert _luoding(date(2021, 8, 9))[0].stations.equipment == "未配备齐全"  # b: nothing ticked
    equipment_record(
        actor=world.county, station=world.station_b, items=ALL[1:], effective_on=date(2021, 8, 10)
    )
    assert _luoding(date(2021, 8, 9))[0].stations.equipment == "未配备齐全"
    assert _luoding(date(2021, 8, 10))[0].stations.equipment == "基本配备"
    # point a has an office but is only due in 2022 and not built: neither its office nor its (empty)
    # checklist count in 2021
    point_update(
        actor=world.county, point=world.point_a, version=world.point_a.version, village=world.point_a.village,
        planned_year=2022, office_secured_on=BUILT,
    )  # fmt: skip
    row = _luoding(date(2021, 8, 10))[0]
    assert (row.points.planned, row.points.office, row.points.equipment) == (0, 0, "")
    row = _luoding(date(2022, 1, 1))[0]
    assert (row.points.planned, row.points.office, row.points.equipment) == (1, 1, "未配备齐全")


def test_staff_in_post_on_the_day(world):
    _built(world, world.station_a, world.station_b, world.point_a, world.point_b)
    supervisor = staff_create(
        actor=system_actor(), name="督导甲", gender="F", hired_on=BUILT, kind=Kind.SUPERVISOR,
        region=Region.objects.get(code="445381000000"),
    )  # fmt: skip
    supervisor_assign(
        actor=system_actor(),
        supervisor=supervisor,
        stations=[world.station_a, world.station_b],
        on_date=BUILT,
    )
    day = date(2021, 9, 1)
    row, table = _luoding(day)
    # head_staff at station a; staff_a at point a, staff_b at point b; the supervisor holds no post
    assert (row.stations.staff, row.points.staff) == (1, 2)
    # staff_b leaves on 2021-09-30: in post that day, not the next
    staff_leave(actor=system_actor(), staff=world.staff_b, version=world.staff_b.version, on_date=date(2021, 9, 30),
                reason="辞职")  # fmt: skip
    assert _luoding(date(2021, 9, 30))[0].points.staff == 2
    assert _luoding(date(2021, 10, 1))[0].points.staff == 1
    # point b retired on 2021-10-15: still counted the day before, not from that day
    world.point_b.refresh_from_db()
    point_retire(actor=system_actor(), point=world.point_b, version=world.point_b.version, on_date=date(2021, 10, 15),
                 reason="合并")  # fmt: skip
    assert _luoding(date(2021, 10, 14))[0].points.built == 2
    assert _luoding(date(2021, 10, 15))[0].points.built == 1
    assert _luoding(date(2021, 8, 9))[0].points.built == 2  # history unchanged


def test_trainings_counted_are_this_years_induction_and_professional_ones(world):
    luoding = Region.objects.get(code="445381000000")
    for kind, held_on in [
        (TrainingKind.INDUCTION, date(2021, 1, 1)),
        (TrainingKind.PROFESSIONAL, date(2021, 8, 9)),
        (TrainingKind.SUPERVISION, date(2021, 5, 1)),  # 督导培训: not in the table
        (TrainingKind.PROFESSIONAL, date(2020, 12, 31)),  # last year
        (TrainingKind.PROFESSIONAL, date(2021, 8, 10)),  # after the day
    ]:
        training_record(actor=world.county, organiser_region=luoding, kind=kind, held_on=held_on,
                        topic="培训", hours=Decimal(3))  # fmt: skip
    # a station's training counts for its county
    training_record(actor=world.head_a, station=world.station_a, kind=TrainingKind.PROFESSIONAL,
                    held_on=date(2021, 6, 1), topic="站内培训", hours=Decimal(2))  # fmt: skip
    row, table = _luoding(date(2021, 8, 9))
    assert row.trainings == 3
    assert table.total.trainings == 3
    # a period given by hand
    city = Region.objects.get(code="445300000000")
    assert progress_table(city, date(2021, 8, 9), start=date(2020, 12, 1)).total.trainings == 4


def test_the_table_page_runs_a_fixed_number_of_queries(client, world):
    """The same queries for two stations or two hundred: aggregates per county, not a query per site."""
    _built(world, world.station_a, world.station_b, world.point_a, world.point_b)
    client.force_login(world.city)
    url = "/stations/progress/?region=445300000000&as_of=2021-08-09"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for letter in "ab":
        station = getattr(world, f"station_{letter}")
        equipment_record(actor=world.county, station=station, items=ALL, effective_on=BUILT)
        equipment_record(
            actor=world.county, station=station, items=ALL[2:], effective_on=BUILT + timedelta(days=3)
        )
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(few) <= 20
    sites_url = "/stations/progress/sites/?region=445381000000&as_of=2021-08-09"
    with CaptureQueriesContext(connection) as sites:
        response = client.get(sites_url)
    assert len(response.context["lines"]) == 4 and len(sites) <= 12
