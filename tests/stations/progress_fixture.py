"""A city's construction records built through the services, from a plan of figures per county.

`YUNFU_2021` is the table of seed 001 (as of 2021-08-09). Nothing here writes a cell of the table: each figure
becomes the records behind it (stations and points with their dates, staff hired onto them, checklists,
progress reports, trainings), and the table must add them up to the seed's numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from shuangbai.core.models import User
from shuangbai.regions.models import Region
from shuangbai.staff.models import Position, TrainingKind
from shuangbai.staff.services import staff_cover_start, staff_create, training_record
from shuangbai.stations.models import EquipmentItem, SiteStatus
from shuangbai.stations.services import (
    equipment_record,
    point_create,
    progress_report_record,
    station_create,
)

ITEMS = EquipmentItem.values


@dataclass(frozen=True)
class Report:
    plan_issued: bool = True
    coordination: bool = True
    management: bool = False
    funding_requested: bool = False
    funding_approved: bool = False
    funding_amount: Decimal | None = None
    funding_note: str = ""


@dataclass(frozen=True)
class CountyFigures:
    name: str
    stations: int
    station_staff: int
    points: int
    point_posts: int  # the county's cell: people posted at its points, a 兼任 counted at each point
    covers: int  # of those posts, how many are a second point of a worker already counted
    report: Report
    trainings: int
    # missing equipment items at a few sites; every other site with an office has all 8
    station_missing: tuple[int, ...] = (1,)
    point_missing: tuple[int, ...] = (2,)


@dataclass(frozen=True)
class CityFigures:
    as_of: date
    counties: list[CountyFigures]
    city_report: Report
    city_trainings: int
    built_on: date = date(2021, 7, 1)
    extra: dict = field(default_factory=dict)


YUNFU_2021 = CityFigures(
    as_of=date(2021, 8, 9),
    counties=[
        CountyFigures("云城区", 8, 16, 19, 47, 3, Report(funding_note="正在测算费用，拟报区政府。"), 1),
        CountyFigures(
            "云安区",
            7,
            14,
            17,
            42,
            3,
            # no note: the table's words come from the flags and the amount
            Report(funding_requested=True, funding_approved=True, funding_amount=Decimal("165.7")),
            1,
        ),
        CountyFigures(
            "罗定市",
            21,
            28,
            50,
            131,
            4,
            Report(funding_note="正在测算费用，拟报市政府。"),
            3,
            point_missing=(3, 1, 5),
        ),
        CountyFigures(
            "新兴县",
            12,
            24,
            30,
            82,
            2,
            Report(funding_note="测算县本级经费约232.92万元,已报请县政府审定。目前进入签批环节。"),
            1,
            station_missing=(2, 1),
        ),
        CountyFigures("郁南县", 15, 30, 30, 62, 2, Report(funding_note="已落实。"), 2),
    ],
    city_report=Report(
        management=True,
        funding_requested=True,
        funding_approved=True,
        funding_amount=Decimal("161"),
        funding_note="已落实。2021年已下拨市级经费161万元，其他相关费用按财政意见据实申报。",
    ),
    city_trainings=2,
)


def _spread(total: int, buckets: int) -> list[int]:
    return [total // buckets + (1 if i < total % buckets else 0) for i in range(buckets)]


def _report(actor: User, region: Region, report: Report, on: date) -> None:
    progress_report_record(
        actor=actor,
        region=region,
        effective_on=on,
        plan_issued=report.plan_issued,
        plan_issued_on=on if report.plan_issued else None,
        coordination=report.coordination,
        management=report.management,
        funding_requested=report.funding_requested,
        funding_approved=report.funding_approved,
        funding_amount=report.funding_amount,
        funding_note=report.funding_note,
    )


def _checklist(missing: int) -> list[str]:
    return ITEMS[missing:]


def build_city(actor: User, city: Region, figures: CityFigures) -> dict[str, list]:
    """Records for every county of `figures` under `city`; returns {county name: [stations, points]}."""
    built = figures.built_on
    hired = 0
    sites: dict[str, list] = {}
    for spec in figures.counties:
        county = Region.objects.get(parent=city, name=spec.name)
        towns = list(Region.objects.filter(parent=county, level="town").order_by("code"))[: spec.stations]
        assert len(towns) == spec.stations, (
            f"{spec.name} has {len(towns)} towns, the figures need {spec.stations}"
        )
        stations = [
            station_create(
                actor=actor,
                town=town,
                status=SiteStatus.OPERATING,
                planned_year=built.year,
                built_on=built,
                office_secured_on=built,
            )
            for town in towns
        ]
        points = []
        for station, n in zip(stations, _spread(spec.points, len(stations)), strict=True):
            for i in range(n):
                points.append(
                    point_create(
                        actor=actor,
                        station=station,
                        name=f"{station.town.name}第{i + 1}社工点",
                        status=SiteStatus.OPERATING,
                        planned_year=built.year,
                        built_on=built,
                        office_secured_on=built,
                    )
                )
        for sites_of_kind, missing in ((stations, spec.station_missing), (points, spec.point_missing)):
            for i, site in enumerate(sites_of_kind):
                equipment_record(
                    actor=actor,
                    station=site if site in stations else site.station,
                    point=None if site in stations else site,
                    items=_checklist(missing[i] if i < len(missing) else 0),
                    effective_on=built,
                )

        def hire(station, point=None, position=Position.WORKER):
            nonlocal hired
            hired += 1
            return staff_create(
                actor=actor,
                name=f"社工{hired}",
                gender="F",
                hired_on=built,
                station=station,
                point=point,
                position=position,
            )

        for station, n in zip(stations, _spread(spec.station_staff, len(stations)), strict=True):
            for i in range(n):
                hire(station, position=Position.HEAD if i == 0 else Position.WORKER)
        people = spec.point_posts - spec.covers
        point_workers = []
        for point, n in zip(points, _spread(people, len(points)), strict=True):
            point_workers.extend(hire(point.station, point) for _ in range(n))
        # each cover: a worker of one point also serving the next point
        for i in range(spec.covers):
            worker = point_workers[i]
            other = next(p for p in points if p.pk != worker.point_id and p.station_id == worker.station_id)
            staff_cover_start(actor=actor, staff=worker, point=other, started_on=built)
        _report(actor, county, spec.report, built)
        for i in range(spec.trainings):
            training_record(
                actor=actor,
                organiser_region=county,
                kind=TrainingKind.PROFESSIONAL if i else TrainingKind.INDUCTION,
                held_on=built + timedelta(days=1 + i),
                topic=f"{spec.name}社工业务培训第{i + 1}期",
                hours=Decimal("6"),
            )
        sites[spec.name] = [stations, points]
    _report(actor, city, figures.city_report, built)
    for i in range(figures.city_trainings):
        training_record(
            actor=actor,
            organiser_region=city,
            kind=TrainingKind.PROFESSIONAL,
            held_on=built + timedelta(days=10 + i),
            topic=f"全市社工专业培训第{i + 1}期",
            hours=Decimal("8"),
        )
    return sites
