"""Deterministic synthetic data for benchmarks and demos: a Guangdong-sized programme, or any fraction of it.

At scale 1: 21 cities, 120 counties, 1,600 towns, 26,000 villages under province 44; one operating station per
town, one point per village, a head per station and workers on most points (about 26,000 staff in all), each
with one open assignment. The same seed always gives the same data.

Every synthetic region is marked `fictional` and its city code is one Guangdong does not use (4481-4499 first,
then 4471-4479, 4461-4470, 4455-4459; never the real 4401-4420 or 4451-4453), so synthetic data never collides
with a real tree loaded beside it (for example Yunfu, 4453). One synthetic set per database: a second build
is refused.

Fast by construction: regions through `regions_load` (bulk), everything else by `bulk_create` in batches,
no per-row validation and no per-row audit; the rows are right by construction.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

from django.db import transaction

from shuangbai.regions.models import Level, Region
from shuangbai.regions.services import RegionRow, regions_load
from shuangbai.staff.models import Assignment, Gender, Kind, Position, Qualification, Staff, StaffStatus
from shuangbai.stations.models import Point, SiteStatus, Station

PROVINCE_CODE = "440000000000"
PROVINCE_NAME = "广东省"

# Two-digit city numbers under 44 that no real Guangdong city uses, in the order they are handed out.
CITY_NUMBERS = [*range(81, 100), *range(71, 80), *range(61, 71), *range(55, 60)]

# Counts at scale 1.
BASE = {"cities": 21, "counties": 120, "towns": 1600, "villages": 26000, "staff": 26000}

BATCH_SIZE = 2000
REGION_CHUNK = 5000  # rows per regions_load call: keeps its IN (...) lists well under SQLite's variable limit

NAME_CHARS = (
    "安宁平和康泰兴隆福寿永昌华明新德清源丰乐顺达嘉祥瑞云山河湖海江溪岭峰林桥塘洲湾田沙石金银玉宝"
    "龙凤鹤鹿松竹梅兰荷桂东南西北中上下大小长高仁义礼信文武广盛荣富贵吉庆英秀美佳春秋朝阳"
)
SURNAMES = "陈李黄张梁林刘吴罗何郑杨谢邓冯曾彭蔡许苏卢叶朱钟潘余赖廖周徐胡马王温邱"
GIVEN_CHARS = "伟芳娜敏静丽强磊洋艳勇军杰娟涛明超秀霞平刚桂英华玲红梅兰燕飞鹏辉婷雪琳晓欣怡佳颖嘉俊文斌宇"
QUALIFICATIONS = [
    (Qualification.NONE, 35),
    (Qualification.ASSISTANT, 45),
    (Qualification.SOCIAL_WORKER, 18),
    (Qualification.SENIOR, 2),
]
FIRST_OPENED = date(2019, 1, 1)


class SynthError(Exception):
    pass


def synth_counts(scale: float) -> dict[str, int]:
    """How many of each thing a build at `scale` makes: at least one city, county and town."""
    if not scale > 0:
        raise SynthError("规模（scale）必须大于 0。")
    counties = max(1, round(BASE["counties"] * scale))
    cities = min(max(1, round(BASE["cities"] * scale)), len(CITY_NUMBERS), counties)
    towns = max(counties, round(BASE["towns"] * scale))
    villages = max(towns, round(BASE["villages"] * scale))
    if counties > 99 * cities or towns > 99 * counties:
        raise SynthError(
            f"规模 {scale} 太大：虚构区划代码不够用（最多约 {len(CITY_NUMBERS) * 99 // 120} 倍）。"
        )
    return {"cities": cities, "counties": counties, "towns": towns, "villages": villages}


def synthetic_city_codes() -> list[str]:
    return [f"44{number:02d}00000000" for number in CITY_NUMBERS]


def _split(total: int, parts: int, rng: random.Random, spread: float = 0.45) -> list[int]:
    """`total` shared among `parts`, unevenly but each at least 1; the sum is exact."""
    weights = [1 + rng.uniform(-spread, spread) for _ in range(parts)]
    scale = total / sum(weights)
    raw = [weight * scale for weight in weights]
    shares = [max(1, int(value)) for value in raw]
    by_remainder = sorted(range(parts), key=lambda i: raw[i] - int(raw[i]), reverse=True)
    i = 0
    while sum(shares) < total:
        shares[by_remainder[i % parts]] += 1
        i += 1
    while sum(shares) > total:
        largest = max(range(parts), key=lambda i: shares[i])
        shares[largest] -= 1
    return shares


class _Names:
    """Plausible, fictional two-character place names (unique among those sharing `used`) and person names."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def place(self, suffix: str, used: set[str] | None = None) -> str:
        used = self.used if used is None else used
        for _ in range(50):
            name = "".join(self.rng.choices(NAME_CHARS, k=2)) + suffix
            if name not in used:
                break
        else:
            name = "".join(self.rng.choices(NAME_CHARS, k=3)) + suffix
        used.add(name)
        return name

    def person(self) -> str:
        given = "".join(self.rng.choices(GIVEN_CHARS, k=self.rng.choice((1, 2, 2))))
        return self.rng.choice(SURNAMES) + given


def _day_after(start: date, rng: random.Random, max_days: int) -> date:
    return start + timedelta(days=rng.randrange(max_days))


def _mobile(rng: random.Random) -> str:
    return rng.choice(("135", "137", "138", "139", "150", "159", "188")) + f"{rng.randrange(10**8):08d}"


def _region_rows(
    counts: dict[str, int], rng: random.Random
) -> tuple[list[RegionRow], dict[str, tuple[str, str]]]:
    """The region tree below the province, parents first; and {code: (full place, name)} of each town."""
    names = _Names(rng)
    rows: list[RegionRow] = []
    towns: dict[str, tuple[str, str]] = {}

    def add(code: str, name: str, parent: str, level: Level) -> None:
        rows.append(
            RegionRow(line=len(rows) + 1, code=code, name=name, parent_code=parent, level=level.value)
        )

    city_numbers = CITY_NUMBERS[: counts["cities"]]
    counties_per_city = _split(counts["counties"], len(city_numbers), rng)
    towns_per_county = _split(counts["towns"], counts["counties"], rng)
    villages_per_town = _split(counts["villages"], counts["towns"], rng)
    county_index = town_index = 0
    for city_number, county_count in zip(city_numbers, counties_per_city, strict=True):
        city_prefix = f"44{city_number:02d}"
        city_name = names.place("市")
        add(f"{city_prefix}00000000", city_name, PROVINCE_CODE, Level.CITY)
        for county_number in range(1, county_count + 1):
            district = county_number <= 2  # the first counties of a city are its urban districts
            county_prefix = f"{city_prefix}{county_number:02d}"
            county_name = names.place("区" if district else "县")
            add(f"{county_prefix}000000", county_name, f"{city_prefix}00000000", Level.COUNTY)
            town_count = towns_per_county[county_index]
            county_index += 1
            for t in range(town_count):
                # Statistical practice: streets (街道) numbered from 001, towns (镇) from 100.
                town_prefix = f"{county_prefix}{(t + 1) if district else (100 + t):03d}"
                town_name = names.place("街道" if district else "镇")
                town_code = f"{town_prefix}000"
                add(town_code, town_name, f"{county_prefix}000000", Level.TOWN)
                towns[town_code] = (f"{city_name}{county_name}{town_name}", town_name)
                village_count = villages_per_town[town_index]
                town_index += 1
                communities = max(1, village_count // 5) if district else max(1, village_count // 8)
                siblings: set[str] = set()
                for v in range(village_count):
                    # Communities (社区/居委会) from 001, villages (村委会) from 200.
                    if v < communities:
                        code, suffix = f"{town_prefix}{v + 1:03d}", "社区"
                    else:
                        code, suffix = f"{town_prefix}{200 + v - communities:03d}", "村"
                    add(code, names.place(suffix, siblings), town_code, Level.VILLAGE)
    return rows, towns


def _load_regions(rows: list[RegionRow]) -> None:
    by_level: dict[str, list[RegionRow]] = {}
    for row in rows:
        by_level.setdefault(row.level, []).append(row)
    for level in (Level.CITY, Level.COUNTY, Level.TOWN, Level.VILLAGE):
        batch = by_level.get(level.value, [])
        for start in range(0, len(batch), REGION_CHUNK):
            regions_load(batch[start : start + REGION_CHUNK], fictional=True)


def _ids(level: Level, codes: set[str]) -> dict[str, int]:
    """{code: id} of the given regions of one level: a range scan over the synthetic cities, filtered here."""
    found = (
        Region.objects.filter(level=level, code__gte=min(codes), code__lte=max(codes))
        .order_by()
        .values_list("code", "id")
    )
    return {code: pk for code, pk in found if code in codes}


def _pick_qualification(rng: random.Random) -> str:
    values, weights = zip(*QUALIFICATIONS, strict=True)
    return rng.choices(values, weights=weights)[0]


@transaction.atomic
def synth_build(scale: float, *, seed: int = 1) -> dict:
    """Build the synthetic programme at `scale` (1 = Guangdong) with `seed`; return the counts and seconds."""
    started = time.perf_counter()
    counts = synth_counts(scale)
    existing = Region.objects.filter(code__in=synthetic_city_codes()).count()
    if existing:
        raise SynthError(
            f"本数据库已有合成数据（{existing} 个虚构市，代码 44{CITY_NUMBERS[0]}… 等），不重复生成。"
            "如需重建，请换一个空数据库。"
        )
    rng = random.Random(seed)

    if not Region.objects.filter(code=PROVINCE_CODE).exists():
        regions_load(
            [RegionRow(line=1, code=PROVINCE_CODE, name=PROVINCE_NAME, parent_code="", level="province")]
        )
    rows, towns = _region_rows(counts, rng)
    _load_regions(rows)

    village_names = {row.code: row.name for row in rows if row.level == Level.VILLAGE}
    town_ids = _ids(Level.TOWN, set(towns))
    village_ids = _ids(Level.VILLAGE, set(village_names))
    names = _Names(rng)

    stations = []
    for town_code in sorted(towns):
        place, town_name = towns[town_code]
        opened = _day_after(FIRST_OPENED, rng, 3 * 365)
        stations.append(
            Station(
                name=f"{town_name}社工站",
                town_id=town_ids[town_code],
                region_code=town_code,
                address=f"{place}{names.place('路', set())}{rng.randrange(1, 300)}号",
                phone=f"0{rng.randrange(660, 770)}-{rng.randrange(10**7):07d}",
                opened_on=opened,
                status=SiteStatus.OPERATING,
            )
        )
    Station.objects.bulk_create(stations, batch_size=BATCH_SIZE)
    station_by_town = {station.region_code: station for station in stations}

    points = []
    for village_code in sorted(village_names):
        station = station_by_town[village_code[:9] + "000"]
        points.append(
            Point(
                name=f"{village_names[village_code]}社工点",
                station_id=station.pk,
                village_id=village_ids[village_code],
                region_code=village_code,
                address=f"{towns[station.region_code][0]}{village_names[village_code]}",
                opened_on=_day_after(station.opened_on, rng, 2 * 365),
                status=SiteStatus.OPERATING,
            )
        )
    Point.objects.bulk_create(points, batch_size=BATCH_SIZE)

    # A head at every station; the rest of the staff on points, at most one new worker per point.
    staff_target = max(len(stations), round(BASE["staff"] * scale))
    worker_points = sorted(
        rng.sample(range(len(points)), min(len(points), staff_target - len(stations))),
    )

    def hire(
        *, station_id: int, point_id: int | None, position: str, region_code: str, opened_on, within: int
    ):
        # Draws from rng in one fixed order (name, gender, phone, qualification, hire date): determinism.
        return Staff(
            kind=Kind.WORKER,
            name=names.person(),
            gender=rng.choice((Gender.FEMALE, Gender.FEMALE, Gender.MALE)),
            phone=_mobile(rng),
            qualification=_pick_qualification(rng),
            hired_on=_day_after(opened_on, rng, within),
            status=StaffStatus.IN_POST,
            station_id=station_id,
            point_id=point_id,
            position=position,
            region_code=region_code,
        )

    staff: list[Staff] = [
        hire(
            station_id=station.pk,
            point_id=None,
            position=Position.HEAD,
            region_code=station.region_code,
            opened_on=station.opened_on,
            within=90,
        )
        for station in stations
    ]
    for index in worker_points:
        point = points[index]
        staff.append(
            hire(
                station_id=point.station_id,
                point_id=point.pk,
                position=Position.WORKER,
                region_code=point.region_code,
                opened_on=point.opened_on,
                within=365,
            )
        )
    Staff.objects.bulk_create(staff, batch_size=BATCH_SIZE)
    assignments = [
        Assignment(
            staff_id=person.pk,
            station_id=person.station_id,
            point_id=person.point_id,
            position=person.position,
            started_on=person.hired_on,
            region_code=person.region_code,
        )
        for person in staff
    ]
    Assignment.objects.bulk_create(assignments, batch_size=BATCH_SIZE)

    return {
        "seed": seed,
        "scale": scale,
        **counts,
        "stations": len(stations),
        "points": len(points),
        "staff": len(staff),
        "assignments": len(assignments),
        "seconds": round(time.perf_counter() - started, 2),
    }
