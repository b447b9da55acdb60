"""The people and places every test uses, built through the real services.

Places: the real Yunfu tree (from the package's CSV) plus a second city (广州市, fictional test nodes) and a
second province (广西) so that every role has something outside its scope.
- station_a: 素龙街道 (罗定市, 云浮市) with point_a; station_b: 罗城街道 (罗定市) with point_b
- station_c: 高峰街道 (云城区, 云浮市); station_d: a town of 广州市; station_e: a town of 广西
Each station has one household with one beneficiary (household_a / beneficiary_a ...), category 低保对象,
with a fictional ID number made by `id_number()`.
People: province, city (云浮市), county (罗定市), head_a and worker_a (station A), worker_b (station B),
supervisor (assigned to the 罗定市 stations A and B), viewer (云浮市).
"""

from __future__ import annotations

from datetime import date
from importlib import resources

import pytest

from shuangbai.core.idnumber import check_char
from shuangbai.core.models import Role, User, system_actor
from shuangbai.core.scoping import guarded, unscoped
from shuangbai.regions.models import Region
from shuangbai.regions.services import RegionRow, read_region_csv, regions_load
from shuangbai.registry.catalogue import seed_categories
from shuangbai.registry.models import Category
from shuangbai.registry.services import household_register
from shuangbai.staff.accounts import user_create
from shuangbai.staff.models import Position
from shuangbai.staff.services import staff_create
from shuangbai.stations.services import point_create, station_create

PASSWORD = "correct-horse-battery"

EXTRA_REGIONS = [
    ("445381002201", "凤塘村", "445381002000", "village"),
    ("445381001201", "柑园村", "445381001000", "village"),
    ("445302002201", "高峰村", "445302002000", "village"),
    ("440100000000", "广州市", "440000000000", "city"),
    ("440103000000", "荔湾区", "440100000000", "county"),
    ("440103001000", "沙面街道", "440103000000", "town"),
    ("450000000000", "广西壮族自治区", "", "province"),
    ("450100000000", "南宁市", "450000000000", "city"),
    ("450102000000", "兴宁区", "450100000000", "county"),
    ("450102001000", "民生街道", "450102000000", "town"),
    ("440103001201", "沙面村", "440103001000", "village"),
    ("450102001201", "民生村", "450102001000", "village"),
]
# The village of each station's one beneficiary in the fixture.
BENEFICIARY_VILLAGES = {
    "a": "445381002201",
    "b": "445381001201",
    "c": "445302002201",
    "d": "440103001201",
    "e": "450102001201",
}


def id_number(prefix: str = "445381", birth: str = "19500101", seq: str = "123") -> str:
    """A fictional ID number that passes the GB 11643 check: region prefix, birth date, sequence, check."""
    first17 = prefix + birth + seq
    return first17 + check_char(first17)


def seed_catalogues() -> None:
    """The catalogues other than the categories that migrations seed: agencies, assistance types, check items."""
    from shuangbai.assistance.catalogue import seed_assistance_types
    from shuangbai.assistance.models import AssistanceType
    from shuangbai.cases.catalogue import seed_agencies
    from shuangbai.cases.models import Agency
    from shuangbai.supervision.catalogue import seed_check_items
    from shuangbai.supervision.models import CheckItem

    seed_agencies(Agency, Region)
    seed_assistance_types(AssistanceType)
    seed_check_items(CheckItem)


@pytest.fixture(autouse=True)
def _tests_read_unscoped(monkeypatch):
    """A test's own set-up and assertions read the database directly; the requests it makes are guarded again
    (ScopeGuardMiddleware), and so are the commands it runs, as they are outside tests."""
    from django.core.management.base import BaseCommand

    execute = BaseCommand.execute

    def execute_guarded(self, *args, **options):
        with guarded():
            return execute(self, *args, **options)

    monkeypatch.setattr(BaseCommand, "execute", execute_guarded)
    with unscoped("tests set up and inspect the database directly"):
        yield


class World:
    """Attribute bag of the fixture's objects."""


def _station(town_code: str, village_code: str | None, letter: str, world: World) -> None:
    town = Region.objects.get(code=town_code)
    station = station_create(actor=system_actor(), town=town, status="operating", opened_on=date(2021, 7, 1))
    village = Region.objects.get(code=village_code) if village_code else None
    point = point_create(
        actor=system_actor(), station=station, village=village, name=f"{letter.upper()}点", status="operating"
    )
    staff = staff_create(
        actor=system_actor(),
        name=f"社工{letter.upper()}",
        gender="F",
        phone=f"1380000000{ord(letter) - 96}",
        hired_on=date(2021, 7, 1),
        station=station,
        point=point,
        position=Position.WORKER,
    )
    household = household_register(
        actor=system_actor(),
        village=Region.objects.get(code=BENEFICIARY_VILLAGES[letter]),
        address=f"{letter.upper()}巷1号",
        head={
            "name": f"对象{letter.upper()}",
            "id_number": id_number(town_code[:6], "19480203", f"{ord(letter):03d}"),
            "categories": [Category.objects.get(code="dibao")],
        },
    )
    setattr(world, f"household_{letter}", household)
    setattr(world, f"beneficiary_{letter}", household.members.get())
    setattr(world, f"station_{letter}", station)
    setattr(world, f"point_{letter}", point)
    setattr(world, f"staff_{letter}", staff)


def _user(username: str, role: str, scope: str, staff=None) -> User:
    return user_create(
        actor=system_actor(),
        username=username,
        password=PASSWORD,
        role=role,
        scope_code=scope,
        display_name=username,
        staff=staff,
    )


@pytest.fixture
def world(db) -> World:
    regions_load(
        read_region_csv(resources.files("shuangbai").joinpath("data/regions-yunfu.csv").read_bytes())
    )
    regions_load(
        [RegionRow(i, c, n, p, lvl) for i, (c, n, p, lvl) in enumerate(EXTRA_REGIONS, 2)], fictional=True
    )
    # a transactional test before this one flushed the catalogues the migrations seed
    seed_categories(Category)
    seed_catalogues()
    w = World()
    _station("445381002000", "445381002201", "a", w)
    _station("445381001000", "445381001201", "b", w)
    _station("445302002000", "445302002201", "c", w)
    _station("440103001000", None, "d", w)
    _station("450102001000", None, "e", w)
    w.head_staff = staff_create(
        actor=system_actor(),
        name="站长甲",
        gender="M",
        hired_on=date(2021, 7, 1),
        station=w.station_a,
        position=Position.HEAD,
    )
    w.province = _user("province", Role.PROVINCE, "440000000000")
    w.city = _user("city", Role.CITY, "445300000000")
    w.county = _user("county", Role.COUNTY, "445381000000")
    w.head_a = _user("head_a", Role.STATION_HEAD, "445381002000", staff=w.head_staff)
    w.worker_a = _user("worker_a", Role.WORKER, "445381002000", staff=w.staff_a)
    w.worker_b = _user("worker_b", Role.WORKER, "445381001000", staff=w.staff_b)
    w.supervisor = _user("supervisor", Role.SUPERVISOR, "445381000000")
    w.viewer = _user("viewer", Role.VIEWER, "445300000000")
    return w
