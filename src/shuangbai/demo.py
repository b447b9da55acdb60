"""The Yunfu demo: the programme as the city's 2021-08-09 construction table has it, and its registry.

Real: the region tree down to towns (shipped in data/regions-yunfu.csv) and the counts per county of the table
(stations 8/7/21/12/15, points 19/17/50/30/30, station staff 16/14/28/24/30, point staff 47/42/131/82/62).
Fictional, and marked so: village codes, every person's name, phone number and ID number. Village names the
bulletins mention (双上村, 夏袭, 碧塘 ...) are used for the points of their towns.

The registry (建档立卡): at every station some fictional households and beneficiaries in the proportions of a
town's ledger (drawn by the synthetic-data generator's ledger, two dozen or so a station), and the people the
bulletins describe: 河口街道's 45 civil-affairs households, 12 near-poverty people, 3 very old people living alone,
4 left-behind children and 16 people with disabilities (小陈 among them); 素龙街道's 20 households of women and
children in hardship, 10 anti-relapse households and 46 dispersed extreme-poverty elderly; 郁南县's dispersed
extreme-poverty dependants over its 15 towns; 桂圩镇's 小Q. The ID numbers are fictional: they carry a real Yunfu
county prefix and pass the check digit, and belong to nobody.

Everything is created through the services, so the demo also exercises them. Loading twice changes nothing.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from importlib import resources

from django.db import transaction
from django.db.models import Min

from shuangbai.activities import demo as activities_demo
from shuangbai.assistance import demo as assistance_demo
from shuangbai.bulletins import demo as bulletins_demo
from shuangbai.cases import demo as cases_demo
from shuangbai.core.models import Role, User, system_actor
from shuangbai.core.scoping import unscoped
from shuangbai.regions.models import Region
from shuangbai.regions.services import RegionRow, read_region_csv, regions_load
from shuangbai.registry.catalogue import seed_categories
from shuangbai.registry.models import (
    Beneficiary,
    Category,
    DisabilityType,
    Household,
    LivingSituation,
    Relation,
    RiskLevel,
)
from shuangbai.registry.services import beneficiary_exit, beneficiary_register, household_register
from shuangbai.staff.accounts import user_create
from shuangbai.staff.demo import load_demo_trainings
from shuangbai.staff.models import Position, Staff
from shuangbai.staff.recruitment_demo import load_demo_recruitment
from shuangbai.staff.services import staff_cover_start, staff_create
from shuangbai.stations import demo as construction
from shuangbai.stations.models import Point, SiteStatus, Station
from shuangbai.stations.services import point_create, station_create
from shuangbai.supervision import demo as supervision_demo
from shuangbai.synth import AS_OF, GIVEN_CHARS, Ledger, LedgerPerson

Progress = Callable[[str], None]

CITY_CODE = "445300000000"
DEFAULT_PASSWORD = "shuangbai-demo"
OPENED = date(2021, 7, 1)  # stations, points and the first hires: before the 2021-08-09 table


@dataclass(frozen=True)
class CountyPlan:
    code: str
    points: int
    station_staff: int
    point_staff: int  # posts at points: a worker covering a second point (兼任) holds two
    covers: int


# The 2021-08-09 table (seed 001): points, staff at stations, staff at points, per county. The seed's 合计 of
# staff at points is 350 while its rows add up to 364: 14 workers each also cover a second point of their
# station, counted at both points in their county's cell and once in the 合计 (see stations/progress.py).
PLAN = [
    CountyPlan("445302000000", 19, 16, 47, 3),  # 云城区
    CountyPlan("445303000000", 17, 14, 42, 3),  # 云安区
    CountyPlan("445381000000", 50, 28, 131, 4),  # 罗定市
    CountyPlan("445321000000", 30, 24, 82, 2),  # 新兴县
    CountyPlan("445322000000", 30, 30, 62, 2),  # 郁南县
]

# Towns that need more points than the table's even spread gives them; the county's total stays the table's.
POINTS_AT = {"河口街道": 4}  # 河口街道 serves 4 villages (seed 001)

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


HEKOU_POPULATIONS = [312, 245, 218, 188]  # 河口街道's 4 villages: 963 people (seed 001)


def _population(town: Region, index: int, village: Region) -> int:
    """A village's population: the seed's for 河口街道, elsewhere a fictional one fixed by the village code (not
    drawn, so the demo's other draws stay as they were)."""
    if town.name == "河口街道":
        return HEKOU_POPULATIONS[index]
    return 600 + int(village.code[-6:]) * 37 % 2400


def _spread(total: int, buckets: int) -> list[int]:
    """`total` spread as evenly as possible over `buckets`, larger shares first."""
    return [total // buckets + (1 if i < total % buckets else 0) for i in range(buckets)]


class _Names:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def person(self, gender: str = "") -> str:
        while True:
            name = self.rng.choice(SURNAMES) + "".join(
                self.rng.choice(GIVEN_CHARS[gender]) for _ in range(self.rng.choice((1, 2)))
            )
            if name not in self.used:
                self.used.add(name)
                return name

    def phone(self) -> str:
        return "139" + "".join(str(self.rng.randrange(10)) for _ in range(8))


def _villages(town: Region, count: int, *, after: int = 0) -> list[Region]:
    """`count` fictional villages of the town, numbered on from the `after` it already has."""
    names = list(NAMED_VILLAGES.get(town.name, []))
    words = iter(VILLAGE_WORDS)
    while len(names) < after + count:
        names.append(next(words) + "村")
    rows = [
        RegionRow(
            line=i, code=f"{town.prefix}{200 + i:03d}", name=name, parent_code=town.code, level="village"
        )
        for i, name in enumerate(names[after : after + count], start=after + 1)
    ]
    regions_load(rows, fictional=True)
    return list(Region.objects.filter(code__in=[row.code for row in rows]).order_by("code"))


def _hire(
    actor: User,
    names: _Names,
    station: Station,
    *,
    point=None,
    position=Position.WORKER,
    hired_on: date = OPENED,
) -> Staff:
    gender = names.rng.choice("FFFM")
    return staff_create(
        actor=actor,
        name=names.person(gender),
        gender=gender,
        phone=names.phone(),
        qualification=names.rng.choice(["none", "assistant", "assistant", "social_worker"]),
        hired_on=hired_on,
        station=station,
        point=point,
        position=position,
    )


def _build_county(actor: User, plan: CountyPlan, names: _Names) -> None:
    towns = list(Region.objects.filter(parent__code=plan.code, level="town").order_by("code"))
    built = {"planned_year": OPENED.year, "built_on": OPENED, "office_secured_on": OPENED}
    stations = [
        station_create(
            actor=actor,
            town=town,
            status=SiteStatus.OPERATING,
            opened_on=OPENED,
            address=f"{town.name}政府大院内",
            **built,
        )
        for town in towns
    ]
    points = []
    shares = _spread(plan.points, len(stations))
    for i, town in enumerate(towns):
        while shares[i] < POINTS_AT.get(town.name, 0):
            donor = max((j for j in range(len(shares)) if j != i), key=lambda j: shares[j])
            shares[donor] -= 1
            shares[i] += 1
    for station, town, n_points in zip(stations, towns, shares, strict=True):
        for index, village in enumerate(_villages(town, n_points)):
            points.append(
                point_create(
                    actor=actor,
                    station=station,
                    village=village,
                    name=f"{village.name}社工点",
                    status=SiteStatus.OPERATING,
                    opened_on=OPENED,
                    population=_population(town, index, village),
                    **built,
                )
            )
    for station, n_staff in zip(stations, _spread(plan.station_staff, len(stations)), strict=True):
        for i in range(n_staff):
            _hire(actor, names, station, position=Position.HEAD if i == 0 else Position.WORKER)
    point_workers = []
    for point, n_staff in zip(points, _spread(plan.point_staff - plan.covers, len(points)), strict=True):
        point_workers += [_hire(actor, names, point.station, point=point) for _ in range(n_staff)]
    # 兼任: the first workers of the county's first stations also serve their station's next point
    for worker in point_workers[: plan.covers]:
        other = next(p for p in points if p.station_id == worker.station_id and p.pk != worker.point_id)
        staff_cover_start(actor=actor, staff=worker, point=other, started_on=OPENED)


# ---------------------------------------------------------------------------------------------- registry

REGISTRY_SEED = 20230207
STATION_HOUSEHOLDS = (6, 12)  # a station's ordinary households: about 9, some 24 people, besides the named
REGISTERED_BY = {  # the named groups were on the books by the bulletin that tells of them
    "河口街道": date(2021, 8, 9),
    "素龙街道": date(2023, 1, 6),
    "郁南县": date(2023, 1, 16),
    "桂圩镇": date(2023, 2, 3),
}
# Categories whose people a town's named groups count exactly: its ordinary households are drawn without them.
HEKOU_COUNTED = frozenset(
    {
        "dibao",
        "tekun_dispersed",
        "tekun_institutional",
        "near_poverty",
        "very_old_elderly",
        "living_alone_elderly",
        "left_behind_child",
        "disabled",
        "severely_disabled",
    }
)
SULONG_COUNTED = frozenset({"tekun_dispersed", "anti_relapse", "woman_in_hardship", "child_in_difficulty"})
YUNAN_TEKUN = 300  # 郁南县's registered dispersed extreme-poverty dependants (see _yunan)


# Roughly where each county's seat lies (WGS-84), for the fictional positions of the demo's households: a town
# lies within about 15 km of its county's seat and a village within 2 km of its town's centre, drawn from the
# codes, so the service map has something to show. Fictional, like the villages themselves.
COUNTY_SEATS = {
    "445302": (22.93, 112.04),  # 云城区
    "445303": (23.07, 112.00),  # 云安区
    "445321": (22.70, 112.23),  # 新兴县
    "445322": (23.23, 111.53),  # 郁南县
    "445381": (22.77, 111.57),  # 罗定市
}
UNLOCATED_SHARE = 0.1  # households whose position nobody has recorded yet


def _centre(code: str, spread: float, around: tuple[float, float]) -> tuple[float, float]:
    rng = random.Random(code)
    return around[0] + rng.uniform(-spread, spread), around[1] + rng.uniform(-spread, spread)


class _Registrar:
    """Registers households drawn by the ledger, or put together by hand, through the registry services."""

    def __init__(self, ledger: Ledger):
        self.ledger = ledger
        self.rng = ledger.rng
        self.places = random.Random(16)  # its own draws: the ledger's sequence stays as it was
        self.categories = {category.code: category for category in Category.objects.all()}
        self.actor = system_actor()

    def position(self, village: Region) -> tuple[Decimal | None, Decimal | None]:
        """A fictional position near the village's centre, or none (as for a household not yet located)."""
        seat = COUNTY_SEATS.get(village.code[:6])
        if seat is None or self.places.random() < UNLOCATED_SHARE:
            return None, None
        town = _centre(village.code[:9], 0.13, seat)
        lat, lng = _centre(village.code, 0.018, town)
        lat += self.places.gauss(0, 0.0015)
        lng += self.places.gauss(0, 0.0015)
        return Decimal(f"{lat:.6f}"), Decimal(f"{lng:.6f}")

    def register(
        self,
        village: Region,
        people: list[LedgerPerson],
        living: str,
        *,
        until: date = AS_OF,
        exits: bool = True,
        **overrides,
    ) -> Household:
        """One household: the head through household_register, the others through beneficiary_register; those
        drawn as exited then go through beneficiary_exit. `overrides` apply to every member."""
        head = people[0]
        records = []
        household = None
        for person in people:
            details = self.ledger.details(
                person,
                county=village.code[:6],
                head=head,
                living=living,
                opened_on=OPENED,
                until=until,
                exits=exits,
            )
            status = (details.pop("status"), details.pop("exit_reason"), details.pop("exited_on"))
            details |= overrides
            details["categories"] = [self.categories[code] for code in person.codes]
            if household is None:
                details.pop("relation")
                latitude, longitude = self.position(village)
                household = household_register(
                    actor=self.actor,
                    village=village,
                    head=details,
                    address=f"{village.name}{self.rng.randrange(1, 200)}号",
                    phone=details["phone"],
                    latitude=latitude,
                    longitude=longitude,
                )
                records.append((household.members.get(), status))
            else:
                records.append(
                    (beneficiary_register(actor=self.actor, household=household, **details), status)
                )
        for beneficiary, (standing, reason, on_date) in records:
            if standing == "exited":
                beneficiary_exit(
                    actor=self.actor,
                    beneficiary=beneficiary,
                    version=beneficiary.version,
                    reason=reason,
                    on_date=on_date,
                )
        return household

    def drawn(
        self, villages: list[Region], count: int, *, exclude: frozenset[str] = frozenset(), **options
    ) -> None:
        """`count` ordinary households, each in one of `villages`."""
        for _ in range(count):
            kind, size = self.ledger.kind_and_size(exclude)
            people, living = self.ledger.household(kind, size, exclude=exclude)
            self.register(self.rng.choice(villages), people, living, **options)

    def of_kind(
        self,
        villages: list[Region],
        kind: str,
        sizes: list[int],
        *,
        exclude: frozenset[str] = frozenset(),
        head_ages: tuple[int, int] | None = None,
        **options,
    ) -> list[Household]:
        """Households of one kind (低保, 特困 ...) with the given numbers of registered members."""
        households = []
        for size in sizes:
            head_age = self.rng.randint(*head_ages) if head_ages else None
            people, living = self.ledger.household(kind, size, head_age=head_age, exclude=exclude)
            households.append(self.register(self.rng.choice(villages), people, living, **options))
        return households

    def named(
        self,
        village: Region,
        people: list[LedgerPerson],
        *,
        living: str | None = None,
        names: dict[int, str] | None = None,
        **options,
    ) -> Household:
        """A household put together by hand (the bulletins' people); `names` replaces drawn names by position."""
        self.ledger.name(people)
        for index, name in (names or {}).items():
            people[index].name = name
        return self.register(village, people, living or self.ledger.living("special", people), **options)


def _hekou(registrar: _Registrar, villages: list[Region]) -> None:
    """河口街道 (seed 001): the station serves 4 villages of 963 residents. 963 is the residents, not the registered:
    only the people the bulletin counts are registered here. 45 civil-affairs households (低保, 特困) visited
    twice a week (level 1 of the four-level follow-up); 12 near-poverty people; 3 very old people living alone; 4
    left-behind children; 16 people with disabilities, whom the station helped to apply for the disability
    subsidy (the applications are the assistance records of a later issue), 小陈 among them."""
    rng, until = registrar.rng, REGISTERED_BY["河口街道"]
    civil = {"until": until, "exits": False, "follow_up_level": 1}
    registrar.of_kind(
        villages,
        "dibao",
        [rng.choice((1, 2, 2, 3, 3, 4)) for _ in range(33)],
        exclude=HEKOU_COUNTED - {"dibao"},
        **civil,
    )
    registrar.of_kind(
        villages,
        "tekun_dispersed",
        [1] * 12,
        exclude=HEKOU_COUNTED - {"tekun_dispersed"},
        head_ages=(62, 92),
        **civil,
    )
    others = {"until": until, "exits": False}
    registrar.of_kind(
        villages, "near_poverty", [3, 3, 2, 2, 2], exclude=HEKOU_COUNTED - {"near_poverty"}, **others
    )
    for _ in range(3):
        elder = LedgerPerson(
            Relation.HEAD,
            rng.choice("MF"),
            rng.randint(80, 93),
            codes=["very_old_elderly", "living_alone_elderly"],
        )
        registrar.named(rng.choice(villages), [elder], follow_up_level=2, **others)
    for _ in range(2):
        family = [
            LedgerPerson(Relation.HEAD, rng.choice("MF"), rng.randint(60, 74), codes=["left_behind_elderly"])
        ]
        family += [
            LedgerPerson(
                Relation.GRANDCHILD, rng.choice("MF"), rng.randint(5, 13), codes=["left_behind_child"]
            )
            for _ in range(2)
        ]
        registrar.named(rng.choice(villages), family, **others)
    xiao_chen = LedgerPerson(Relation.HEAD, "M", 27, codes=["severely_disabled", "disabled"])
    registrar.named(
        villages[0],
        [xiao_chen],
        names={0: "小陈"},
        living=LivingSituation.WITH_FAMILY,
        disability_type=DisabilityType.PHYSICAL,
        disability_grade=2,
        health_notes="交通意外致肢体二级残疾，行动不便",
        risk_level=RiskLevel.MEDIUM,
        follow_up_level=2,
        notes="简报人物（2021年8月）：意外致残后封闭自己，经社工长期探访，现已能走出家门与村民交往。",
        **others,
    )
    for _ in range(15):
        severe = rng.random() < 0.4
        person = LedgerPerson(
            Relation.HEAD,
            rng.choice("MMF"),
            rng.randint(18, 78),
            codes=["severely_disabled", "disabled"] if severe else ["disabled"],
        )
        registrar.named(rng.choice(villages), [person], living=LivingSituation.WITH_FAMILY, **others)


def _sulong(registrar: _Registrar, villages: list[Region]) -> None:
    """素龙街道 (seed 000): the 20 households of women and children in hardship visited at the Spring Festival,
    the 10 anti-relapse households, and the 46 dispersed extreme-poverty elderly the first health packs went to."""
    rng = registrar.rng
    until = REGISTERED_BY["素龙街道"]
    for _ in range(20):
        family = [LedgerPerson(Relation.HEAD, "F", rng.randint(26, 52), codes=["woman_in_hardship"])]
        family += [
            LedgerPerson(Relation.CHILD, rng.choice("MF"), rng.randint(1, 15), codes=["child_in_difficulty"])
            for _ in range(rng.choice((0, 1, 1, 2)))
        ]
        registrar.named(rng.choice(villages), family, until=until, exits=False)
    registrar.of_kind(
        villages,
        "anti_relapse",
        [rng.choice((2, 3, 3, 4, 5)) for _ in range(10)],
        exclude=SULONG_COUNTED - {"anti_relapse"},
        until=until,
        exits=False,
    )
    registrar.of_kind(
        villages,
        "tekun_dispersed",
        [1] * 46,
        exclude=SULONG_COUNTED - {"tekun_dispersed"},
        head_ages=(65, 95),
        until=until,
        exits=False,
    )


def _yunan(registrar: _Registrar, villages_by_town: dict[str, list[Region]]) -> None:
    """郁南县 (seed 000): its dispersed extreme-poverty dependants over its 15 towns, the people its 2,700-odd
    health packs went to. A county of some 400,000 has a few thousand; the demo registers YUNAN_TEKUN of them,
    enough to show the spread. The packs themselves are recorded by the later distribution issue."""
    towns = sorted(villages_by_town)
    weights = [registrar.rng.uniform(0.6, 1.4) for _ in towns]
    shares = [int(YUNAN_TEKUN * weight / sum(weights)) for weight in weights]
    shares[0] += YUNAN_TEKUN - sum(shares)
    for town, count in zip(towns, shares, strict=True):
        registrar.of_kind(
            villages_by_town[town],
            "tekun_dispersed",
            [1] * count,
            head_ages=(60, 96),
            until=REGISTERED_BY["郁南县"],
            exits=False,
        )


def _xiao_q(registrar: _Registrar, village: Region) -> None:
    """桂圩镇 (seed 000): 小Q, a person with a mental disorder, helped into hospital on 2023-02-03."""
    xiao_q = LedgerPerson(Relation.HEAD, "M", 32, codes=["mental_disorder"])
    registrar.named(
        village,
        [xiao_q],
        names={0: "小Q"},
        living=LivingSituation.WITH_FAMILY,
        until=REGISTERED_BY["桂圩镇"],
        exits=False,
        risk_level=RiskLevel.HIGH,
        follow_up_level=1,
        guardian_name=registrar.ledger.names.person(gender="M"),
        guardian_relation="父亲",
        health_notes="精神障碍，2023年2月3日经多方联动送郁南县民安医院住院治疗",
        notes="简报人物（2023年2月）：在佛山市高明区发病，经救助站甄别为本镇救助对象，社工陪同家属办理入院。",
    )


def _build_registry(progress: Progress) -> None:
    registrar = _Registrar(Ledger(random.Random(REGISTRY_SEED)))
    rng = registrar.rng
    villages_by_town: dict[str, list[Region]] = {}
    for point in (
        Point.objects.active()
        .filter(region_code__startswith="4453")
        .select_related("village", "station__town")
    ):
        villages_by_town.setdefault(point.station.town.code, []).append(point.village)
    towns = dict(Region.objects.filter(code__in=list(villages_by_town)).values_list("code", "name"))
    yunan = {code: villages for code, villages in villages_by_town.items() if code.startswith("445322")}
    for done, town_code in enumerate(sorted(villages_by_town)):
        if done and done % 10 == 0:
            progress(f"  服务对象建档：{done}/{len(villages_by_town)}个镇街")
        villages = sorted(villages_by_town[town_code], key=lambda village: village.code)
        name = towns[town_code]
        if name == "河口街道":
            _hekou(registrar, villages)
            continue
        exclude = frozenset()
        if name == "素龙街道":
            _sulong(registrar, villages)
            exclude = SULONG_COUNTED
        elif town_code.startswith("445322"):
            exclude = frozenset({"tekun_dispersed"})
            if name == "桂圩镇":
                _xiao_q(registrar, next(v for v in villages if v.name == "罗顺村"))
        registrar.drawn(villages, rng.randint(*STATION_HOUSEHOLDS), exclude=exclude)
    _yunan(registrar, yunan)


# ------------------------------------------------------------------------------------------------ visits

VISITS_SEED = 20230210
VISIT_WEEKS = 4  # the demo's visit history reaches this far back from today, so this month's figures show
HEALTH_NOTES = [
    "身体状况良好",
    "血压偏高，按时服药",
    "腿脚不便，行动需搀扶",
    "慢性病稳定",
    "感冒初愈",
    "视力下降",
]
LIVING_NOTES = ["家中整洁，生活物资充足", "居住环境一般，需定期清理", "房屋老旧，雨季需关注", "子女每周探望"]
ACTIONS = [
    "下周电话回访",
    "联系村医上门测血压",
    "协助申请临时救助",
    "链接志愿者帮助清洁",
    "向镇民政办反映住房问题",
]


def _build_visits(progress: Progress) -> None:
    """Visits over the last VISIT_WEEKS weeks (or one interval, for the slower levels) through `visit_record`,
    each household at its level's pace: most on time, some behind (so due lists have overdue rows)."""
    from datetime import datetime, timedelta

    from django.utils import timezone

    from shuangbai.visits.selectors import schedule
    from shuangbai.visits.services import visit_record

    rng = random.Random(VISITS_SEED)
    today = timezone.localdate()
    staff_by_station: dict[int, list] = {}
    for staff in Staff.objects.in_post().filter(region_code__startswith="4453").order_by("id"):
        staff_by_station.setdefault(staff.station_id, []).append(staff)
    households = (
        Household.objects.filter(region_code__startswith="4453", members__status="active")
        .annotate(level=Min("members__follow_up_level"))
        .order_by("id")
    )
    plan = schedule("445300000000")
    actor = system_actor()
    households = list(households)
    for done, household in enumerate(households):
        if done and done % 200 == 0:
            progress(f"  走访记录：{done}/{len(households)}户")
        workers = staff_by_station.get(household.station_id)
        if not workers:
            continue
        interval = plan.intervals[household.level]
        # Backwards from the last visit: within the interval (on time) or one interval and more ago (behind).
        # The last visit is in the home, so every household has a last home visit the schedule counts from.
        behind = interval + rng.randint(1, interval) if rng.random() < 0.15 else 0
        day = today - timedelta(days=rng.randint(0, interval - 1) + behind)
        earliest = today - timedelta(days=max(VISIT_WEEKS * 7, interval))
        last = True
        while last or day >= earliest:
            hour = rng.choice([9, 10, 11, 14, 15, 16])
            at = timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=hour))
            at = min(at, timezone.now())
            kind = "home" if last or rng.random() < 0.88 else rng.choice(["phone", "group"])
            visit_record(
                actor=actor,
                household=household,
                visited_at=at,
                workers=rng.sample(workers, k=min(len(workers), rng.choice([1, 1, 2]))),
                kind=kind,
                health=rng.choice(HEALTH_NOTES),
                living=rng.choice(LIVING_NOTES),
                mental_state=rng.choice(["good", "good", "fair", "low"]),
                hazards=["electric"] if rng.random() < 0.05 else [],
                needs=rng.sample(["medical", "supplies", "policy", "care"], k=rng.choice([0, 0, 1])),
                actions=rng.choice(ACTIONS),
                late_reason="演示数据补录" if day < today - timedelta(days=30) else "",
            )
            last = False
            day -= timedelta(days=max(1, interval + rng.choice([-1, 0, 0, 1])))


@unscoped("the demo's own summary, for the command's output")
def registry_summary() -> str:
    """One line for the demo's output: what is registered, and that it is fictional."""
    households = Household.objects.filter(region_code__startswith="4453")
    people = Beneficiary.objects.filter(region_code__startswith="4453").count()
    stations = households.values("station_id").distinct().count()
    return (
        f"服务对象：{households.count()} 户 {people} 人，分布在 {stations} 个社工站。"
        "姓名、电话、身份证号均为虚构：身份证号用云浮的县级代码并能通过校验位检查，但不属于任何真实的人。"
    )


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
                actor=system_actor(),
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
@unscoped("the demo loader builds the whole Yunfu demo")
def load_demo(*, password: str | None = None, progress: Progress | None = None) -> list[tuple[str, str, str]]:
    """Load the Yunfu demo into the current database (idempotent); return (login, role, scope) rows.
    `progress` hears a line at each step (and within the long ones), for the command to print."""
    progress = progress or (lambda line: None)
    actor = system_actor()
    progress("区划（云浮市，至镇街）")
    _load_regions()
    names = _Names(random.Random(20210809))
    if not Station.objects.filter(region_code__startswith="4453").exists():
        progress("社工站、社工点和社工（2021年8月9日一览表的5个县）")
        for plan in PLAN:
            _build_county(actor, plan, names)
        construction.load_construction(actor)
        load_demo_trainings(actor)
    if not Household.objects.filter(region_code__startswith="4453").exists():
        progress("服务对象建档（每个社工站的台账与简报中的人物）")
        seed_categories(Category)  # normally there from the migration; gone if the database was flushed
        _build_registry(progress)
    from shuangbai.visits.models import Visit

    if not Visit.objects.filter(region_code__startswith="4453").exists():
        progress(f"走访记录（近{VISIT_WEEKS}周，按四级跟进的间隔）")
        _build_visits(progress)
    # After the registry and visits, so that their draws are those of the 2021 sites.
    if not Point.objects.filter(region_code__startswith="445303", planned_year=2022).exists():
        progress("郁南县2022年新建站点")
        construction.load_yunan_2022(
            actor,
            villages=_villages,
            hire=lambda station, point, hired_on: _hire(
                actor, names, station, point=point, hired_on=hired_on
            ),
        )
    for label, load in (
        ("督导检查", supervision_demo.load_demo),
        ("招聘", load_demo_recruitment),
        ("个案与转介", cases_demo.load_demo),
        ("社区活动", activities_demo.load_demo),
        ("资源链接与物资发放", assistance_demo.load_demo),
        ("工作简报", bulletins_demo.load_demo),  # last: it is composed from the records above
    ):
        progress(label)
        load(actor)
    progress("演示账号")
    return _create_logins(password or demo_password())
