"""Read queries for visits and the follow-up schedule, always scoped.

The due rule: a person in the register is due `interval(level)` days after the later of their household's last
home visit and their own registration. A household is due when its first member is due; a home visit to the
household serves all its members (入户以户计), so the due list is a list of households.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Case, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.http import Http404
from django.utils import timezone

from shuangbai.core.models import User
from shuangbai.core.scoping import get_visible_or_404, scope_of
from shuangbai.regions.models import Level, Region
from shuangbai.registry.models import (
    Beneficiary,
    BeneficiaryCategory,
    Household,
    Relation,
    RiskLevel,
    household_place,
)
from shuangbai.stations.models import Point, Station

from .models import DEFAULT_LEVELS, FollowUpLevel, Visit, VisitPhoto

SOON_DAYS = 7  # the due list looks this far ahead


@dataclass(frozen=True)
class Schedule:
    """A city's four levels: name and days between home visits."""

    names: dict[int, str]
    intervals: dict[int, int]

    def due_on(self, level: int, last_home_visit: date | None, registered_on: date) -> date:
        start = max(last_home_visit, registered_on) if last_home_visit else registered_on
        return start + timedelta(days=self.intervals[level])

    def due_by(self, day: date, *, prefix: str = "") -> Q:
        """Beneficiaries (fields reached through `prefix`) due on or before `day`, as one index-friendly filter:
        registered and last visited at least `interval` days before it."""
        last = f"{prefix}household__follow_up__last_home_visit_on"
        condition = Q()
        for level, days in self.intervals.items():
            latest = day - timedelta(days=days)
            condition |= Q(**{f"{prefix}follow_up_level": level, f"{prefix}registered_on__lte": latest}) & (
                Q(**{f"{last}__isnull": True}) | Q(**{f"{last}__lte": latest})
            )
        return condition


def schedule(city_code: str) -> Schedule:
    """The city's levels as its bureau set them, the defaults where it has not."""
    names = {level: name for level, (name, _) in DEFAULT_LEVELS.items()}
    intervals = {level: days for level, (_, days) in DEFAULT_LEVELS.items()}
    for row in FollowUpLevel.objects.filter(city_code=city_code[:4].ljust(12, "0")):
        names[row.level], intervals[row.level] = row.name, row.interval_days
    return Schedule(names, intervals)


def city_region(city_code: str) -> Region | None:
    """The city a schedule belongs to (None for a code that is no city)."""
    return Region.objects.filter(code=city_code, level=Level.CITY).first()


def city_of(code: str) -> str:
    return code[:4].ljust(12, "0")


# ---------------------------------------------------------------------------------------------- due list


@dataclass
class DuePerson:
    id: int
    name: str
    level: int
    level_name: str
    risk_level: str
    due_on: date


@dataclass
class DueHousehold:
    household_id: int
    head: str
    village: str
    address: str
    point: str
    last_home_visit: date | None
    due_on: date
    days_overdue: int  # > 0 overdue, 0 due today, < 0 due in that many days
    people: list[DuePerson] = field(default_factory=list)

    @property
    def place(self) -> str:
        """Village and address, without the village twice when the ledger's address already names it."""
        return household_place(self.village, self.address)

    @property
    def section(self) -> str:
        if self.days_overdue > 0:
            return "overdue"
        return "today" if self.days_overdue == 0 else "soon"


def due_households(
    user: User, station: Station, *, point: Point | None = None, today: date | None = None
) -> list[DueHousehold]:
    """Households of a station with someone due within SOON_DAYS, most overdue first."""
    today = today or timezone.localdate()
    plan = schedule(station.region_code)
    people = (
        Beneficiary.objects.visible_to(user)
        .active()
        .filter(station=station)
        .filter(plan.due_by(today + timedelta(days=SOON_DAYS)))
    )
    if point is not None:
        people = people.filter(household__point=point)
    # The household is shown by its head's name, also when only another member is due.
    head = Beneficiary.objects.current().filter(household=OuterRef("household_id"), relation=Relation.HEAD)
    people = people.annotate(head_name=Subquery(head.values("name")[:1]))
    rows = people.values_list(
        "id",
        "name",
        "head_name",
        "follow_up_level",
        "risk_level",
        "registered_on",
        "household_id",
        "household__address",
        "household__village__name",
        "household__point__name",
        "household__follow_up__last_home_visit_on",
    ).order_by()
    households: dict[int, DueHousehold] = {}
    for pk, name, head_name, level, risk, registered, hh, address, village, point_name, last in rows:
        due = plan.due_on(level, last, registered)
        person = DuePerson(pk, name, level, plan.names[level], risk, due)
        entry = households.get(hh)
        if entry is None:
            entry = households[hh] = DueHousehold(
                hh, head_name or name, village, address, point_name or "", last, due, 0
            )
        entry.people.append(person)
        entry.due_on = min(entry.due_on, due)
    for entry in households.values():
        entry.days_overdue = (today - entry.due_on).days
        entry.people.sort(key=lambda p: (p.due_on, p.level))
    return sorted(households.values(), key=lambda e: (e.due_on, e.household_id))


def section_counts(rows: list[DueHousehold]) -> dict[str, int]:
    """Households overdue, due today and due within the week."""
    counts = {"overdue": 0, "today": 0, "soon": 0}
    for entry in rows:
        counts[entry.section] += 1
    return counts


def due_counts(user: User, station: Station, *, today: date | None = None) -> dict[str, int]:
    return section_counts(due_households(user, station, today=today))


def schedule_city(user: User, wanted: str = "") -> tuple[str, list[Region]]:
    """The city whose schedule a user reads (`wanted`, or their own; the province's officer starts from its
    first city) and, for a province's officer, the cities to choose from. 404 for a city the user neither
    works in nor oversees."""
    scope = scope_of(user)
    home = user.home_region_code or (scope.prefixes[0] if scope.prefixes else "")
    province = home[2:4] == "00"
    cities = list(Region.objects.filter(level=Level.CITY, code__startswith=home[:2]).order_by("code"))
    city_code = wanted or city_of(home)
    if not wanted and province and cities:
        city_code = cities[0].code
    is_city = (
        len(city_code) == 12 and city_code.isdigit() and city_code[4:] == "0" * 8 and city_code[2:4] != "00"
    )
    # A city's schedule is read by everyone working in it, and by the bureaus above it.
    if not is_city or not (scope.covers_code(city_code) or home.startswith(city_code[:4])):
        raise Http404
    return city_code, cities if province else []


# -------------------------------------------------------------------------------------------- visit lists


def get_visit_for_user(user: User, pk: int) -> Visit:
    return get_visible_or_404(
        Visit.objects.select_related(
            "household", "household__village", "station", "point", "recorded_by", "changed_person"
        ),
        user,
        pk=pk,
    )


def visit_list(
    user: User,
    *,
    station_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    kind: str = "",
    household_id: int | None = None,
) -> QuerySet[Visit]:
    visits = (
        Visit.objects.visible_to(user)
        .select_related("household", "household__village", "station", "recorded_by")
        .prefetch_related(Prefetch("workers"))
        .defer("health", "mental_notes")
    )
    if station_id:
        visits = visits.filter(station_id=station_id)
    if date_from:
        visits = visits.filter(visited_on__gte=date_from)
    if date_to:
        visits = visits.filter(visited_on__lte=date_to)
    if kind:
        visits = visits.filter(kind=kind)
    if household_id:
        visits = visits.filter(household_id=household_id)
    return visits


def visit_form_choices(household: Household, visit: Visit | None = None):
    """Who can be named on a visit to this household: the station's staff in post (and, amending a visit,
    those already named on it, who may have left since) and the members."""
    from shuangbai.staff.models import Staff

    # the household was found in scope; who worked on its visit stays named even after moving on
    staff = Staff.objects.unscoped("the staff of a household's station, and those named on its visit")
    if visit is None:
        staff = staff.filter(Q(status="in_post", station_id=household.station_id))
    else:
        staff = staff.filter(
            Q(status="in_post", station_id=household.station_id) | Q(pk__in=visit.workers.values("pk"))
        )
    staff = staff.order_by("position", "name")
    members = household.members.current().defer("id_number", "health_notes").order_by("-relation", "id")
    return staff, members


# -------------------------------------------------------------------------------------- health monitoring


def health_watch(user: User, *, station: Station | None = None) -> QuerySet[Beneficiary]:
    """Beneficiaries in the register at high risk or in a category the bureau watches, each with their
    household's last visit (any kind) as `last_visit_id`, for one page of the monitoring list."""
    watched = BeneficiaryCategory.objects.filter(
        beneficiary=OuterRef("pk"), category__health_watch=True, active=True
    )
    people = Beneficiary.objects.visible_to(user).active()
    if station is not None:
        people = people.filter(station=station)
    risk_first = Case(When(risk_level=RiskLevel.HIGH, then=Value(0)), default=Value(1))
    last_visit = Visit.objects.filter(household=OuterRef("household_id")).order_by("-visited_at", "-id")
    return (
        people.filter(Q(risk_level=RiskLevel.HIGH) | Exists(watched))
        .select_related("household", "household__village", "station")
        .prefetch_related("categories")
        .defer("id_number", "health_notes")
        .annotate(last_visit_id=Subquery(last_visit.values("id")[:1]))
        .order_by("station__region_code", risk_first, "household__region_code", "id")
    )


def visits_by_id(ids: list[int]) -> dict[int, Visit]:
    visits = Visit.objects.unscoped("the last visits of people the caller listed in scope")
    return {v.pk: v for v in visits.filter(pk__in=[i for i in ids if i])}


def get_photo_for_user(user: User, pk: int) -> VisitPhoto:
    """A photo is seen by whoever may see its visit."""
    photo = VisitPhoto.objects.visible_to(user).filter(pk=pk).first()
    if photo is None:
        raise Http404
    return photo
