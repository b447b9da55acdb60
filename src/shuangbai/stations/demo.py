"""The demo's construction records: what the 2021-08-09 table of seed 001 shows, and what changed after.

On 2021-07-01 every station and point was built with its office (demo.py). This adds, dated:
- the equipment checklists of 2021: each county's stations lack an item or two at a few sites (基本配备);
  罗定市 has points lacking three or more (未配备齐全), the others' points one or two;
- each county's and the city level's plan, mechanisms and funding, in the bureaus' own words;
- 2022: 罗定市's points equipped; funding approved in 云城区 and 罗定市;
- 2022: 云安区 grows from 17 to 38 points, and to 96 social workers (seed 000, as of 2023-02-10).
The 2021 table still comes out the same afterwards: every change is a new dated record.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from shuangbai.core.models import User
from shuangbai.regions.models import Region
from shuangbai.stations.models import EquipmentItem, Point, SiteStatus, Station
from shuangbai.stations.services import equipment_record, point_create, progress_report_record

CITY_CODE = "445300000000"
OPENED = date(2021, 7, 1)
REPORTED = date(2021, 7, 15)
ITEMS = EquipmentItem.values
# Items a site most often lacks first, as the bureaus' inspections found them.
OFTEN_MISSING = ["air_conditioner", "printer", "fire_safety", "filing_cabinet", "telephone"]

# county code -> (missing items at its first stations, at its first points); every other site has all 8
EQUIPMENT_2021 = {
    "445302000000": ((1, 2), (1, 1, 2)),  # 云城区
    "445303000000": ((1,), (2, 1)),  # 云安区
    "445381000000": ((2, 1, 1), (3, 4, 1, 2, 3)),  # 罗定市: points 未配备齐全
    "445321000000": ((1,), (1, 2)),  # 新兴县
    "445322000000": ((2,), (1,)),  # 郁南县
}

# region code -> the progress report of 2021-07-15 (seed 001's table)
REPORTS_2021 = {
    "445302000000": {"funding_note": "正在测算费用，拟报区政府。"},
    "445303000000": {
        "funding_requested": True,
        "funding_approved": True,
        "funding_amount": Decimal("165.7"),
        "funding_note": "已落实，165.7万元。",
    },
    "445381000000": {"funding_note": "正在测算费用，拟报市政府。"},
    "445321000000": {
        "funding_requested": True,
        "funding_amount": Decimal("232.92"),
        "funding_note": "测算县本级经费约232.92万元,已报请县政府审定。目前进入签批环节。",
    },
    "445322000000": {"funding_requested": True, "funding_approved": True, "funding_note": "已落实。"},
    CITY_CODE: {
        "management": True,
        "funding_requested": True,
        "funding_approved": True,
        "funding_amount": Decimal("161"),
        "funding_note": "已落实。2021年已下拨市级经费161万元，其他相关费用按财政意见据实申报。",
    },
}

# 2022: the records that changed
REPORTS_2022 = {
    "445302000000": (
        date(2022, 3, 1),
        {"funding_requested": True, "funding_approved": True, "funding_amount": Decimal("128.4")},
    ),
    "445381000000": (
        date(2022, 4, 1),
        {
            "management": True,
            "funding_requested": True,
            "funding_approved": True,
            "funding_amount": Decimal("386"),
        },
    ),
}
YUNAN_2022 = date(2022, 6, 30)  # 云安区's new points built, their workers hired the day after
YUNAN_NEW_POINTS = 21
YUNAN_NEW_WORKERS = 43


def _items_without(missing: int) -> list[str]:
    gone = set(OFTEN_MISSING[:missing])
    return [item for item in ITEMS if item not in gone]


def _sites(county_code: str) -> tuple[list[Station], list[Point]]:
    prefix = county_code[:6]
    stations = list(Station.objects.filter(region_code__startswith=prefix).order_by("region_code", "id"))
    points = list(Point.objects.filter(region_code__startswith=prefix).order_by("region_code", "id"))
    return stations, points


def load_construction(actor: User) -> None:
    """The 2021 checklists and reports, then 2022's changes."""
    for county_code, (station_missing, point_missing) in EQUIPMENT_2021.items():
        stations, points = _sites(county_code)
        for i, station in enumerate(stations):
            missing = station_missing[i] if i < len(station_missing) else 0
            equipment_record(actor=actor, station=station, items=_items_without(missing), effective_on=OPENED)
        for i, point in enumerate(points):
            missing = point_missing[i] if i < len(point_missing) else 0
            equipment_record(
                actor=actor,
                station=point.station,
                point=point,
                items=_items_without(missing),
                effective_on=OPENED,
            )
    for code, fields in REPORTS_2021.items():
        progress_report_record(
            actor=actor,
            region=Region.objects.get(code=code),
            effective_on=REPORTED,
            plan_issued=True,
            plan_issued_on=date(2021, 6, 20),
            coordination=True,
            **fields,
        )
    # 2022: 罗定市's points get what they lacked
    _, points = _sites("445381000000")
    for point in points[: len(EQUIPMENT_2021["445381000000"][1])]:
        equipment_record(
            actor=actor, station=point.station, point=point, items=ITEMS, effective_on=date(2022, 3, 15)
        )
    for code, (effective_on, fields) in REPORTS_2022.items():
        progress_report_record(
            actor=actor,
            region=Region.objects.get(code=code),
            effective_on=effective_on,
            plan_issued=True,
            plan_issued_on=date(2021, 6, 20),
            coordination=True,
            **fields,
        )


def load_yunan_2022(actor: User, *, villages, hire) -> None:
    """云安区's 21 new points of 2022 and their 43 workers: 7 stations, 38 points and 96 workers by 2023-02-10.
    `villages(town, count, after=n)` and `hire(station, point, hired_on)` are the demo's own builders."""
    rng = random.Random(2022)
    stations, points = _sites("445303000000")
    built = {"planned_year": 2022, "built_on": YUNAN_2022, "office_secured_on": YUNAN_2022}
    new_points = []
    for i, station in enumerate(stations):
        have = sum(1 for point in points if point.station_id == station.pk)
        count = YUNAN_NEW_POINTS // len(stations) + (1 if i < YUNAN_NEW_POINTS % len(stations) else 0)
        for village in villages(station.town, count, after=have):
            point = point_create(
                actor=actor,
                station=station,
                village=village,
                name=f"{village.name}社工点",
                status=SiteStatus.OPERATING,
                opened_on=YUNAN_2022,
                **built,
            )
            missing = rng.choice((0, 0, 1))
            equipment_record(
                actor=actor,
                station=station,
                point=point,
                items=_items_without(missing),
                effective_on=YUNAN_2022,
            )
            new_points.append(point)
    for i in range(YUNAN_NEW_WORKERS):
        point = new_points[i % len(new_points)]
        hire(point.station, point, date(2022, 7, 1))
