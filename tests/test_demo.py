"""The demo reproduces the 2021-08-09 construction table of seed 001 (stations, points, staff per county)."""

from django.db.models import Count
from django.test import Client

from shuangbai.core.models import User
from shuangbai.demo import DEFAULT_PASSWORD, load_demo
from shuangbai.regions.models import Region
from shuangbai.staff.models import Staff
from shuangbai.stations.models import Point, Station

# From the seed's table: county -> (stations, points, staff at stations, staff at points)
SEED_TABLE = {
    "云城区": (8, 19, 16, 47),
    "云安区": (7, 17, 14, 42),
    "罗定市": (21, 50, 28, 131),
    "新兴县": (12, 30, 24, 82),
    "郁南县": (15, 30, 30, 62),
}


def _by_county(queryset) -> dict[str, int]:
    names = dict(Region.objects.filter(level="county").values_list("code", "name"))
    counts = {}
    for obj in queryset:
        name = names[obj.region_code[:6].ljust(12, "0")]
        counts[name] = counts.get(name, 0) + 1
    return counts


def test_the_demo_reproduces_the_2021_table(db):
    load_demo()
    stations = _by_county(Station.objects.active())
    points = _by_county(Point.objects.active())
    at_stations = _by_county(Staff.objects.in_post().filter(kind="worker", point__isnull=True))
    at_points = _by_county(Staff.objects.in_post().filter(kind="worker", point__isnull=False))
    for county, (n_stations, n_points, n_station_staff, n_point_staff) in SEED_TABLE.items():
        assert (stations[county], points[county], at_stations[county], at_points[county]) == (
            n_stations,
            n_points,
            n_station_staff,
            n_point_staff,
        ), county
    assert sum(stations.values()) == 63 and sum(points.values()) == 146 and sum(at_stations.values()) == 112


def test_the_demo_has_the_places_the_seeds_name(db):
    load_demo()
    towns = set(Station.objects.values_list("town__name", flat=True))
    for name in [
        "高峰街道",
        "河口街道",
        "六都镇",
        "素龙街道",
        "罗城街道",
        "水台镇",
        "东成镇",
        "桂圩镇",
        "连滩镇",
        "都城镇",
        "平台镇",
        "富林镇",
        "车岗镇",
        "双东街道",
        "建城镇",
        "\U00023e23塘镇",
    ]:
        assert name in towns
    assert Point.objects.filter(station__town__name="河口街道", village__name="双上村").exists()
    assert Point.objects.filter(station__town__name="都城镇", village__name="夏袭村").exists()
    assert not Region.objects.filter(level="village", fictional=False).exists()
    # every station has exactly one head
    heads = Staff.objects.in_post().filter(position="head").values("station").annotate(n=Count("id"))
    assert len(heads) == 63 and {h["n"] for h in heads} == {1}


def test_the_demo_is_idempotent_and_every_login_works(db):
    load_demo()
    counts = (Region.objects.count(), Station.objects.count(), Point.objects.count(), Staff.objects.count())
    logins = load_demo()
    assert counts == (
        Region.objects.count(),
        Station.objects.count(),
        Point.objects.count(),
        Staff.objects.count(),
    )
    assert [row[0] for row in logins] == [
        "province",
        "city",
        "county",
        "head",
        "worker",
        "supervisor",
        "viewer",
    ]
    for username in ["province", "city", "county", "head", "worker", "supervisor", "viewer"]:
        client = Client()
        assert client.post("/login/", {"username": username, "password": DEFAULT_PASSWORD}).status_code == 302
    head = User.objects.get(username="head")
    assert head.scope_station.town.name == "素龙街道" and head.staff.position == "head"
    assert User.objects.get(username="worker").staff.station == head.scope_station
    supervisor = User.objects.get(username="supervisor")
    assert Station.objects.visible_to(supervisor).count() == 21


def test_the_demo_password_comes_from_the_environment(db, monkeypatch):
    monkeypatch.setenv("SHUANGBAI_DEMO_PASSWORD", "another-demo-pass")
    load_demo()
    assert User.objects.get(username="city").check_password("another-demo-pass")
    assert not User.objects.get(username="city").check_password(DEFAULT_PASSWORD)
