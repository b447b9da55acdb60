"""What the service map shows, read in the user's scope.

A household is placed where its registration put it (使用当前位置 on the household form), else where its latest
located visit was recorded; it is coloured by its members' most frequent follow-up level and by when its next
home visit falls due, by the due list's own rule (`visits.selectors.schedule(...).due_on`). Stations and points
have no coordinates of their own: each is drawn at the mean of the households it serves, a village's label at
the mean of its households.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Avg, Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from shuangbai.core.models import User
from shuangbai.core.scoping import code_range
from shuangbai.regions.models import Level, Region
from shuangbai.registry.models import Beneficiary, Household
from shuangbai.registry.selectors import household_members
from shuangbai.stations.models import Point, Station
from shuangbai.visits.models import HOME_KINDS, FollowUp, Visit
from shuangbai.visits.selectors import SOON_DAYS, schedule

from .geo import for_display, tile_crs

# A household's state on the map, as its marker is drawn.
OK, SOON, OVERDUE = 0, 1, 2  # not due within the week; due today or within SOON_DAYS; overdue
# The region map places a station at the mean of its households only when it has this many located, so that
# the place of a station with a single household is not the place of that household.
MIN_HOUSEHOLDS_TO_PLACE = 5
# A visit's position places its household only when the phone's fix was this good (metres): a fix of a few
# hundred metres (a phone indoors, without satellites) would put the house in the neighbour's village.
MAX_ACCURACY_METRES = 100


def state_of(due_on: date, today: date) -> int:
    if due_on < today:
        return OVERDUE
    return SOON if due_on <= today + timedelta(days=SOON_DAYS) else OK


def _mean(points: Iterable[tuple[float, float]]) -> tuple[float, float] | None:
    points = list(points)
    if not points:
        return None
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


# ------------------------------------------------------------------------------------------ a station's map


@dataclass
class MapHousehold:
    id: int
    lat: float  # WGS-84, as stored
    lng: float
    level: int  # the most frequent follow-up level among its members in the register
    due_on: date
    state: int
    village_id: int
    point_id: int | None


@dataclass
class StationMap:
    station: Station
    households: list[MapHousehold]
    unplaced: int  # households in the register with no position yet
    level_names: dict[int, str]
    sites: list[tuple[str, str, float, float]] = field(default_factory=list)  # (kind, name, lat, lng)
    villages: list[tuple[str, float, float, int]] = field(
        default_factory=list
    )  # (name, lat, lng, households)

    def counts(self) -> dict[str, int]:
        states = [h.state for h in self.households]
        return {
            "placed": len(states),
            "unplaced": self.unplaced,
            "overdue": states.count(OVERDUE),
            "soon": states.count(SOON),
        }

    def payload(self) -> dict:
        """The JSON the map draws: short keys, positions rounded and in the tiles' system, no names of people
        (a household's card, with its names, is fetched when its marker is tapped)."""
        return {
            "crs": tile_crs(),
            "levels": self.level_names,
            "h": [[h.id, *for_display(h.lat, h.lng), h.level, h.state] for h in self.households],
            "sites": [[kind, name, *for_display(lat, lng)] for kind, name, lat, lng in self.sites],
            "villages": [[name, *for_display(lat, lng), n] for name, lat, lng, n in self.villages],
            "unplaced": self.unplaced,
        }


def level_names(station: Station) -> dict[int, str]:
    """The names of the four levels in the station's city, for the legend."""
    return schedule(station.region_code).names


def station_map(user: User, station: Station, *, today: date | None = None) -> StationMap:
    """The station's households in the register, placed and coloured, with its station, points and villages.
    Four queries, whatever the number of households."""
    today = today or timezone.localdate()
    plan = schedule(station.region_code)
    people = (
        Beneficiary.objects.visible_to(user)
        .active()
        .filter(station=station)
        .values_list(
            "household_id", "follow_up_level", "registered_on", "household__follow_up__last_home_visit_on"
        )
        .order_by()
    )
    levels: dict[int, int] = {}
    due: dict[int, date] = {}
    for household_id, level, registered_on, last_home_visit in people:
        due_on = plan.due_on(level, last_home_visit, registered_on)
        levels[household_id] = min(levels.get(household_id, level), level)
        due[household_id] = min(due.get(household_id, due_on), due_on)

    rows = (
        Household.objects.visible_to(user)
        .filter(station=station)
        .values_list("id", "latitude", "longitude", "village_id", "point_id")
        .order_by("id")
    )
    households, unlocated = [], {}
    for pk, lat, lng, village_id, point_id in rows:
        if pk not in levels:
            continue  # nobody of it in the register (exited, merged): not the station's work any more
        if lat is None:
            unlocated[pk] = (village_id, point_id)
            continue
        households.append(
            MapHousehold(
                pk,
                float(lat),
                float(lng),
                levels[pk],
                due[pk],
                state_of(due[pk], today),
                village_id,
                point_id,
            )
        )
    if unlocated:
        # the latest home visit that recorded a position, for households registered without one: only a visit in
        # the home was made where the household lives (a phone call's position is the worker's desk), and only a
        # fix good enough to find the house by
        visits = (
            Visit.objects.visible_to(user)
            .filter(
                Q(location_accuracy__isnull=True) | Q(location_accuracy__lte=MAX_ACCURACY_METRES),
                station=station,
                kind__in=HOME_KINDS,
                latitude__isnull=False,
                household__latitude__isnull=True,
            )
            .values_list("household_id", "latitude", "longitude")
            .order_by("visited_at", "id")
        )
        found = {pk: (float(lat), float(lng)) for pk, lat, lng in visits if pk in unlocated}
        for pk, (lat, lng) in sorted(found.items()):
            village_id, point_id = unlocated.pop(pk)
            households.append(
                MapHousehold(
                    pk, lat, lng, levels[pk], due[pk], state_of(due[pk], today), village_id, point_id
                )
            )
    households.sort(key=lambda h: h.id)

    result = StationMap(station, households, len(unlocated), plan.names)
    by_village: dict[int, list[tuple[float, float]]] = defaultdict(list)
    by_point: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for h in households:
        by_village[h.village_id].append((h.lat, h.lng))
        if h.point_id:
            by_point[h.point_id].append((h.lat, h.lng))
    villages = {village.pk: village for village in Region.objects.filter(pk__in=sorted(by_village))}
    for village_id, places in by_village.items():
        lat, lng = _mean(places)
        result.villages.append((villages[village_id].name, lat, lng, len(places)))
    result.villages.sort()
    if centre := _mean((h.lat, h.lng) for h in households):
        result.sites.append(("s", station.name, *centre))
    for point in station.points.active().order_by("name"):
        where = _mean(by_point.get(point.pk, ())) or _mean(by_village.get(point.village_id, ()))
        if where:
            result.sites.append(("p", point.name, *where))
    return result


# ------------------------------------------------------------------------------------------ a household's card


@dataclass
class CardPerson:
    id: int
    name: str
    level_name: str
    risk_level: str
    due_on: date


@dataclass
class HouseholdCard:
    household: Household
    head: str
    people: list[CardPerson]
    last_home_visit: date | None
    due_on: date | None
    days_overdue: int | None  # > 0 overdue, 0 due today, < 0 due in that many days


def household_card(household: Household, *, today: date | None = None) -> HouseholdCard:
    """What tapping a household shows: the household was found in the user's scope."""
    today = today or timezone.localdate()
    plan = schedule(household.region_code)
    try:
        last = household.follow_up.last_home_visit_on
    except FollowUp.DoesNotExist:
        last = None
    members = list(household_members(household))
    active = [m for m in members if m.status == "active"]
    people = [
        CardPerson(
            m.pk,
            m.name,
            plan.names[m.follow_up_level],
            m.risk_level,
            plan.due_on(m.follow_up_level, last, m.registered_on),
        )
        for m in active
    ]
    due_on = min((p.due_on for p in people), default=None)
    return HouseholdCard(
        household=household,
        head=members[0].name if members else "",
        people=people,
        last_home_visit=last,
        due_on=due_on,
        days_overdue=(today - due_on).days if due_on else None,
    )


# ------------------------------------------------------------------------------------------ a region's map


@dataclass
class TownRow:
    town: Region
    stations: int = 0
    points: int = 0
    households: int = 0
    people: int = 0
    station_ids: list[int] = field(default_factory=list)


@dataclass
class RegionMap:
    region: Region
    towns: list[TownRow]
    sites: list[tuple[str, int, str, str, float, float]]  # (kind, station id, name, town name, lat, lng)
    unplaced_sites: int

    def payload(self) -> dict:
        return {
            "crs": tile_crs(),
            "sites": [
                [kind, pk, name, town, *for_display(lat, lng)]
                for kind, pk, name, town, lat, lng in self.sites
            ],
        }


def region_map(user: User, region: Region) -> RegionMap:
    """The stations and points of a region (a city, a county, a town) and the counts of each town: never a
    household, only the means of many."""
    low, high = code_range(region.prefix)
    in_region = Q(region_code__gte=low, region_code__lte=high)
    stations = list(
        Station.objects.visible_to(user)
        .active()
        .filter(in_region)
        .select_related("town")
        .order_by("region_code")
    )
    points = list(
        Point.objects.visible_to(user)
        .active()
        .filter(in_region)
        .select_related("village")
        .order_by("region_code", "name")
    )
    households = Household.objects.visible_to(user).filter(in_region)
    located = households.filter(latitude__isnull=False)

    def centres(field_name: str) -> dict[int, tuple[float, float]]:
        rows = (
            located.values(field_name)
            .annotate(lat=Avg("latitude"), lng=Avg("longitude"), n=Count("id"))
            .filter(n__gte=MIN_HOUSEHOLDS_TO_PLACE)
            .values_list(field_name, "lat", "lng")
            .order_by()
        )
        return {pk: (float(lat), float(lng)) for pk, lat, lng in rows if pk}

    station_at, point_at = centres("station_id"), centres("point_id")
    sites, unplaced = [], 0
    for station in stations:
        if station.pk in station_at:
            sites.append(("s", station.pk, station.name, station.town.name, *station_at[station.pk]))
        else:
            unplaced += 1
    for point in points:
        if point.pk in point_at:
            sites.append(
                (
                    "p",
                    point.station_id,
                    point.name,
                    point.village.name if point.village else "",
                    *point_at[point.pk],
                )
            )
        else:
            unplaced += 1

    towns = {
        town.code[:9]: TownRow(town)
        for town in Region.objects.filter(level=Level.TOWN, code__gte=low, code__lte=high).order_by("code")
    }
    for station in stations:
        if row := towns.get(station.region_code[:9]):
            row.stations += 1
            row.station_ids.append(station.pk)
    for point in points:
        if row := towns.get(point.region_code[:9]):
            row.points += 1
    active = Beneficiary.objects.visible_to(user).active().filter(in_region)
    for key, queryset, attribute in (
        ("household_id", active, "households"),
        ("id", active, "people"),
    ):
        rows = (
            queryset.annotate(town=Substr("region_code", 1, 9))
            .values("town")
            .annotate(n=Count(key, distinct=True))
            .values_list("town", "n")
            .order_by()
        )
        for town, n in rows:
            if row := towns.get(town):
                setattr(row, attribute, n)
    rows = [row for row in towns.values() if row.stations or row.points or row.households]
    return RegionMap(region, rows, sites, unplaced)
