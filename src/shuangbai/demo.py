"""The Yunfu demo: the programme as the city's 2021-08-09 construction table has it.

Real: the region tree down to towns (shipped in data/regions-yunfu.csv) and the counts per county of the table
(stations 8/7/21/12/15, points 19/17/50/30/30, station staff 16/14/28/24/30, point staff 47/42/131/82/62).
Fictional, and marked so: village codes, every person's name and phone number. Village names the bulletins mention
(双上村, 夏袭, 碧塘 ...) are used for the points of their towns. Everything is created through the services, so the
demo also exercises them. Loading twice changes nothing.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from datetime import date
from importlib import resources

from django.db import transaction

from shuangbai.core.models import Role, User
from shuangbai.core.services import user_create
from shuangbai.regions.models import Region
from shuangbai.regions.services import RegionRow, read_region_csv, regions_load
from shuangbai.staff.models import Position
from shuangbai.staff.services import staff_create
from shuangbai.stations.models import SiteStatus, Station
from shuangbai.stations.services import point_create, station_create

CITY_CODE = "445300000000"
DEFAULT_PASSWORD = "shuangbai-demo"
OPENED = date(2021, 7, 1)  # stations, points and the first hires: before the 2021-08-09 table


@dataclass(frozen=True)
class CountyPlan:
    code: str
    points: int
    station_staff: int
    point_staff: int


# The 2021-08-09 table (seed 001): points, staff at stations, staff at points, per county.
PLAN = [
    CountyPlan("445302000000", 19, 16, 47),  # 云城区
    CountyPlan("445303000000", 17, 14, 42),  # 云安区
    CountyPlan("445381000000", 50, 28, 131),  # 罗定市
    CountyPlan("445321000000", 30, 24, 82),  # 新兴县
    CountyPlan("445322000000", 30, 30, 62),  # 郁南县
]

# Places the bulletins name, by town: their points come first in that town.
NAMED_VILLAGES = {
    "河口街道": ["双上村"],
    "都城镇": ["夏袭村"],
    "东成镇": ["碧塘村"],
    "六都镇": ["上六村", "佛水村"],
    "素龙街道": ["大甲村", "凤塘村"],
    "罗城街道": ["柑园社区"],
    "水台镇": ["六乡社区"],
    "桂圩镇": ["罗顺村"],
}
VILLAGE_WORDS = [
    "石岗",
    "新联",
    "大坪",
    "龙岗",
    "塘口",
    "竹围",
    "河背",
    "上洞",
    "下坑",
    "水口",
    "长岗",
    "白沙",
    "高村",
    "东坑",
    "西岸",
    "南山",
    "北岭",
    "联和",
    "新屋",
    "坑尾",
]
SURNAMES = [
    "陈",
    "李",
    "黄",
    "梁",
    "何",
    "林",
    "罗",
    "张",
    "吴",
    "邓",
    "冯",
    "欧",
    "谢",
    "杨",
    "叶",
    "周",
    "麦",
    "苏",
    "郑",
    "彭",
]
GIVEN = [
    "丽",
    "敏",
    "婷",
    "芳",
    "燕",
    "静",
    "霞",
    "红",
    "慧",
    "颖",
    "杰",
    "伟",
    "强",
    "斌",
    "俊",
    "明",
    "华",
    "辉",
    "涛",
    "锋",
    "玲",
    "雪",
    "晓",
    "佳",
    "欣",
    "雯",
    "志",
    "文",
    "海",
    "晴",
]

# The fixed demo logins guides name: (username, role, scope, display name)
LOGINS = [
    ("province", Role.PROVINCE, "440000000000", "省厅演示用户"),
    ("city", Role.CITY, CITY_CODE, "云浮市民政局演示用户"),
    ("county", Role.COUNTY, "445381000000", "罗定市民政局演示用户"),
    ("head", Role.STATION_HEAD, "445381002000", None),  # the head of the 素龙街道 station
    ("worker", Role.WORKER, "445381002000", None),  # a worker of 素龙街道
    ("supervisor", Role.SUPERVISOR, "445381000000", "罗定市督导（演示）"),
    ("viewer", Role.VIEWER, CITY_CODE, "云浮市只读看板用户"),
]


def demo_password() -> str:
    return os.environ.get("SHUANGBAI_DEMO_PASSWORD") or DEFAULT_PASSWORD


def _load_regions() -> None:
    csv_bytes = resources.files("shuangbai").joinpath("data/regions-yunfu.csv").read_bytes()
    regions_load(read_region_csv(csv_bytes))


def _spread(total: int, buckets: int) -> list[int]:
    """`total` spread as evenly as possible over `buckets`, larger shares first."""
    return [total // buckets + (1 if i < total % buckets else 0) for i in range(buckets)]


class _Names:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def person(self) -> str:
        while True:
            name = self.rng.choice(SURNAMES) + "".join(
                self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2)))
            )
            if name not in self.used:
                self.used.add(name)
                return name

    def phone(self) -> str:
        return "139" + "".join(str(self.rng.randrange(10)) for _ in range(8))


def _villages(town: Region, count: int) -> list[Region]:
    names = list(NAMED_VILLAGES.get(town.name, []))
    words = iter(VILLAGE_WORDS)
    while len(names) < count:
        names.append(next(words) + "村")
    rows = [
        RegionRow(
            line=i, code=f"{town.prefix}{200 + i:03d}", name=name, parent_code=town.code, level="village"
        )
        for i, name in enumerate(names[:count], start=1)
    ]
    regions_load(rows, fictional=True)
    return list(Region.objects.filter(code__in=[row.code for row in rows]).order_by("code"))


def _hire(
    actor: User | None, names: _Names, station: Station, *, point=None, position=Position.WORKER
) -> None:
    staff_create(
        actor=actor,
        name=names.person(),
        gender=names.rng.choice("FFFM"),
        phone=names.phone(),
        qualification=names.rng.choice(["none", "assistant", "assistant", "social_worker"]),
        hired_on=OPENED,
        station=station,
        point=point,
        position=position,
    )


def _build_county(actor: User | None, plan: CountyPlan, names: _Names) -> None:
    towns = list(Region.objects.filter(parent__code=plan.code, level="town").order_by("code"))
    stations = [
        station_create(
            actor=actor,
            town=town,
            status=SiteStatus.OPERATING,
            opened_on=OPENED,
            address=f"{town.name}政府大院内",
        )
        for town in towns
    ]
    points = []
    for station, town, n_points in zip(stations, towns, _spread(plan.points, len(stations)), strict=True):
        for village in _villages(town, n_points):
            points.append(
                point_create(
                    actor=actor,
                    station=station,
                    village=village,
                    name=f"{village.name}社工点",
                    status=SiteStatus.OPERATING,
                    opened_on=OPENED,
                )
            )
    for station, n_staff in zip(stations, _spread(plan.station_staff, len(stations)), strict=True):
        for i in range(n_staff):
            _hire(actor, names, station, position=Position.HEAD if i == 0 else Position.WORKER)
    for point, n_staff in zip(points, _spread(plan.point_staff, len(points)), strict=True):
        for _ in range(n_staff):
            _hire(actor, names, point.station, point=point)


def _create_logins(password: str) -> list[tuple[str, str, str]]:
    created = []
    for username, role, scope, display_name in LOGINS:
        user = User.objects.filter(username=username).first()
        if user is None:
            staff = None
            if role in (Role.STATION_HEAD, Role.WORKER):
                station = Station.objects.active().get(town__code=scope)
                position = Position.HEAD if role == Role.STATION_HEAD else Position.WORKER
                staff = (
                    station.staff.in_post()
                    .filter(position=position, point__isnull=True)
                    .order_by("id")
                    .first()
                )
                staff = staff or station.staff.in_post().filter(position=position).order_by("id").first()
                display_name = staff.name
            user = user_create(
                actor=None,
                username=username,
                password=password,
                role=role,
                scope_code=scope,
                display_name=display_name or username,
                staff=staff,
            )
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
        scope_name = user.scope_station.name if user.scope_station_id else Region.objects.get(code=scope).name
        created.append((username, user.get_role_display(), scope_name))
    return created


@transaction.atomic
def load_demo(*, password: str | None = None) -> list[tuple[str, str, str]]:
    """Load the Yunfu demo into the current database (idempotent); return (login, role, scope) rows."""
    _load_regions()
    if not Station.objects.filter(region_code__startswith="4453").exists():
        names = _Names(random.Random(20210809))
        for plan in PLAN:
            _build_county(None, plan, names)
    return _create_logins(password or demo_password())
