"""Deterministic synthetic data for benchmarks and demos: a Guangdong-sized programme, or any fraction of it.

At scale 1: 21 cities, 120 counties, 1,600 towns, 26,000 villages under province 44; one operating station per
town, one point per village, a head per station and workers on most points (about 26,000 staff in all), each
with one open assignment; and about 1,100,000 households with 3,000,000 beneficiaries (服务对象), each household
in one village, registered at its town's station and its village's point. The same seed always gives the same
data.

The beneficiaries are what the registry services would have made: one head per household, valid fictional ID
numbers (county prefix, birth date, sequence of the right parity, check character) stored encrypted through the
field with their look-up hash, masked form and tail; about 1% without a number; categories in the proportions of
a town's ledger (低保 and 特困 common, 重度残疾人 fewer, 精神障碍患者 rare; most people in one category, some in
two or three); about 4% exited. Ages, registrations and exits are as of `AS_OF`, so the data does not change with
the day it is built.

Then the year of visits up to `AS_OF` (about 39 million at scale 1): home visits at each household's follow-up
level (the most frequent among its members in register), a little early or late, some households behind and a
few never visited, now and then a phone call or another contact between them; one worker of the household's
station on each, all recorded by one inactive `synth` account; and the follow-up summary rebuilt from them.

Then the services of that year, from a random stream of their own (so the people and visits are those of a build
without them): cases for about 2% of the people in register (half closed, with notes and goals, a fifth referred to
an agency of their county with 1-3 dated steps); an assistance record for about 10% of the households (a type of
the catalogue, 1-3 status steps along its flow); a few in-kind batches a city, each for one category, allocated
city → county → every station with people of it and handed to about 60% of them (every holder keeps a little: no
stock below zero); 2-4 activities a station a month with 10-60 participants, a few registered people, volunteers
and partners of the station; and each station's partners and volunteers.

Every synthetic region is marked `fictional` and its city code is one Guangdong does not use (4481-4499 first,
then 4471-4479, 4461-4470, 4455-4459; never the real 4401-4420 or 4451-4453), so synthetic data never collides
with a real tree loaded beside it (for example Yunfu, 4453). One synthetic set per database: a second build
is refused.

Fast by construction: regions through `regions_load` (bulk), stations, points and staff by `bulk_create` in
batches, households, beneficiaries and their category links by `_Writer` (executemany, or COPY on PostgreSQL;
the ID number still encrypted by its field), visits by `_TupleWriter` into tables whose secondary indexes (and on
PostgreSQL foreign keys) are made again after the load; the services by `bulk_create` (the records whose ids
the next rows need) and `_Writer` (their steps, notes, hand-outs and links); no per-row validation and no per-row
audit; the rows are right by construction. Scale 0.1 (300,000 people, 3.9 million visits) builds in under two
minutes on SQLite or PostgreSQL on a quiet machine, the services a few seconds of it.
"""

from __future__ import annotations

import json
import random
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from decimal import Decimal

from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import Max
from django.utils import timezone

from shuangbai.core import idnumber
from shuangbai.core.crypto import lookup_hash
from shuangbai.core.models import system_actor
from shuangbai.core.scoping import unscoped
from shuangbai.regions.models import Level, Region
from shuangbai.regions.services import RegionRow, regions_load
from shuangbai.registry.catalogue import SEED_CATEGORIES
from shuangbai.registry.models import (
    Beneficiary,
    BeneficiaryCategory,
    Category,
    DisabilityType,
    ExitReason,
    Household,
    LivingSituation,
    NoIdReason,
    Relation,
    RiskLevel,
    Status,
)
from shuangbai.staff.models import (
    Assignment,
    Gender,
    Kind,
    Position,
    Qualification,
    Staff,
    StaffStatus,
    Training,
    TrainingKind,
)
from shuangbai.stations.models import (
    EquipmentItem,
    EquipmentRecord,
    Point,
    ProgressReport,
    SiteStatus,
    Station,
)
from shuangbai.visits.models import (
    DEFAULT_LEVELS,
    Hazard,
    MentalState,
    Need,
    Visit,
    VisitKind,
    VisitWorker,
)
from shuangbai.visits.services import follow_up_rebuild

PROVINCE_CODE = "440000000000"
PROVINCE_NAME = "广东省"

# Two-digit city numbers under 44 that no real Guangdong city uses, in the order they are handed out.
CITY_NUMBERS = [*range(81, 100), *range(71, 80), *range(61, 71), *range(55, 60)]

# Counts at scale 1.
BASE = {
    "cities": 21,
    "counties": 120,
    "towns": 1600,
    "villages": 26000,
    "staff": 26000,
    "households": 1_100_000,
    "beneficiaries": 3_000_000,
}

BATCH_SIZE = 2000
REGION_CHUNK = 5000  # rows per regions_load call: keeps its IN (...) lists well under SQLite's variable limit

NAME_CHARS = (
    "安宁平和康泰兴隆福寿永昌华明新德清源丰乐顺达嘉祥瑞云山河湖海江溪岭峰林桥塘洲湾田沙石金银玉宝"
    "龙凤鹤鹿松竹梅兰荷桂东南西北中上下大小长高仁义礼信文武广盛荣富贵吉庆英秀美佳春秋朝阳"
)
SURNAMES = "陈李黄张梁林刘吴罗何郑杨谢邓冯曾彭蔡许苏卢叶朱钟潘余赖廖周徐胡马王温邱"
# Given-name characters by gender, each pool as long as the others so that a draw consumes the same randomness
# whatever the gender (a man is not called 芳 nor a woman 刚); "" is anyone's (staff, contacts, guardians).
GIVEN_CHARS = {
    "M": "伟强磊洋勇军杰涛明超刚飞鹏辉俊斌宇华平文",
    "F": "芳娜敏静丽艳娟秀霞桂英玲红梅兰燕婷雪琳欣",
    "": "伟芳敏静强勇军杰明秀霞平华玲晓佳颖嘉文宇",
}
QUALIFICATIONS = [
    (Qualification.NONE, 35),
    (Qualification.ASSISTANT, 45),
    (Qualification.SOCIAL_WORKER, 18),
    (Qualification.SENIOR, 2),
]
FIRST_OPENED = date(2019, 1, 1)
AS_OF = date(2025, 6, 30)  # the day the synthetic ledger describes
UMBRELLAS = {code: umbrella for code, _, umbrella in SEED_CATEGORIES}


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
    households = max(1, round(BASE["households"] * scale))
    beneficiaries = max(households, round(BASE["beneficiaries"] * scale))
    if counties > 99 * cities or towns > 99 * counties:
        raise SynthError(
            f"规模 {scale} 太大：虚构区划代码不够用（最多约 {len(CITY_NUMBERS) * 99 // 120} 倍）。"
        )
    return {
        "cities": cities,
        "counties": counties,
        "towns": towns,
        "villages": villages,
        "households": households,
        "beneficiaries": beneficiaries,
    }


def synthetic_city_codes() -> list[str]:
    return [f"44{number:02d}00000000" for number in CITY_NUMBERS]


def _split(total: int, parts: int, rng: random.Random, spread: float = 0.45) -> list[int]:
    """`total` shared among `parts`, unevenly but each at least 1; the sum is exact."""
    weights = [1 + rng.uniform(-spread, spread) for _ in range(parts)]
    scale = total / sum(weights)
    raw = [weight * scale for weight in weights]
    shares = [max(1, int(value)) for value in raw]
    by_remainder = sorted(range(parts), key=lambda i: raw[i] - int(raw[i]), reverse=True)
    for i in range(total - sum(shares)):
        shares[by_remainder[i % parts]] += 1
    for _ in range(sum(shares) - total):
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

    def person(self, surname: str = "", gender: str = "") -> str:
        given = "".join(self.rng.choices(GIVEN_CHARS[gender], k=self.rng.choice((1, 2, 2))))
        return (surname or self.rng.choice(SURNAMES)) + given


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


# ---------------------------------------------------------------------------------------------- people

# Kinds of household in a town's ledger: (kind, share of households in %, the category every member holds).
# 特困 is a person's standing, not a household's: those households are the one person. "special" households
# hold no benefit; their people are registered for a special group (留守, 空巢, 残疾 ...).
HOUSEHOLD_KINDS = [
    ("dibao", 40, "dibao"),
    ("tekun_dispersed", 17, None),
    ("tekun_institutional", 3, None),
    ("near_poverty", 9, "near_poverty"),
    ("anti_relapse", 7, "anti_relapse"),
    ("temporary", 3, "temporary_relief"),
    ("other", 3, "other_hardship"),
    ("special", 18, None),
]
TEKUN = {"tekun_dispersed", "tekun_institutional"}
# Registered members per household (not residents: only the people the station serves are registered).
FAMILY_SIZES = ([1, 2, 3, 4, 5, 6, 7], [7, 19, 26, 25, 14, 6, 3])
SPECIAL_SIZES = ([1, 2, 3, 4], [35, 35, 20, 10])
MAX_SIZE = 8
MAX_CATEGORIES = 3
NO_ID_SHARE = 0.01
EXIT_SHARE = 0.04
# Other members of a household, by the head's age: (relations, weights).
OLDER_HEAD = ([Relation.GRANDCHILD, Relation.CHILD, Relation.SIBLING, Relation.OTHER], [55, 35, 5, 5])
YOUNGER_HEAD = ([Relation.CHILD, Relation.PARENT, Relation.SIBLING, Relation.OTHER], [75, 18, 5, 2])
DISABILITY_TYPES = (
    [
        DisabilityType.PHYSICAL,
        DisabilityType.INTELLECTUAL,
        DisabilityType.VISION,
        DisabilityType.HEARING,
        DisabilityType.MENTAL,
        DisabilityType.SPEECH,
        DisabilityType.MULTIPLE,
    ],
    [40, 15, 12, 10, 10, 3, 10],
)
GUARDIAN_RELATION = {Relation.CHILD: "父母", Relation.GRANDCHILD: "祖父母"}
# Every category code the generator hands out; the catalogue (registry migration 0002) must have them.
USED_CATEGORIES = [
    "dibao",
    "tekun_institutional",
    "tekun_dispersed",
    "near_poverty",
    "anti_relapse",
    "temporary_relief",
    "other_hardship",
    "orphan",
    "orphan_community",
    "unsupported_child",
    "left_behind_child",
    "child_in_difficulty",
    "left_behind_elderly",
    "empty_nest_elderly",
    "living_alone_elderly",
    "very_old_elderly",
    "disabled_elderly",
    "disabled",
    "severely_disabled",
    "mental_disorder",
    "woman_in_hardship",
]
HIGH_RISK = {
    "tekun_dispersed",
    "severely_disabled",
    "mental_disorder",
    "unsupported_child",
    "orphan",
    "orphan_community",
    "disabled_elderly",
}


@dataclass(slots=True)
class LedgerPerson:
    """A person as the ledger draws them: relation to the head, gender, age on AS_OF, name, category codes."""

    relation: str
    gender: str
    age: int
    name: str = ""
    codes: list[str] = field(default_factory=list)


def _household_plan(counts: dict[str, int], rng: random.Random) -> list[list]:
    """[kind, size] of every household, sizes adding up to the beneficiaries exactly."""
    kinds, shares, _ = zip(*HOUSEHOLD_KINDS, strict=True)
    plan = [[kind, 1] for kind in rng.choices(kinds, weights=shares, k=counts["households"])]
    for entry in plan:
        if entry[0] == "special":
            entry[1] = rng.choices(*SPECIAL_SIZES)[0]
        elif entry[0] not in TEKUN:
            entry[1] = rng.choices(*FAMILY_SIZES)[0]
    families = [i for i, (kind, _) in enumerate(plan) if kind not in TEKUN]
    missing = counts["beneficiaries"] - sum(size for _, size in plan)
    room = sum(MAX_SIZE - plan[i][1] for i in families)
    for i, entry in enumerate(plan):  # a tiny build may draw too few families to hold everyone
        if room >= missing:
            break
        if entry[0] in TEKUN:
            entry[0] = "dibao"
            families.append(i)
            room += MAX_SIZE - 1
    while missing > 0:
        entry = plan[rng.choice(families)]
        if entry[1] < MAX_SIZE:
            entry[1] += 1
            missing -= 1
    while missing < 0:
        entry = plan[rng.choice(families)]
        if entry[1] > 1:
            entry[1] -= 1
            missing += 1
    return plan


def _shares(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` households shared unevenly among `parts` villages (some get none when there are too few)."""
    if total >= parts:
        return _split(total, parts, rng, spread=0.6)
    shares = [0] * parts
    for index in rng.sample(range(parts), total):
        shares[index] = 1
    return shares


def _birth(age: int, rng: random.Random) -> date:
    """A birth date giving `age` full years on AS_OF."""
    latest = AS_OF.replace(year=AS_OF.year - age)
    earliest = AS_OF.replace(year=AS_OF.year - age - 1) + timedelta(days=1)
    return earliest + timedelta(days=rng.randrange((latest - earliest).days + 1))


class Ledger:
    """Draws households and their people as a town's ledger has them. Every draw comes from one rng in a fixed
    order, for determinism. The Yunfu demo uses it too, and registers what it draws through the services;
    `exclude` keeps categories out of a draw (where the demo registers those people itself, to a count)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.names = _Names(rng)
        self.sequences: dict[str, list[int]] = {}  # first 14 digits + gender -> [first sequence, used]

    def new_county(self) -> None:
        self.sequences = {}  # numbers carry the county prefix: another county's can never collide

    def id_number(self, county: str, birth: date, gender: str) -> str:
        """A fictional number that passes the check: county prefix, birth date, sequence of the gender's parity."""
        first14 = f"{county}{birth:%Y%m%d}"
        key = first14 + gender
        state = self.sequences.get(key)
        if state is None:
            state = self.sequences[key] = [2 * self.rng.randrange(500) + (gender == "M"), 0]
        sequence = (state[0] + 2 * state[1]) % 1000  # odd for men, even for women
        state[1] += 1
        first17 = f"{first14}{sequence:03d}"
        return first17 + idnumber.check_char(first17)

    def kind_and_size(self, exclude: frozenset[str] = frozenset()) -> tuple[str, int]:
        """One household's kind and registered members, drawn alone (the synth draws all at once instead)."""
        kinds, shares = zip(
            *[(kind, share) for kind, share, code in HOUSEHOLD_KINDS if not {kind, code} & exclude],
            strict=True,
        )
        kind = self.rng.choices(kinds, weights=shares)[0]
        if kind in TEKUN:
            return kind, 1
        return kind, self.rng.choices(*(SPECIAL_SIZES if kind == "special" else FAMILY_SIZES))[0]

    def household(
        self, kind: str, size: int, *, head_age: int | None = None, exclude: frozenset[str] = frozenset()
    ) -> tuple[list[LedgerPerson], str]:
        """The members of a household, head first, with their categories; and the household's living situation."""
        rng = self.rng
        if kind in TEKUN:
            elderly = rng.random() < (0.8 if kind == "tekun_dispersed" else 0.7)
            age = rng.randint(60, 97) if elderly else rng.randint(20, 59)
            male_share = 0.7
        elif kind == "special":
            age = rng.randint(60, 95) if rng.random() < 0.6 else rng.randint(28, 59)
            male_share = 0.55
        else:
            age = int(rng.triangular(28, 90, 55))
            male_share = 0.62
        head_age = age if head_age is None else head_age
        head = LedgerPerson(Relation.HEAD, "M" if rng.random() < male_share else "F", head_age)
        people = [head]
        for _ in range(size - 1):
            if len(people) == 1 and rng.random() < 0.75:
                age = max(18, min(100, head_age + rng.randint(-6, 4)))
                people.append(LedgerPerson(Relation.SPOUSE, "F" if head.gender == "M" else "M", age))
                continue
            relation = rng.choices(*(OLDER_HEAD if head_age >= 58 else YOUNGER_HEAD))[0]
            if relation == Relation.GRANDCHILD:
                age = rng.randint(0, min(17, head_age - 40))
            elif relation == Relation.CHILD:
                age = rng.randint(max(0, head_age - 42), max(0, head_age - 20))
            elif relation == Relation.PARENT and head_age <= 75:
                age = rng.randint(head_age + 20, min(100, head_age + 32))
            else:
                relation = Relation.SIBLING if relation == Relation.PARENT else relation
                age = max(1, min(100, head_age + rng.randint(-10, 10)))
            people.append(LedgerPerson(relation, rng.choice("MF"), age))
        self.name(people)
        living = self.living(kind, people)
        household_code = next(code for k, _, code in HOUSEHOLD_KINDS if k == kind)
        for person in people:
            self._categories(person, kind, household_code, living, exclude)
        return people, living

    def name(self, people: list[LedgerPerson]) -> None:
        """Names for a household's people; children carry the father's surname (the head's, or a husband's)."""
        for person in people:
            person.name = self.names.person(gender=person.gender)
        head = people[0]
        married = len(people) > 1 and people[1].relation == Relation.SPOUSE
        father = people[1] if head.gender == "F" and married else head
        for person in people:
            if person.relation in (Relation.CHILD, Relation.GRANDCHILD):
                person.name = father.name[0] + person.name[1:]

    @staticmethod
    def living(kind: str, people: list[LedgerPerson]) -> str:
        if kind == "tekun_institutional":
            return LivingSituation.INSTITUTION
        if len(people) == 1:
            return LivingSituation.ALONE
        if len(people) == 2 and all(p.age >= 60 for p in people):
            return LivingSituation.EMPTY_NEST
        if (
            any(p.age >= 60 for p in people)
            and any(p.age < 16 for p in people)
            and not any(18 <= p.age < 60 for p in people)
        ):
            return LivingSituation.LEFT_BEHIND
        return LivingSituation.WITH_FAMILY

    def _categories(
        self,
        person: LedgerPerson,
        kind: str,
        household_code: str | None,
        living: str,
        exclude: frozenset[str],
    ) -> None:
        rng, age, codes = self.rng, person.age, person.codes
        if household_code:
            codes.append(household_code)
        if kind in TEKUN and person.relation == Relation.HEAD:
            codes.append(kind)
        if age >= 80 and rng.random() < 0.55:
            codes.append("very_old_elderly")
        if age >= 60:
            situation = {
                LivingSituation.ALONE: "living_alone_elderly",
                LivingSituation.EMPTY_NEST: "empty_nest_elderly",
                LivingSituation.LEFT_BEHIND: "left_behind_elderly",
            }.get(living)
            if situation and rng.random() < 0.6:
                codes.append(situation)
            if age >= 65 and rng.random() < 0.06:
                codes.append("disabled_elderly")
        if age < 16 and living == LivingSituation.LEFT_BEHIND and rng.random() < 0.7:
            codes.append("left_behind_child")
        if age < 18:
            draw = rng.random()
            if draw < 0.04:
                codes.append("child_in_difficulty")
            elif draw < 0.05:
                codes.append("unsupported_child")
            elif draw < 0.054:
                codes.append("orphan_community")
            elif draw < 0.056:
                codes.append("orphan")
        if age >= 6:
            draw = rng.random()
            if draw < 0.025:
                codes.append("severely_disabled")
                if rng.random() < 0.4:
                    codes.append("disabled")
            elif draw < 0.085:
                codes.append("disabled")
        if age >= 16 and rng.random() < 0.008:
            codes.append("mental_disorder")
        if person.gender == "F" and 18 <= age < 65 and rng.random() < 0.04:
            codes.append("woman_in_hardship")
        codes = [code for code in codes if code not in exclude]
        if not codes:  # registered for a special group, so in one
            if age >= 60:
                fallback = {
                    LivingSituation.ALONE: "living_alone_elderly",
                    LivingSituation.EMPTY_NEST: "empty_nest_elderly",
                    LivingSituation.LEFT_BEHIND: "left_behind_elderly",
                }.get(living, "disabled_elderly")
            elif age < 16:
                fallback = (
                    "left_behind_child" if living == LivingSituation.LEFT_BEHIND else "child_in_difficulty"
                )
            elif person.gender == "F" and rng.random() < 0.5:
                fallback = "woman_in_hardship"
            else:
                fallback = "disabled"
            codes.append(fallback if fallback not in exclude else "other_hardship")
        person.codes = list(dict.fromkeys(codes))[:MAX_CATEGORIES]

    def details(
        self,
        person: LedgerPerson,
        *,
        county: str,
        head: LedgerPerson,
        living: str,
        opened_on: date,
        until: date = AS_OF,
        exits: bool = True,
    ) -> dict:
        """What a registration records of `person` (the keywords `beneficiary_register` takes, but categories),
        with their standing: `status`, `exit_reason`, `exited_on`. Registered between the station's opening
        (or birth) and `until`; about 4% exited, unless `exits` is false."""
        rng, codes, age = self.rng, person.codes, person.age
        birth = _birth(age, rng)
        while birth > until:  # a group on the books by `until` (the demo's bulletins) was born by then
            birth -= timedelta(days=365)
        if rng.random() < NO_ID_SHARE:
            number = ""
            no_id_reason = (
                NoIdReason.NO_HUKOU
                if age < 18
                else rng.choices([NoIdReason.REFUSED, NoIdReason.OTHER, NoIdReason.NO_HUKOU], [5, 3, 2])[0]
            )
        else:
            number = self.id_number(county, birth, person.gender)
            no_id_reason = ""
        disability_type, disability_grade, health = "", None, []
        if "severely_disabled" in codes or "disabled" in codes:
            disability_type = rng.choices(*DISABILITY_TYPES)[0]
            disability_grade = rng.choice((1, 2)) if "severely_disabled" in codes else rng.choice((3, 4))
            health.append(f"{DisabilityType(disability_type).label}{'一二三四'[disability_grade - 1]}级")
        if "mental_disorder" in codes:
            if not disability_type and rng.random() < 0.4:
                disability_type, disability_grade = DisabilityType.MENTAL, rng.choice((2, 3, 4))
            health.append("长期服药，需定期复诊")
        if "disabled_elderly" in codes:
            health.append("生活需人照料")
        factors = sum(code in HIGH_RISK for code in codes) + ("living_alone_elderly" in codes and age >= 80)
        draw = rng.random()
        if "mental_disorder" in codes:
            risk = RiskLevel.HIGH if draw < 0.5 else RiskLevel.MEDIUM
        elif factors >= 2:
            risk = RiskLevel.HIGH
        elif factors == 1:
            risk = RiskLevel.HIGH if draw < 0.15 else RiskLevel.MEDIUM if draw < 0.85 else RiskLevel.LOW
        else:
            risk = RiskLevel.MEDIUM if draw < 0.12 else RiskLevel.LOW
        level = {RiskLevel.HIGH: 1, RiskLevel.MEDIUM: 2}.get(risk) or (3 if rng.random() < 0.75 else 4)
        start = max(opened_on, birth)
        registered_on = start + timedelta(days=int((until - start).days * rng.random() ** 2))
        status, exit_reason, exited_on = Status.ACTIVE, "", None
        if exits and rng.random() < EXIT_SHARE:
            status = Status.EXITED
            if age >= 70:
                reasons = (
                    [ExitReason.DEATH, ExitReason.INELIGIBLE, ExitReason.MOVED_OUT, ExitReason.OTHER],
                    [60, 25, 10, 5],
                )
            else:
                reasons = ([ExitReason.MOVED_OUT, ExitReason.INELIGIBLE, ExitReason.OTHER], [45, 45, 10])
            exit_reason = rng.choices(*reasons)[0]
            exited_on = registered_on + timedelta(days=rng.randrange((AS_OF - registered_on).days + 1))
        adult = age >= 18
        phone = _mobile(rng) if adult and rng.random() < (0.75 if person is head else 0.3) else ""
        guardian = not adult and person is not head
        return {
            "relation": person.relation,
            "name": person.name,
            "id_number": number,
            "no_id_reason": no_id_reason,
            "gender": person.gender,
            "birth_date": birth,
            "phone": phone,
            "disability_type": disability_type,
            "disability_grade": disability_grade,
            "living_situation": living,
            "guardian_name": head.name if guardian else "",
            "guardian_relation": GUARDIAN_RELATION.get(person.relation, "户主") if guardian else "",
            "health_notes": "；".join(health),
            "risk_level": risk,
            "follow_up_level": level,
            "status": status,
            "exit_reason": exit_reason,
            "exited_on": exited_on,
            "registered_on": registered_on,
        }

    def beneficiary(
        self, person: LedgerPerson, household: dict, head: LedgerPerson, living: str, opened_on: date
    ) -> dict:
        """A beneficiary row: the details, and what `beneficiary_register` derives from them and the household."""
        values = self.details(
            person, county=household["region_code"][:6], head=head, living=living, opened_on=opened_on
        )
        number = values["id_number"]
        return values | {
            "household_id": household["id"],
            "id_hash": lookup_hash(number) if number else None,
            "id_masked": idnumber.mask(number) if number else "",
            "id_tail": number[-4:],
            "station_id": household["station_id"],
            "point_id": household["point_id"],
            "region_code": household["region_code"],
            "in_hardship": any(UMBRELLAS[code] == "hardship" for code in person.codes),
            "in_special": any(UMBRELLAS[code] == "special" for code in person.codes),
        }


def _send(connection, copy_sql: str, insert_sql: str, rows: list[tuple]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY: one stream instead of a statement per row
            with cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            for start in range(0, len(rows), BATCH_SIZE):
                cursor.executemany(insert_sql, rows[start : start + BATCH_SIZE])


class _Writer:
    """Rows of one model written with executemany, their ids handed out here.

    At millions of rows `bulk_create` spends most of the build turning model instances into SQL values one by
    one through the query compiler. This writes the same rows from plain dicts of field values: fields left out
    get their model default; values that need their field (the encrypted ID number and health notes, dates,
    JSON) go through the field's own `get_db_prep_save`, so ciphertext and dates are exactly what the ORM writes;
    plain strings, numbers and flags go to the driver as they are; timestamps are the time of the write.
    PostgreSQL takes the rows by COPY, SQLite by executemany. It assumes nothing else writes the table during the build (synth runs alone); `finish` moves PostgreSQL's id
    sequence past the ids used.
    """

    PLAIN = (models.CharField, models.IntegerField, models.BooleanField, models.ForeignKey)

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.connection = connections[DEFAULT_DB_ALIAS]
        meta = model._meta
        self.fields = list(meta.concrete_fields)
        self.names = frozenset(f.attname for f in self.fields)
        self.defaults = {f.attname: f.get_default() for f in self.fields}
        self.stamps = [
            f.attname
            for f in self.fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        self.prepare = [
            f
            for f in self.fields
            if not (isinstance(f, self.PLAIN) or type(f) is models.TextField) and f.attname not in self.stamps
        ]
        quote = self.connection.ops.quote_name
        table, columns = quote(meta.db_table), ", ".join(quote(f.column) for f in self.fields)
        self.copy_sql = f"COPY {table} ({columns}) FROM STDIN"
        self.insert_sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(self.fields))})"  # noqa: S608 (names from the model)
        self.next_id = (model._base_manager.aggregate(top=Max("pk"))["top"] or 0) + 1
        self.rows: list[dict] = []
        self.written = 0

    def add(self, **values) -> int:
        unknown = values.keys() - self.names
        if unknown:
            raise TypeError(f"{self.model.__name__} has no field {sorted(unknown)}")
        values[self.model._meta.pk.attname] = pk = self.next_id
        self.next_id += 1
        self.rows.append(values)
        return pk

    def write(self) -> None:
        connection = self.connection
        now = timezone.now()
        stamped = {
            name: self.model._meta.get_field(name).get_db_prep_save(now, connection) for name in self.stamps
        }
        order = [f.attname for f in self.fields]
        rows = []
        for values in self.rows:
            row = self.defaults | stamped | values
            for f in self.prepare:
                row[f.attname] = f.get_db_prep_save(row[f.attname], connection)
            rows.append(tuple(row[name] for name in order))
        _send(connection, self.copy_sql, self.insert_sql, rows)
        self.written += len(rows)
        self.rows.clear()

    def finish(self) -> None:
        with self.connection.cursor() as cursor:
            for sql in self.connection.ops.sequence_reset_sql(no_style(), [self.model]):
                cursor.execute(sql)


@dataclass(slots=True)
class HouseholdPlan:
    """What the visits need of a household: where it is, how often it is visited and over which days."""

    id: int
    station_id: int
    point_id: int
    region_code: str
    level: int  # the most frequent follow-up level among its members in register (of all, if none is)
    first_registered: date
    last_in_register: date  # AS_OF while someone is in register, else the last member's exit


class _TupleWriter:
    """Rows of one model as tuples, for the tables of millions of rows (visits) where even `_Writer`'s dict per
    row costs too much. Each row gives its varying `columns`, in that order, already as the database takes them
    (the caller memoises the field's own preparation of values that repeat: days, times, JSON lists); every other
    column is the same on every row: its `fixed` value or the field's default, prepared once by the field, or
    left out of the statement (NULL) where the field allows NULL. Written as `_Writer` writes."""

    def __init__(self, model: type[models.Model], columns: tuple[str, ...], **fixed):
        self.model = model
        self.connection = connections[DEFAULT_DB_ALIAS]
        meta = model._meta
        fields = {f.attname: f for f in meta.concrete_fields}
        unknown = (set(columns) | set(fixed)) - fields.keys()
        if unknown:
            raise TypeError(f"{model.__name__} has no field {sorted(unknown)}")
        pk = meta.pk.attname
        tail = {}
        for name, f in fields.items():
            if name == pk or name in columns:
                continue
            if name in fixed:
                tail[name] = f.get_db_prep_save(fixed[name], self.connection)
            elif f.has_default() or (f.empty_strings_allowed and not f.null):
                tail[name] = f.get_db_prep_save(f.get_default(), self.connection)
            elif not f.null:
                raise TypeError(f"{model.__name__}.{name} needs a value")
        self.tail = tuple(tail.values())
        quote = self.connection.ops.quote_name
        names = [pk, *columns, *tail]
        table, column_list = quote(meta.db_table), ", ".join(quote(fields[name].column) for name in names)
        self.copy_sql = f"COPY {table} ({column_list}) FROM STDIN"
        self.insert_sql = f"INSERT INTO {table} ({column_list}) VALUES ({', '.join(['%s'] * len(names))})"  # noqa: S608 (names from the model)
        self.next_id = (model._base_manager.aggregate(top=Max("pk"))["top"] or 0) + 1
        self.rows: list[tuple] = []
        self.written = 0

    def add(self, *values) -> int:
        pk = self.next_id
        self.next_id += 1
        self.rows.append((pk, *values) + self.tail)
        return pk

    def write(self) -> None:
        _send(self.connection, self.copy_sql, self.insert_sql, self.rows)
        self.written += len(self.rows)
        self.rows.clear()

    def finish(self) -> None:
        if self.rows:
            self.write()
        with self.connection.cursor() as cursor:
            for sql in self.connection.ops.sequence_reset_sql(no_style(), [self.model]):
                cursor.execute(sql)


@contextmanager
def _bulk_load(*tables: type[models.Model]):
    """Load the tables without their secondary indexes, unique constraints and (on PostgreSQL) foreign keys, and
    make them again after: PostgreSQL's own advice for populating a database. An index built once over the whole
    table is far cheaper than one kept row by row, and a foreign key added to a loaded table is checked by one
    join instead of a deferred trigger per row at commit (minutes at millions of rows). All within the build's
    transaction: a failure leaves the schema as it was. SQLite checks its foreign keys on insert, through the
    parent's primary key, and keeps them."""
    connection = connections[DEFAULT_DB_ALIAS]
    names = [model._meta.db_table for model in tables]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A foreign key to a table with unchecked rows cannot be dropped: check everything written so far now
            # (the same checks the commit would make).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u') ORDER BY contype, conname",
                [names],
            )
            constraints = cursor.fetchall()
            cursor.execute(
                "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i "
                "WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
                "ORDER BY 1",
                [names],
            )
            indexes = cursor.fetchall()
            for table, name, _ in constraints:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
            for name, _ in indexes:
                cursor.execute(f"DROP INDEX {name}")
        else:
            constraints, indexes = [], []
            for table in names:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                    "AND tbl_name = %s ORDER BY name",
                    [table],
                )
                indexes += cursor.fetchall()
            for name, _ in indexes:
                cursor.execute(f"DROP INDEX {quote(name)}")
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _, sql in indexes:
            cursor.execute(sql)
        for table, name, definition in reversed(constraints):
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # back to Django's: every key checked at commit


def _build_people(
    counts: dict[str, int],
    rng: random.Random,
    village_names: dict[str, str],
    village_ids: dict[str, int],
    station_by_town: dict[str, Station],
    points: list[Point],
) -> tuple[int, int, int, list[HouseholdPlan]]:
    """Households and beneficiaries over the villages, in batches; returns households, people, links, and what
    the visits need of each household, in the order of their ids."""
    category_ids = dict(Category.objects.filter(code__in=USED_CATEGORIES).values_list("code", "id"))
    missing = [code for code in USED_CATEGORIES if code not in category_ids]
    if missing:
        raise SynthError(f"服务对象类别目录缺少代码：{'、'.join(missing)}（应由 registry 迁移 0002 写入）。")
    ledger = Ledger(rng)
    plan = iter(_household_plan(counts, rng))
    villages = sorted(village_names)
    per_village = _shares(counts["households"], len(villages), rng)
    point_by_village = {point.region_code: point for point in points}
    households_out, people_out, links_out = (
        _Writer(Household),
        _Writer(Beneficiary),
        _Writer(BeneficiaryCategory),
    )
    pending: list[tuple[dict, list[LedgerPerson], str]] = []
    plans: list[HouseholdPlan] = []

    def flush() -> None:
        for household, members, living in pending:
            opened_on = point_by_village[household["region_code"]].opened_on
            active_levels, all_levels, registered, exits = [], [], [], []
            for person in members:
                values = ledger.beneficiary(person, household, members[0], living, opened_on)
                all_levels.append(values["follow_up_level"])
                registered.append(values["registered_on"])
                if values["status"] == Status.ACTIVE:
                    active_levels.append(values["follow_up_level"])
                else:
                    exits.append(values["exited_on"])
                beneficiary_id = people_out.add(**values)
                for code in person.codes:
                    links_out.add(
                        beneficiary_id=beneficiary_id,
                        category_id=category_ids[code],
                        station_id=household["station_id"],
                        region_code=household["region_code"],
                        active=values["status"] == Status.ACTIVE,
                    )
            plans.append(
                HouseholdPlan(
                    id=household["id"],
                    station_id=household["station_id"],
                    point_id=household["point_id"],
                    region_code=household["region_code"],
                    level=min(active_levels or all_levels),
                    first_registered=min(registered),
                    last_in_register=AS_OF if active_levels else max(exits),
                )
            )
        for writer in (households_out, people_out, links_out):
            writer.write()
        pending.clear()

    county = ""
    for village_code, n_households in zip(villages, per_village, strict=True):
        if village_code[:6] != county:
            if pending:
                flush()  # numbers are drawn at the flush, under the county's sequences
            county = village_code[:6]
            ledger.new_county()
        station = station_by_town[village_code[:9] + "000"]
        point = point_by_village[village_code]
        for _ in range(n_households):
            kind, size = next(plan)
            members, living = ledger.household(kind, size)
            household = {
                "village_id": village_ids[village_code],
                "region_code": village_code,
                "station_id": station.pk,
                "point_id": point.pk,
                "address": f"{village_names[village_code]}{rng.randrange(1, 400)}号",
                "phone": _mobile(rng) if rng.random() < 0.6 else "",
            }
            household["id"] = households_out.add(**household)
            pending.append((household, members, living))
            if len(pending) >= BATCH_SIZE:
                flush()
    if pending:
        flush()
    for writer in (households_out, people_out, links_out):
        writer.finish()
    return households_out.written, people_out.written, links_out.written, plans


# ---------------------------------------------------------------------------------------------- visits

VISIT_DAYS = 365  # visits over the year up to AS_OF, AS_OF included
DAY_START, DAY_MINUTES = 8 * 60 + 30, 9 * 60  # a visit starts between 08:30 and 17:30, local time
GAP = (0.8, 1.4, 1.0)  # a gap between home visits, times the level's interval: triangular (low, high, mode)
BEHIND_SHARE = 0.06  # households in register whose home visits stopped short of AS_OF ...
BEHIND = (1.3, 4.0)  # ... this many intervals before it, so they are overdue on AS_OF
NEVER_SHARE = 0.004  # households never visited at home (due since their registration)
EXTRA_SHARE = 0.06  # after a home visit, the chance of one other contact before the next (a phone call ...)
POINT_WORKER_SHARE = 0.8  # a visit made by the worker of the household's point, where it has one
HAZARD_SHARE = 0.05  # home visits finding a safety hazard
NEED_SHARE = 0.12  # home visits finding a need (one, sometimes two)


def _weighted(choices: list[tuple[str, int]]) -> list[str]:
    """A list of 100 to index by a uniform draw: as `rng.choices` with integer percent weights, cheaper."""
    table = [value for value, weight in choices for _ in range(weight)]
    if len(table) != 100:
        raise ValueError("weights must add up to 100")
    return table


EXTRA_KINDS = _weighted(
    [
        (VisitKind.PHONE, 60),
        (VisitKind.AT_STATION, 12),
        (VisitKind.OTHER, 10),
        (VisitKind.ESCORT, 8),
        (VisitKind.VIDEO, 5),
        (VisitKind.GROUP, 5),
    ]
)
MENTAL_STATES = _weighted(
    [
        (MentalState.GOOD, 70),
        (MentalState.FAIR, 22),
        (MentalState.LOW, 5),
        (MentalState.ANXIOUS, 2),
        (MentalState.CONCERN, 1),
    ]
)


def _build_visits(
    rng: random.Random, plans: list[HouseholdPlan], staff: list[Staff], recorded_by: int
) -> tuple[int, int]:
    """The year's visits up to AS_OF, one worker each (the household's point's worker mostly, else someone of
    its station). Returns visits and worker links.

    Home visits follow each household's level: the first within one interval of the year's start (or a few days
    after registration), then every interval times a draw of GAP (a little early or late). BEHIND_SHARE of the
    households in register stopped being visited some intervals before AS_OF, NEVER_SHARE never were; after a
    home visit, now and then, another contact of some other kind. A household that left the register is
    visited until its last member left. Every visit is in the daytime, never after AS_OF."""
    intervals = {level: days for level, (_, days) in DEFAULT_LEVELS.items()}
    visits_out = _TupleWriter(
        Visit,
        (
            "household_id",
            "station_id",
            "point_id",
            "region_code",
            "visited_at",
            "visited_on",
            "kind",
            "is_home",
            "mental_state",
            "hazards",
            "needs",
            "created_at",
            "updated_at",
        ),
        recorded_by_id=recorded_by,
        version=1,
    )
    workers_out = _TupleWriter(VisitWorker, ("visit_id", "staff_id"))
    connection = visits_out.connection
    at_field, on_field = Visit._meta.get_field("visited_at"), Visit._meta.get_field("visited_on")
    json_field = Visit._meta.get_field("needs")
    zone = timezone.get_default_timezone()
    last_day = AS_OF.toordinal()
    first_day = last_day - VISIT_DAYS + 1
    days = {
        ordinal: on_field.get_db_prep_save(date.fromordinal(ordinal), connection)
        for ordinal in range(first_day, last_day + 1)
    }
    moments: dict[int, object] = {}

    def moment(ordinal: int, minute: int):
        """visited_at as the database takes it: the field's own preparation, once per day and minute."""
        key = ordinal * 1440 + minute
        value = moments.get(key)
        if value is None:
            day = date.fromordinal(ordinal)
            local = datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=zone)
            value = moments[key] = at_field.get_db_prep_save(local, connection)
        return value

    lists: dict[tuple[str, ...], object] = {}

    def json_list(*codes: str):
        value = lists.get(codes)
        if value is None:
            value = json_field.get_db_prep_save(list(codes), connection)
            if not isinstance(value, str):  # PostgreSQL's Jsonb wrapper dumps on every row: its text, once
                value = json.dumps(list(codes))
            lists[codes] = value
        return value

    empty = json_list()
    hazards, needs = [str(code) for code in Hazard.values], [str(code) for code in Need.values]
    point_worker = {person.point_id: person.pk for person in staff if person.point_id}
    station_staff: dict[int, list[int]] = {}
    for person in staff:
        station_staff.setdefault(person.station_id, []).append(person.pk)
    low, high, mode = GAP
    draw, triangular = rng.random, rng.triangular
    home, home_kind = True, str(VisitKind.HOME)

    for plan in plans:
        interval = intervals[plan.level]
        registered = plan.first_registered.toordinal()
        start, end = max(first_day, registered), min(last_day, plan.last_in_register.toordinal())
        chance = draw()
        if chance < NEVER_SHARE:
            continue
        if chance < NEVER_SHARE + BEHIND_SHARE and end == last_day:
            end -= round(interval * rng.uniform(*BEHIND))
        if start > end:
            continue
        # The first visit: a few days after registering, or anywhere in the first interval of the year.
        day = start + int(draw() * (min(interval, 5) if registered >= first_day else interval))
        own, others = point_worker.get(plan.point_id), station_staff[plan.station_id]
        where = (plan.id, plan.station_id, plan.point_id, plan.region_code)
        while day <= end:
            gap = max(1, round(interval * triangular(low, high, mode)))
            at = moment(day, DAY_START + int(draw() * DAY_MINUTES))
            worker = own if own and draw() < POINT_WORKER_SHARE else others[int(draw() * len(others))]
            mental = MENTAL_STATES[int(draw() * 100)]
            found = empty
            if draw() < HAZARD_SHARE:
                found = json_list(hazards[int(draw() * len(hazards))])
            wanted = empty
            if draw() < NEED_SHARE:
                first = needs[int(draw() * len(needs))]
                second = needs[int(draw() * len(needs))] if draw() < 0.3 else first
                wanted = json_list(*dict.fromkeys((first, second)))
            pk = visits_out.add(*where, at, days[day], home_kind, home, mental, found, wanted, at, at)
            workers_out.add(pk, worker)
            if gap > 1 and draw() < EXTRA_SHARE:
                other = day + 1 + int(draw() * (gap - 1))
                if other <= end:
                    at = moment(other, DAY_START + int(draw() * DAY_MINUTES))
                    worker = own if own and draw() < POINT_WORKER_SHARE else others[int(draw() * len(others))]
                    kind = str(EXTRA_KINDS[int(draw() * 100)])
                    pk = visits_out.add(*where, at, days[other], kind, False, "", empty, empty, at, at)
                    workers_out.add(pk, worker)
            day += gap
        if len(visits_out.rows) >= 20 * BATCH_SIZE:
            visits_out.write()
            workers_out.write()
    visits_out.finish()
    workers_out.finish()
    return visits_out.written, workers_out.written


# Missing equipment items at a site (0-8) and how often; a few sites were re-checked later with more items.
EQUIPMENT_MISSING = ([0, 1, 2, 3, 4], [55, 20, 12, 8, 5])
RECHECK_SHARE = 0.2


def _build_construction(rng: random.Random, stations: list, points: list, rows: list[RegionRow]) -> dict:
    """What the progress table reads: every site planned in the year it opened and built with its office that
    day; a checklist per site (some re-checked later); a progress report per county and city level; trainings."""
    equipment = []
    items = EquipmentItem.values
    for site in [*stations, *points]:
        station_id, point_id = (site.pk, None) if isinstance(site, Station) else (site.station_id, site.pk)
        missing = rng.choices(*EQUIPMENT_MISSING)[0]
        checks = [(site.opened_on, missing)]
        if missing and rng.random() < RECHECK_SHARE:
            checks.append((_day_after(site.opened_on, rng, 365), rng.randrange(missing)))
        for day, gone in checks:
            equipment.append(
                EquipmentRecord(
                    station_id=station_id,
                    point_id=point_id,
                    items=items[gone:],
                    missing=gone,
                    effective_on=day,
                    region_code=site.region_code,
                )
            )
    for model, sites in ((Station, stations), (Point, points)):
        for site in sites:
            site.planned_year = site.opened_on.year
            site.built_on = site.office_secured_on = site.opened_on
        model.objects.bulk_update(
            sites, ["planned_year", "built_on", "office_secured_on"], batch_size=BATCH_SIZE
        )
    EquipmentRecord.objects.bulk_create(equipment, batch_size=BATCH_SIZE)

    units = [row.code for row in rows if row.level in (Level.CITY, Level.COUNTY)]
    region_ids = dict(Region.objects.filter(code__in=units).values_list("code", "id"))
    reports = [
        ProgressReport(
            region_id=region_ids[code],
            region_code=code,
            effective_on=_day_after(FIRST_OPENED, rng, 365),
            plan_issued=True,
            coordination=True,
            management=rng.random() < 0.4,
            funding_requested=True,
            funding_approved=(approved := rng.random() < 0.6),
            funding_amount=Decimal(rng.randrange(500, 3000)) / 10 if approved else None,
        )
        for code in units
    ]
    ProgressReport.objects.bulk_create(reports, batch_size=BATCH_SIZE)
    trainings = [
        Training(
            kind=rng.choice(TrainingKind.values),
            held_on=_day_after(FIRST_OPENED, rng, 4 * 365),
            region_code=code,
            organiser=f"{code}民政局",
            topic="社工业务培训",
            hours=Decimal(6),
        )
        for code in units
        for _ in range(rng.randrange(1, 6))
    ]
    Training.objects.bulk_create(trainings, batch_size=BATCH_SIZE)
    return {
        "equipment_records": len(equipment),
        "progress_reports": len(reports),
        "trainings": len(trainings),
    }


# ---------------------------------------------------------------------------------------------- services

# What a station does for people beyond the home visit, over the visits' year (VISIT_DAYS up to AS_OF).
CASE_SHARE = 0.02  # people in register given a case in the year
CASE_CLOSED_SHARE = 0.5
CASE_NOTES = (0, 5)  # notes a case, uniform
REFERRAL_SHARE = 0.2  # cases referred to an agency
ASSISTANCE_SHARE = 0.10  # households with an assistance record in the year
BATCHES_PER_CITY = (3, 5)
HAND_OUT_SHARE = 0.6  # of the people of a batch's category at each station
ACTIVITIES_PER_MONTH = (2, 4)  # per station
PARTICIPANTS = (10, 60)
ACTIVITY_PEOPLE = (2, 8)  # registered beneficiaries named among the participants
ACTIVITY_VOLUNTEERS = (1, 4)
VOLUNTEERS_PER_STATION = (8, 25)
PARTNERS_PER_STATION = (2, 5)

CASE_PROBLEMS = [
    # presenting problem, main problems, the plan's goals
    ("独居老人生活照料困难", "高龄独居，行动不便，缺少日常照料", ["链接居家养老服务", "每周电话问候"]),
    (
        "残疾人康复与补贴申请",
        "残疾等级已评定，未申领补贴，康复需求未满足",
        ["协助申请残疾人补贴", "链接康复资源"],
    ),
    (
        "困境儿童学业与心理支持",
        "父母外出务工，学习动力不足，情绪低落",
        ["联系学校了解学习情况", "开展亲子沟通辅导"],
    ),
    ("精神障碍患者服药管理", "服药依从性差，家属照护压力大", ["协助定期复诊", "家属照护技能指导"]),
    ("家庭经济困难", "主要劳动力患病，家庭收入骤减", ["协助申请临时救助", "链接就业帮扶"]),
    ("流浪乞讨人员救助", "无固定住所，身份信息不全", ["协助办理身份证明", "护送返乡或安置"]),
]
CASE_SOURCES = (["visit", "walk_in", "village", "agency", "hotline", "other"], [50, 15, 20, 8, 4, 3])
CASE_OUTCOMES = (["achieved", "partly", "referred", "refused", "lost", "death"], [50, 25, 10, 5, 5, 5])
CASE_NOTE_TEXTS = [
    "入户了解近况，情绪稳定，按计划跟进。",
    "电话跟进，服务对象反映生活基本正常。",
    "陪同前往医院复诊，协助办理相关手续。",
    "与村委沟通，共同商议帮扶措施。",
    "开展个别辅导，服务对象表示愿意配合。",
    "协助整理申请材料，已提交相关部门。",
]
# purpose, agency kind
REFERRAL_PURPOSES = [
    ("申请残疾人证及补贴", "disabled_federation"),
    ("就医诊疗", "hospital"),
    ("临时安置与返乡", "rescue_station"),
    ("妇女儿童权益保护", "womens_federation"),
    ("身份信息核查", "police"),
]
COUNTY_AGENCIES = [("救助站", "rescue_station"), ("残疾人联合会", "disabled_federation"),
                   ("人民医院", "hospital"), ("妇女联合会", "womens_federation"), ("公安局", "police")]  # fmt: skip
# assistance type code -> (weight among the general types, amount range in yuan or None, quantity range or None)
ASSISTANCE_KINDS = {
    "disability_subsidy": (0, (150, 300), None),
    "old_age_allowance": (0, (100, 500), None),
    "medical_relief": (14, (500, 5000), None),
    "temporary_relief": (14, (500, 3000), None),
    "dibao_application": (5, (400, 900), None),
    "tekun_application": (3, (800, 1500), None),
    "relief_money": (12, (300, 2000), None),
    "daily_supplies": (15, None, (1, 3)),
    "cash_gift": (15, (200, 1000), None),
    "policy_advice": (10, None, None),
    "counselling": (6, None, None),
    "volunteer_service": (4, None, None),
    "employment_help": (2, None, None),
}
PARTIES = (["government", "enterprise", "charity", "volunteer", "community"], [30, 25, 25, 10, 10])
GIVERS = {
    "government": "{county}民政局",
    "enterprise": "{town}爱心企业",
    "charity": "{county}慈善会",
    "volunteer": "{town}志愿服务队",
    "community": "{town}社区",
}
# item, unit, the category it is for, party, giver
BATCH_ITEMS = [
    ("健康包", "份", "tekun_dispersed", "government", "{city}民政局"),
    ("棉被", "床", "living_alone_elderly", "charity", "{city}慈善总会"),
    ("棉衣", "件", "left_behind_child", "charity", "{city}慈善总会"),
    ("慰问品", "份", "dibao", "enterprise", "{city}爱心企业联合会"),
    ("学习用品", "套", "child_in_difficulty", "community", "{city}关心下一代工作委员会"),
    ("防暑药品", "份", "very_old_elderly", "government", "{city}民政局"),
    ("米油", "份", "anti_relapse", "enterprise", "{city}爱心企业联合会"),
    ("助行器", "个", "severely_disabled", "charity", "{city}残疾人福利基金会"),
]
THEMES = (
    ["festival", "children", "elderly", "anti_drug", "heritage", "volunteering", "health", "women", "safety"],
    [20, 18, 18, 6, 6, 8, 12, 6, 6],
)
THEME_TITLES = {
    "festival": ["迎新春送温暖", "情暖中秋", "九九重阳敬老", "端午粽飘香", "元宵猜灯谜"],
    "children": ["快乐暑假儿童成长营", "护苗成长小组", "亲子共读", "安全自护课堂"],
    "elderly": ["长者生日会", "健康长者手工坊", "银龄互助小组", "防诈骗讲座"],
    "anti_drug": ["禁毒知识进社区", "远离毒品珍爱生命"],
    "heritage": ["非遗剪纸体验", "传统手工艺传承"],
    "volunteering": ["志愿者培训", "邻里守望志愿行"],
    "health": ["义诊进村", "健康知识讲座", "中医养生体验"],
    "women": ["妇女手工编织小组", "巾帼心理健康讲座"],
    "safety": ["消防安全演练", "防溺水宣传"],
}
SEGMENTS = ["签到", "破冰游戏", "主题分享", "互动游戏", "知识问答", "手工制作", "文艺表演", "合影留念"]
# a station's partners: (name pattern, kind); {town} is the town's name
PARTNER_KINDS = [
    ("{town}志愿者协会", "volunteers"),
    ("{town}慈善会", "charity"),
    ("{county}社会工作服务中心", "social_work"),
    ("{town}社区居委会", "community"),
    ("{town}爱心实业有限公司", "enterprise"),
    ("{town}中心小学", "school"),
    ("{town}卫生院", "hospital"),
    ("{county}青年社会组织联合会", "social_org"),
]


@dataclass(slots=True)
class _Person:
    id: int
    household_id: int
    station_id: int
    region_code: str
    registered_on: date
    risk_level: str
    codes: list[str]


def _day_in(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _build_services(
    rng: random.Random,
    stations: list[Station],
    points: list[Point],
    staff: list[Staff],
    rows: list[RegionRow],
    towns: dict[str, tuple[str, str]],
    recorded_by: int,
) -> dict:
    """Cases with notes and referrals, assistance records with their steps, in-kind batches allocated city →
    county → stations and handed out, activities with their people and volunteers, and each station's volunteers
    and partners, over the visits' year. Drawn from their own `rng`, from the people in register read back."""
    from shuangbai.activities.models import (
        Activity,
        ActivityPartner,
        ActivityPerson,
        ActivityVolunteer,
        Partner,
        Volunteer,
    )
    from shuangbai.assistance.catalogue import seed_assistance_types
    from shuangbai.assistance.models import (
        TRANSITIONS,
        Allocation,
        Assistance,
        AssistanceStep,
        AssistanceType,
        Batch,
        HandOut,
        Holding,
    )
    from shuangbai.cases.models import Agency, Case, CaseNote, Goal, Referral, ReferralStep

    first_day, last_day = AS_OF - timedelta(days=VISIT_DAYS - 1), AS_OF
    names = {row.code: row.name for row in rows}
    codes = dict(Category.objects.values_list("id", "code"))
    categories = {}
    for person_id, category_id in (
        BeneficiaryCategory.objects.filter(active=True)
        .order_by("id")
        .values_list("beneficiary_id", "category_id")
    ):
        categories.setdefault(person_id, []).append(codes[category_id])
    people: list[_Person] = [
        _Person(pk, household, station, region, registered, risk, categories.get(pk, []))
        for pk, household, station, region, registered, risk in Beneficiary.objects.filter(
            status=Status.ACTIVE, region_code__gte=min(names), region_code__lte=max(names) + "9"
        )
        .order_by("id")
        .values_list("id", "household_id", "station_id", "region_code", "registered_on", "risk_level")
    ]
    by_station: dict[int, list[_Person]] = {}
    for person in people:
        by_station.setdefault(person.station_id, []).append(person)
    station_staff: dict[int, list[int]] = {}
    for person in staff:
        station_staff.setdefault(person.station_id, []).append(person.pk)
    station_points: dict[int, list[Point]] = {}
    for point in points:
        station_points.setdefault(point.station_id, []).append(point)

    def start_for(person: _Person) -> date:
        return max(first_day, person.registered_on)

    # -- agencies: each county's, for the referrals
    region_ids = dict(
        Region.objects.filter(code__in=[r.code for r in rows if r.level == Level.COUNTY]).values_list(
            "code", "id"
        )
    )
    taken = set(Agency.objects.values_list("name", flat=True))
    agencies = [
        Agency(name=f"{names[code]}{suffix}", kind=kind, region_id=region_id)
        for code, region_id in sorted(region_ids.items())
        for suffix, kind in COUNTY_AGENCIES
        if f"{names[code]}{suffix}" not in taken
    ]
    Agency.objects.bulk_create(agencies, batch_size=BATCH_SIZE)
    agency_by = {(agency.region_id, agency.kind): agency.pk for agency in agencies}

    # -- cases, notes, goals, referrals
    cases, notes_plan, goals_plan, referrals_plan = [], [], [], []
    for person in people:
        if rng.random() >= CASE_SHARE:
            continue
        start = start_for(person)
        if start > last_day:
            continue
        opened = _day_in(rng, start, last_day)
        problem, problems, goals = CASE_PROBLEMS[rng.randrange(len(CASE_PROBLEMS))]
        closed = rng.random() < CASE_CLOSED_SHARE and opened < last_day
        closed_on = _day_in(rng, opened + timedelta(days=1), last_day) if closed else None
        workers = station_staff[person.station_id]
        worker = workers[rng.randrange(len(workers))]
        cases.append(
            Case(
                beneficiary_id=person.id,
                station_id=person.station_id,
                region_code=person.region_code,
                worker_id=worker,
                opened_on=opened,
                source=rng.choices(*CASE_SOURCES)[0],
                presenting_problem=problem,
                opened_by_id=recorded_by,
                problems=problems,
                risk_level=person.risk_level,
                assessed_on=min(last_day, opened + timedelta(days=rng.randrange(8)))
                if rng.random() < 0.8
                else None,
                status="closed" if closed else "open",
                closed_on=closed_on,
                outcome=rng.choices(*CASE_OUTCOMES)[0] if closed else "",
                close_reason="服务目标基本达成，经评估结案。" if closed else "",
                closed_by_id=recorded_by if closed else None,
            )
        )
        end = closed_on or last_day
        for _ in range(rng.randint(*CASE_NOTES)):
            notes_plan.append((len(cases) - 1, _day_in(rng, opened, end), workers[rng.randrange(len(workers))],
                               CASE_NOTE_TEXTS[rng.randrange(len(CASE_NOTE_TEXTS))]))  # fmt: skip
        for text in goals:
            goals_plan.append((len(cases) - 1, text, opened + timedelta(days=rng.randrange(30, 180))))
        if rng.random() < REFERRAL_SHARE:
            purpose, kind = REFERRAL_PURPOSES[rng.randrange(len(REFERRAL_PURPOSES))]
            referred = _day_in(rng, opened, end)
            steps = [("sent", referred)]
            for _ in range(rng.randint(1, 3) - 1):
                day = steps[-1][1] + timedelta(days=rng.randrange(1, 30))
                if day > end:
                    break
                status = (
                    "accepted" if steps[-1][0] == "sent" else ("done" if rng.random() < 0.85 else "declined")
                )
                steps.append((status, day))
            agency = agency_by.get((region_ids.get(person.region_code[:6] + "000000"), kind))
            if agency is None:  # a county whose agency names were taken: any agency of that kind
                agency = next((pk for (_, k), pk in sorted(agency_by.items()) if k == kind), None)
            if agency is not None:
                referrals_plan.append((len(cases) - 1, agency, purpose, steps))
    Case.objects.bulk_create(cases, batch_size=BATCH_SIZE)
    notes_out, goals_out, referral_steps_out = _Writer(CaseNote), _Writer(Goal), _Writer(ReferralStep)
    for index, day, worker, text in notes_plan:
        notes_out.add(
            case_id=cases[index].pk, written_on=day, worker_id=worker, text=text, recorded_by_id=recorded_by
        )
    for index, text, target in goals_plan:
        case = cases[index]
        goals_out.add(
            case_id=case.pk, text=text, target_on=target, status="achieved" if case.closed_on else "ongoing"
        )
    referrals = []
    for index, agency, purpose, steps in referrals_plan:
        case = cases[index]
        status, day = steps[-1]
        referrals.append(
            Referral(
                case_id=case.pk,
                station_id=case.station_id,
                region_code=case.region_code,
                agency_id=agency,
                purpose=purpose,
                referred_on=steps[0][1],
                status=status,
                finished_on=day if status in ("done", "declined") else None,
            )
        )
    Referral.objects.bulk_create(referrals, batch_size=BATCH_SIZE)
    for referral, (_, _, _, steps) in zip(referrals, referrals_plan, strict=True):
        for status, day in steps:
            referral_steps_out.add(referral_id=referral.pk, agency_id=referral.agency_id, on_date=day,
                                   status=status, recorded_by_id=recorded_by)  # fmt: skip
    for writer in (notes_out, goals_out, referral_steps_out):
        writer.write()
        writer.finish()

    # -- assistance: a record for about ASSISTANCE_SHARE of the households, for one of their people
    seed_assistance_types(AssistanceType)
    types = {kind.code: kind for kind in AssistanceType.objects.filter(code__in=ASSISTANCE_KINDS)}
    missing = sorted(ASSISTANCE_KINDS.keys() - types.keys())
    if missing:
        raise SynthError(f"资源链接类型目录缺少代码：{'、'.join(missing)}。")
    general = [code for code, (weight, _, _) in ASSISTANCE_KINDS.items() if weight]
    general_weights = [ASSISTANCE_KINDS[code][0] for code in general]
    households: dict[int, list[_Person]] = {}
    for person in people:
        households.setdefault(person.household_id, []).append(person)
    records, steps_plan = [], []
    for members in households.values():
        if rng.random() >= ASSISTANCE_SHARE:
            continue
        person = members[rng.randrange(len(members))]
        if {"disabled", "severely_disabled"} & set(person.codes) and rng.random() < 0.6:
            code = "disability_subsidy"
        elif "very_old_elderly" in person.codes and rng.random() < 0.6:
            code = "old_age_allowance"
        else:
            code = rng.choices(general, general_weights)[0]
        kind = types[code]
        _, amounts, quantities = ASSISTANCE_KINDS[code]
        start = start_for(person)
        if start > last_day:
            continue
        day = _day_in(rng, start, last_day)
        if kind.is_application:
            status = "consult" if rng.random() < 0.3 else "applying"
            steps = [(status, day)]
            for _ in range(rng.randint(1, 3) - 1):
                following = TRANSITIONS[status]
                if not following:
                    break
                status = following[0] if len(following) == 1 or rng.random() < 0.8 else following[1]
                day += timedelta(days=rng.randrange(3, 30))
                if day > last_day:
                    break
                steps.append((status, day))
            party = "government"
        else:
            steps = [("delivered", day)]
            party = rng.choices(*PARTIES)[0]
        town, county = names[person.region_code[:9] + "000"], names[person.region_code[:6] + "000000"]
        records.append(
            Assistance(
                beneficiary_id=person.id,
                household_id=person.household_id,
                station_id=person.station_id,
                region_code=person.region_code,
                type_id=kind.pk,
                party=party,
                giver=GIVERS[party].format(town=town, county=county),
                status=steps[-1][0],
                status_on=steps[-1][1],
                started_on=steps[0][1],
                amount=Decimal(rng.randrange(amounts[0] // 10, amounts[1] // 10 + 1) * 10)
                if amounts
                else None,
                quantity=rng.randint(*quantities) if quantities else None,
                recorded_by_id=recorded_by,
            )
        )
        steps_plan.append(steps)
    Assistance.objects.bulk_create(records, batch_size=BATCH_SIZE)
    assistance_steps_out = _Writer(AssistanceStep)
    for record, steps in zip(records, steps_plan, strict=True):
        for status, day in steps:
            assistance_steps_out.add(
                assistance_id=record.pk, status=status, on=day, beneficiary_id=record.beneficiary_id,
                household_id=record.household_id, type_id=record.type_id, station_id=record.station_id,
                region_code=record.region_code, recorded_by_id=recorded_by,
            )  # fmt: skip
    assistance_steps_out.write()
    assistance_steps_out.finish()

    # -- in-kind batches: a few per city, each for one category, allocated down to every station holding
    # people of it, handed to HAND_OUT_SHARE of them; every holder keeps a little (stock never below zero)
    county_codes: dict[str, list[str]] = {}
    for row in rows:
        if row.level == Level.COUNTY:
            county_codes.setdefault(row.code[:4], []).append(row.code)
    stations_in: dict[str, list[Station]] = {}
    for station in stations:
        stations_in.setdefault(station.region_code[:6], []).append(station)
    category_ids = {code: pk for pk, code in codes.items()}
    batches, holdings_plan = [], []
    for city_prefix in sorted(county_codes):
        city_code = city_prefix.ljust(12, "0")
        for item, unit, category, party, donor in rng.sample(BATCH_ITEMS, rng.randint(*BATCHES_PER_CITY)):
            received = _day_in(rng, first_day, last_day - timedelta(days=60))
            counties = []
            for county_code in county_codes[city_prefix]:
                county_day = received + timedelta(days=rng.randint(1, 5))
                handed = []
                for station in stations_in.get(county_code[:6], []):
                    station_day = county_day + timedelta(days=rng.randint(1, 5))
                    matching = [p for p in by_station.get(station.pk, ())
                                if category in p.codes and p.registered_on <= station_day]  # fmt: skip
                    if not matching:
                        continue
                    given = [
                        (p, station_day + timedelta(days=rng.randrange(21)))
                        for p in matching
                        if rng.random() < HAND_OUT_SHARE
                    ]
                    quantity = (
                        len(matching) + round(len(matching) * rng.uniform(0.02, 0.15)) + rng.randint(1, 5)
                    )
                    handed.append((station, station_day, quantity, given))
                if handed:
                    quantity = sum(entry[2] for entry in handed) + rng.randint(0, 20)
                    counties.append((county_code, county_day, quantity, handed))
            if not counties:
                continue
            quantity = sum(entry[2] for entry in counties) + rng.randint(0, 50)
            batches.append(
                Batch(
                    item=item,
                    unit=unit,
                    quantity=quantity,
                    party=party,
                    donor=donor.format(city=names[city_code]),
                    received_on=received,
                    level="city",
                    region_code=city_code,
                    target_category_id=category_ids[category],
                    recorded_by_id=recorded_by,
                )
            )
            holdings_plan.append((category, counties))
    Batch.objects.bulk_create(batches, batch_size=BATCH_SIZE)
    holdings_out, allocations_out, hand_outs_out = _Writer(Holding), _Writer(Allocation), _Writer(HandOut)
    for batch, (_, counties) in zip(batches, holdings_plan, strict=True):
        city = holdings_out.add(batch_id=batch.pk, level="city", region_code=batch.region_code,
                                name=f"{names[batch.region_code]}民政局")  # fmt: skip
        for county_code, county_day, county_quantity, handed in counties:
            county = holdings_out.add(batch_id=batch.pk, level="county", region_code=county_code,
                                      name=f"{names[county_code]}民政局", parent_id=city)  # fmt: skip
            allocations_out.add(batch_id=batch.pk, source_id=city, target_id=county, quantity=county_quantity,
                                on=county_day, recorded_by_id=recorded_by)  # fmt: skip
            for station, station_day, station_quantity, given in handed:
                holding = holdings_out.add(batch_id=batch.pk, level="station", region_code=station.region_code,
                                           station_id=station.pk, name=station.name, parent_id=county)  # fmt: skip
                allocations_out.add(batch_id=batch.pk, source_id=county, target_id=holding,
                                    quantity=station_quantity, on=station_day, recorded_by_id=recorded_by)  # fmt: skip
                workers = station_staff[station.pk]
                for person, day in given:
                    hand_outs_out.add(
                        batch_id=batch.pk, holding_id=holding, station_id=station.pk, region_code=person.region_code,
                        beneficiary_id=person.id, household_id=person.household_id, quantity=1,
                        handed_on=min(day, last_day), worker_id=workers[rng.randrange(len(workers))],
                        note="本人签收", recorded_by_id=recorded_by,
                    )  # fmt: skip
        if len(hand_outs_out.rows) >= 20 * BATCH_SIZE:
            hand_outs_out.write()
    for writer in (holdings_out, allocations_out, hand_outs_out):
        writer.write()
        writer.finish()

    # -- each station's partners and volunteers, then its activities
    partners, volunteers = [], []
    person_names = _Names(rng)
    for station in stations:
        _, town = towns[station.region_code]
        county = names[station.region_code[:6] + "000000"]
        for pattern, kind in rng.sample(PARTNER_KINDS, rng.randint(*PARTNERS_PER_STATION)):
            partners.append(
                Partner(
                    name=pattern.format(town=town, county=county),
                    kind=kind,
                    contact_person=person_names.person(),
                    phone=_mobile(rng),
                    region_code=station.region_code,
                    region_name=town,
                )
            )
    Partner.objects.bulk_create(partners, batch_size=BATCH_SIZE)
    station_partners: dict[str, list[Partner]] = {}
    for partner in partners:
        station_partners.setdefault(partner.region_code, []).append(partner)
    for station in stations:
        _, town = towns[station.region_code]
        teams = [p for p in station_partners[station.region_code] if p.kind == "volunteers"]
        for _ in range(rng.randint(*VOLUNTEERS_PER_STATION)):
            team = teams[0] if teams and rng.random() < 0.5 else None
            volunteers.append(
                Volunteer(
                    name=person_names.person(),
                    organisation="" if team else f"{town}志愿服务队",
                    partner_id=team.pk if team else None,
                    phone=_mobile(rng),
                    station_id=station.pk,
                    region_code=station.region_code,
                    region_name=town,
                    active=rng.random() < 0.9,
                )
            )
    Volunteer.objects.bulk_create(volunteers, batch_size=BATCH_SIZE)
    station_volunteers: dict[int, list[int]] = {}
    for volunteer in volunteers:
        station_volunteers.setdefault(volunteer.station_id, []).append(volunteer.pk)

    activities, links_plan = [], []
    months = sorted(
        {(day.year, day.month) for day in (first_day + timedelta(days=d) for d in range(VISIT_DAYS))}
    )
    for station in stations:
        members = by_station.get(station.pk, [])
        for year, month in months:
            month_first = max(first_day, date(year, month, 1))
            month_last = min(
                last_day, (date(year, month, 28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
            )
            for _ in range(rng.randint(*ACTIVITIES_PER_MONTH)):
                day = _day_in(rng, month_first, month_last)
                theme = rng.choices(*THEMES)[0]
                point = None
                if station_points.get(station.pk) and rng.random() < 0.5:
                    point = rng.choice(station_points[station.pk])
                begin = rng.choice((9 * 60, 9 * 60 + 30, 14 * 60 + 30, 15 * 60))
                length = rng.choice((90, 120, 150, 180))
                participants = rng.randint(*PARTICIPANTS)
                activities.append(
                    Activity(
                        kind="group" if rng.random() < 0.3 else "community",
                        title=rng.choice(THEME_TITLES[theme]),
                        theme=theme,
                        held_on=day,
                        start_time=dt_time(begin // 60, begin % 60),
                        end_time=dt_time((begin + length) // 60, (begin + length) % 60),
                        place=point.name if point else station.name,
                        station_id=station.pk,
                        point_id=point.pk if point else None,
                        region_code=point.region_code if point else station.region_code,
                        organiser=station.name,
                        segments=sorted(rng.sample(SEGMENTS, rng.randint(2, 4)), key=SEGMENTS.index),
                        participants=participants,
                        materials=[{"item": "宣传资料", "quantity": participants, "unit": "份"}]
                        if rng.random() < 0.3
                        else [],
                        recorded_by_id=recorded_by,
                    )
                )
                taking_part = set()
                if members:
                    for _ in range(rng.randint(*ACTIVITY_PEOPLE)):
                        person = members[rng.randrange(len(members))]
                        if person.registered_on <= day:
                            taking_part.add(person.id)
                pool = station_volunteers.get(station.pk, [])
                helpers = rng.sample(pool, min(len(pool), rng.randint(*ACTIVITY_VOLUNTEERS)))
                hours = [Decimal(rng.randint(3, 8)) / 2 for _ in helpers]
                linked = station_partners.get(station.region_code, [])
                with_partners = rng.sample(linked, min(len(linked), rng.randint(0, 2)))
                links_plan.append(
                    (sorted(taking_part), list(zip(helpers, hours, strict=True)), with_partners)
                )
    Activity.objects.bulk_create(activities, batch_size=BATCH_SIZE)
    people_out, volunteers_out, partners_out = (
        _Writer(ActivityPerson),
        _Writer(ActivityVolunteer),
        _Writer(ActivityPartner),
    )
    for activity, (taking_part, helpers, with_partners) in zip(activities, links_plan, strict=True):
        where = {"held_on": activity.held_on, "region_code": activity.region_code}
        for person_id in taking_part:
            people_out.add(activity_id=activity.pk, beneficiary_id=person_id, **where)
        for volunteer_id, hours in helpers:
            volunteers_out.add(activity_id=activity.pk, volunteer_id=volunteer_id, hours=hours, **where)
        for partner in with_partners:
            partners_out.add(activity_id=activity.pk, partner_id=partner.pk)
    for writer in (people_out, volunteers_out, partners_out):
        writer.write()
        writer.finish()

    return {
        "agencies": len(agencies),
        "cases": len(cases),
        "cases_closed": sum(1 for case in cases if case.closed_on),
        "case_notes": notes_out.written,
        "case_goals": goals_out.written,
        "referrals": len(referrals),
        "referral_steps": referral_steps_out.written,
        "assistance": len(records),
        "assistance_steps": assistance_steps_out.written,
        "batches": len(batches),
        "holdings": holdings_out.written,
        "allocations": allocations_out.written,
        "hand_outs": hand_outs_out.written,
        "partners": len(partners),
        "volunteers": len(volunteers),
        "activities": len(activities),
        "activity_people": people_out.written,
        "activity_volunteers": volunteers_out.written,
        "activity_partners": partners_out.written,
    }


def synth_build(scale: float, *, seed: int = 1, people: bool = True) -> dict:
    """Build the synthetic programme at `scale` (1 = Guangdong) with `seed`, in one transaction; return the counts
    and the seconds taken, commit included (PostgreSQL checks the deferred foreign keys of every row then).
    `people=False` stops after the organisation and its construction records (no registry, no visits)."""
    started = time.perf_counter()
    with transaction.atomic(), unscoped("synth builds a whole synthetic province"):
        result = _build(scale, seed, people=people)
    return result | {"seconds": round(time.perf_counter() - started, 2)}


def _build(scale: float, seed: int, *, people: bool = True) -> dict:
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
    # Its own random stream, so the people and visits drawn after are those of a build without it.
    construction = _build_construction(random.Random(f"construction-{seed}"), stations, points, rows)
    org = {
        "seed": seed,
        "scale": scale,
        **counts,
        "stations": len(stations),
        "points": len(points),
        "staff": len(staff),
        "assignments": len(assignments),
        **construction,
    }
    if not people:
        return org

    households, beneficiaries, links, plans = _build_people(
        counts, rng, village_names, village_ids, station_by_town, points
    )
    people_done = time.perf_counter()

    recorded_by = system_actor().pk  # the synthetic visits are recorded by the system account
    with _bulk_load(Visit, VisitWorker):
        visits, visit_workers = _build_visits(rng, plans, staff, recorded_by)
    follow_ups = follow_up_rebuild()
    visits_done = time.perf_counter()
    # Its own random stream, so the people and visits above are those of a build without it.
    services = _build_services(
        random.Random(f"services-{seed}"), stations, points, staff, rows, towns, recorded_by
    )

    return org | {
        "households": households,
        "beneficiaries": beneficiaries,
        "category_links": links,
        "visits": visits,
        "visit_workers": visit_workers,
        "follow_ups": follow_ups,
        "visits_seconds": round(visits_done - people_done, 2),
        **services,
        "services_seconds": round(time.perf_counter() - visits_done, 2),
    }
