"""A hand-checked programme for the coverage tests: 3 stations of 云浮市, 40 people, January and February 2025.

Built through the real services on top of the `world` fixture (whose own people are registered today, so they
are not in the register in 2025 and do not count). 云浮市 sets level 4 to 60 days (the default is 90); the
other levels keep 3 / 7 / 30 days.

Station A (素龙街道, 罗定市): 凤塘村 has point A点; 新村 (added here) has no point, so its people are "站本部".
Station B (罗城街道, 罗定市): 柑园村, point B点. Station C (高峰街道, 云城区): 高峰村, point C点.
H = 困难群众 (低保对象 or 特困人员), S = 特殊群体 (留守儿童 / 独居老人 / 残疾人). Registered 2024-12-01 and level 3
unless said. Visits are home visits unless said.

    household   people                                   visits
    A 凤塘村
      HH1       A1 H L1, A2 S                            01-10, 02-26
      HH2       A3 H+S L2 (低保 and 独居老人)             phone 01-15
      HH3       A4 H registered 01-20                    01-05 (before registration), 02-10
      HH4       A5 H exits 01-15, A6 S                   01-20 (after A5's exit)
      HH5       A7 H L4                                  none
      HH6       A8 H, A9 (merged into A8), A10 S reg 01-28   01-25 (before A10's registration)
    A 新村 (站本部)
      HH7       A11 H L2, A12 S                         video 01-08, 02-03
    B 柑园村
      HH8       B1 H, B2 H, B3 S                         01-02, 02-14
      HH9       B4 H L1                                  02-25
      HH10      B5 S L4 registered 2024-10-01            2024-11-20
      HH11      B6 H registered 02-20                    none
      HH15-17   (B7 H, B8 S) (B9 H, B10 S) (B11 H, B12 S) 02-10 each
      HH18-19   (B13 H, B14 S) (B15 H, B16 S)            none
    C 高峰村
      HH12      C1 H, C2 H                               01-12
      HH13      C3 S L2                                  2024-12-20, escort 02-05
      HH20-24   C4..C8 H, one each                       01-15 each
      HH25-29   C9..C13 H, one each                      none

The tests state the expected figures as numbers worked out by hand from this table.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from shuangbai.regions.models import Region
from shuangbai.regions.services import RegionRow, regions_load
from shuangbai.registry.models import Category
from shuangbai.registry.services import (
    beneficiaries_merge,
    beneficiary_exit,
    beneficiary_register,
    household_register,
)
from shuangbai.stations.services import point_create
from shuangbai.visits.services import schedule_update, visit_record
from tests.conftest import id_number

JAN = (date(2025, 1, 1), date(2025, 1, 31))
FEB = (date(2025, 2, 1), date(2025, 2, 28))
XINCUN = "445381002202"  # a village of 素龙街道 without a service point
YUNFU = "445300000000"
LUODING = "445381000000"
YUNCHENG = "445302000000"
SULONG = "445381002000"
LUOCHENG = "445381001000"
DEC1 = date(2024, 12, 1)

VILLAGES = {"A": "445381002201", "A0": XINCUN, "B": "445381001201", "C": "445302002201"}
CATEGORY = {"H": ["dibao"], "S": ["left_behind_child"], "HS": ["dibao", "living_alone_elderly"]}


class Built:
    """The people by name (A1 ...), the households by number (1 ...), and the planned point."""

    def __init__(self):
        self.people: dict = {}
        self.households: dict = {}


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 0))


class _Builder:
    def __init__(self, world):
        self.world = world
        self.actor = world.city
        self.built = Built()
        self.seq = 200

    def _identity(self, station: str) -> dict:
        self.seq += 1
        county = {"A": "445381", "A0": "445381", "B": "445381", "C": "445302"}[station]
        return {"id_number": id_number(county, "19500101", f"{self.seq:03d}")}

    def household(self, number: int, station: str, members: list[tuple]) -> None:
        """members: (name, umbrella code, level, registered_on) - the first is the head."""
        (name, umbrella, level, registered), *others = members
        household = household_register(
            actor=self.actor,
            village=Region.objects.get(code=VILLAGES[station]),
            address=f"{number}号",
            head={
                "name": name,
                "categories": [Category.objects.get(code=c) for c in CATEGORY[umbrella]],
                "follow_up_level": level,
                "registered_on": registered,
                **self._identity(station),
            },
        )
        self.built.households[number] = household
        self.built.people[name] = household.members.get()
        for name, umbrella, level, registered in others:
            self.built.people[name] = beneficiary_register(
                actor=self.actor,
                household=household,
                name=name,
                relation="child",
                categories=[Category.objects.get(code=c) for c in CATEGORY[umbrella]],
                follow_up_level=level,
                registered_on=registered,
                **self._identity(station),
            )

    def visit(self, number: int, day: date, kind: str = "home") -> None:
        household = self.built.households[number]
        staff = getattr(self.world, f"staff_{self._letter(household)}")
        visit_record(
            actor=self.actor,
            household=household,
            visited_at=at(day),
            workers=[staff],
            kind=kind,
            late_reason="补录",
        )

    def _letter(self, household) -> str:
        for letter in "abc":
            if getattr(self.world, f"station_{letter}").pk == household.station_id:
                return letter
        raise AssertionError("household outside the fixture's stations")


def build(world) -> Built:
    regions_load([RegionRow(2, XINCUN, "新村", SULONG, "village")], fictional=True)
    schedule_update(
        actor=world.city,
        city_code=YUNFU,
        levels={1: ("一级", 3), 2: ("二级", 7), 3: ("三级", 30), 4: ("四级", 60)},
    )
    b = _Builder(world)
    b.built.planned_point = point_create(
        actor=world.city, station=world.station_a, name="规划点", status="planned"
    )
    h = b.household
    h(1, "A", [("A1", "H", 1, DEC1), ("A2", "S", 3, DEC1)])
    h(2, "A", [("A3", "HS", 2, DEC1)])
    h(3, "A", [("A4", "H", 3, date(2025, 1, 20))])
    h(4, "A", [("A5", "H", 3, DEC1), ("A6", "S", 3, DEC1)])
    h(5, "A", [("A7", "H", 4, DEC1)])
    h(6, "A", [("A8", "H", 3, DEC1), ("A10", "S", 3, date(2025, 1, 28))])
    h(7, "A0", [("A11", "H", 2, DEC1), ("A12", "S", 3, DEC1)])
    h(8, "B", [("B1", "H", 3, DEC1), ("B2", "H", 3, DEC1), ("B3", "S", 3, DEC1)])
    h(9, "B", [("B4", "H", 1, DEC1)])
    h(10, "B", [("B5", "S", 4, date(2024, 10, 1))])
    h(11, "B", [("B6", "H", 3, date(2025, 2, 20))])
    for number, first in zip(range(15, 20), range(7, 16, 2), strict=True):
        h(number, "B", [(f"B{first}", "H", 3, DEC1), (f"B{first + 1}", "S", 3, DEC1)])
    h(12, "C", [("C1", "H", 3, DEC1), ("C2", "H", 3, DEC1)])
    h(13, "C", [("C3", "S", 2, DEC1)])
    for number, index in zip(range(20, 30), range(4, 14), strict=True):
        h(number, "C", [(f"C{index}", "H", 3, DEC1)])
    people = b.built.people
    # A9: the same person as A8 registered twice (no ID number the second time), merged into A8.
    people["A9"] = beneficiary_register(
        actor=world.city,
        household=b.built.households[6],
        name="A9",
        relation="other",
        categories=[Category.objects.get(code="dibao")],
        no_id_reason="other",
        gender="M",
        birth_date=date(1950, 1, 1),
        registered_on=DEC1,
    )

    v = b.visit
    v(1, date(2025, 1, 10))
    v(1, date(2025, 2, 26))
    v(2, date(2025, 1, 15), "phone")
    v(3, date(2025, 1, 5))
    v(3, date(2025, 2, 10))
    v(4, date(2025, 1, 20))
    v(6, date(2025, 1, 25))
    v(7, date(2025, 1, 8), "video")
    v(7, date(2025, 2, 3))
    v(8, date(2025, 1, 2))
    v(8, date(2025, 2, 14))
    v(9, date(2025, 2, 25))
    v(10, date(2024, 11, 20))
    for number in (15, 16, 17):
        v(number, date(2025, 2, 10))
    v(12, date(2025, 1, 12))
    v(13, date(2024, 12, 20))
    v(13, date(2025, 2, 5), "escort")
    for number in range(20, 25):
        v(number, date(2025, 1, 15))

    a5 = people["A5"]
    a5.refresh_from_db()
    people["A5"] = beneficiary_exit(
        actor=world.city, beneficiary=a5, version=a5.version, reason="moved_out", on_date=date(2025, 1, 15)
    )
    beneficiaries_merge(actor=world.city, keep=people["A8"], merge=people["A9"])
    return b.built
