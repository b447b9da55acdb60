"""Coverage (入户率, 服务覆盖率, 逾期, 漏访, 两个全覆盖): pure reads, always starting from `.visible_to(user)`.

Definitions, for a period [start, end] (both days included):

- **In the register during the period** (在册): current (not merged into another record), registered on or
  before `end`, and not exited before `start`:
  `registered_on <= end and (exited_on is null or exited_on >= start)`.
- A person's **window** is the part of the period they were in the register:
  [max(start, registered_on), min(end, exited_on or end)].
- **Visited at home** (入户): their household has a home visit (`is_home`) dated in their window. A home visit
  counts for every member in the register that day (入户以户计), so a member registered after the visit is not
  visited by it, and a visit before registration does not count.
- **Served** (获服务): visited at home, or any service of another source in their window. The sources are in
  `SERVICE_SOURCES`: visits of the other kinds (phone, video, at the station ...) first; the casework,
  assistance and activities modules add theirs with `register_service_source`.
- **Overdue** (逾期), as of `as_of = min(end, today)`: in the register that day (registered on or before it, not
  exited on or before it) and due before it, the due date being `interval(level)` days (the schedule of the
  person's city) after the later of registration and the household's last home visit on or before `as_of`.
  Counted per follow-up level 1-4.
- **Rates**: visited / registered and served / registered; None when nobody is registered (shown "—").
- **Umbrellas**: 困难群众 (hardship) and 特殊群体 (special) are the people holding a category of that umbrella
  (a person may be in both), read from `Beneficiary.in_hardship` / `in_special`, which the registry copies
  from the category links (`umbrellas_refresh`). Every link counts, active or not: someone who exited during
  the period stays in their categories for it.

How it is fast (the budget: a city's table for a quarter in 500 ms; a city holds about 150,000 people): each
table is one grouped query over the people in register. Every person gets a few small codes (contact 0/1/2,
each umbrella, overdue level) computed once, and the query groups by child and by those codes, so it returns a
few hundred rows whatever the number of people; Python only adds those rows up.
- A running period (today inside it): the household's last home visit (the `FollowUp` summary, one join)
  settles visited and overdue without the visits; the visits are asked (correlated EXISTS on
  `visit_household`) only for the few it cannot settle, such as a served-but-not-visited person.
- A past period of whole months: the `VisitMonth` summary answers as sets (households with a visit, at home
  or not, in the period's months; households with a home visit since each level's floor), one hashed set per
  question instead of a look-up per person. People who joined or left during the period are still checked
  against the visits one by one (they are few).
- Any other span of days: every person is checked against the visits (exact, slower).
Both summaries are kept by the visit services and rebuilt by `follow_up_rebuild`; tests hold the fast paths
equal to the exact one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least, Substr
from django.utils import timezone

from shuangbai.core.db import no_jit
from shuangbai.core.models import User
from shuangbai.core.periods import (  # noqa: F401  (the period helpers are re-exported: tests read them as cov.<name>)
    Period,
    dates_period,
    month_period,
    parse_period,
    quarter_period,
    year_period,
)
from shuangbai.core.scoping import code_range, scope_of
from shuangbai.regions.models import PREFIX_LENGTH, Level, Region
from shuangbai.regions.selectors import default_region  # noqa: F401  (re-exported: tests read cov.default_region)
from shuangbai.registry.models import Beneficiary
from shuangbai.stations.models import Point, SiteStatus, Station

from .models import DEFAULT_LEVELS, FollowUpLevel, Visit, VisitMonth

LEVELS = (1, 2, 3, 4)
STATION_BASE = "none"  # the `point` parameter naming the people of a station who have no service point
STATION_BASE_NAME = "站本部（未分配社工点）"
CHILD_LABELS = {
    Level.CITY: "市",
    Level.COUNTY: "县（市、区）",
    Level.TOWN: "镇（街）",
    Level.VILLAGE: "村（居）",
}
POINT_LABEL = "社工点"
NEVER = date(1, 1, 1)  # the last home visit of a household never visited at home


# ------------------------------------------------------------------------------------------ service sources

# A service source says whether a person had a service of its kind in their window. It is called with the
# period and returns a condition for the beneficiary query (an `Exists`, or a Q), which may refer to the outer
# row as OuterRef("pk"), OuterRef("household_id"), OuterRef("cov_from") and OuterRef("cov_to") (the window's
# first and last day). The sources are asked only about people not visited at home in their window (a home
# visit is a service already), so the visits' own source looks at the other kinds only.
ServiceSource = Callable[["Period"], Exists | Q]
SERVICE_SOURCES: list[ServiceSource] = []


def register_service_source(source: ServiceSource) -> ServiceSource:
    """Add a kind of service to the coverage (casework, assistance, activities); usable as a decorator."""
    if source not in SERVICE_SOURCES:
        SERVICE_SOURCES.append(source)
    return source


@register_service_source
def other_visits(period: Period) -> Exists:
    """A visit of another kind than in the home (phone, video, escort, at the station ...) in the window."""
    return Exists(
        Visit.objects.filter(
            household=OuterRef("household_id"),
            is_home__in=[False],  # see _home_visits
            visited_on__gte=OuterRef("cov_from"),
            visited_on__lte=OuterRef("cov_to"),
        )
    )


# ------------------------------------------------------------------------------------------------- figures


@dataclass
class Figures:
    """One group of people (everybody, 困难群众 or 特殊群体) of one row."""

    registered: int = 0
    visited: int = 0
    served: int = 0
    overdue: dict[int, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))

    @property
    def visit_rate(self) -> float | None:
        return self.visited / self.registered if self.registered else None

    @property
    def service_rate(self) -> float | None:
        return self.served / self.registered if self.registered else None

    @property
    def visit_percent(self) -> str:
        return percent(self.visit_rate)

    @property
    def service_percent(self) -> str:
        return percent(self.service_rate)

    @property
    def overdue_counts(self) -> list[int]:
        return [self.overdue[level] for level in LEVELS]

    @property
    def missed(self) -> int:
        """In the register but never visited at home in the period (漏访)."""
        return self.registered - self.visited

    @property
    def unserved(self) -> int:
        return self.registered - self.served

    @property
    def overdue_total(self) -> int:
        return sum(self.overdue.values())

    def add(self, n: int, contact: int, overdue_level: int) -> None:
        self.registered += n
        if contact >= 2:
            self.visited += n
        if contact >= 1:
            self.served += n
        if overdue_level:
            self.overdue[overdue_level] += n

    def as_dict(self) -> dict:
        return {
            "registered": self.registered,
            "visited": self.visited,
            "served": self.served,
            "visit_rate": _rounded(self.visit_rate),
            "service_rate": _rounded(self.service_rate),
            "overdue": {str(level): self.overdue[level] for level in LEVELS},
        }


def _rounded(rate: float | None) -> float | None:
    return None if rate is None else round(rate, 4)


def percent(rate: float | None) -> str:
    """A rate as the pages and the command line show it: 87.5%, or — when nobody is registered."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


@dataclass
class CoverageRow:
    """A child of the table's node (a region, a service point, or the station's own people), or the node."""

    code: str  # region code; for a point row its id; STATION_BASE for the station's people without a point
    name: str
    region: Region | None = None
    point_id: int | None = None
    total: Figures = field(default_factory=Figures)
    hardship: Figures = field(default_factory=Figures)
    special: Figures = field(default_factory=Figures)

    def figures(self, group: str) -> Figures:
        return {"hardship": self.hardship, "special": self.special}.get(group, self.total)

    @property
    def point_param(self) -> str:
        """The `point` parameter of this row's drill-down ('' for a region row)."""
        if self.region is not None:
            return ""
        return str(self.point_id) if self.point_id else STATION_BASE

    def as_dict(self) -> dict:
        return {"code": self.code, "name": self.name, **self.total.as_dict()} | {
            "hardship": self.hardship.as_dict(),
            "special": self.special.as_dict(),
        }


@dataclass
class CoverageTable:
    region: Region
    period: Period
    as_of: date
    node: CoverageRow  # the figures of the whole node
    children: list[CoverageRow]
    child_label: str  # what the children are ("县（市、区）", "社工点" ...); "" for a leaf
    point: Point | None = None
    station_base: bool = False  # the node is the station's people without a point

    @property
    def is_leaf(self) -> bool:
        return not self.child_label

    def as_dict(self) -> dict:
        return {
            "region": {
                "code": self.region.code,
                "name": self.region.name,
                "level": self.region.level,
                **({"point": {"id": self.point.pk, "name": self.point.name}} if self.point else {}),
            },
            "period": {
                "from": self.period.start.isoformat(),
                "to": self.period.end.isoformat(),
                "label": self.period.label,
                "overdue_as_of": self.as_of.isoformat(),
            },
            "total": self.node.as_dict(),
            "children": [child.as_dict() for child in self.children],
        }


# ----------------------------------------------------------------------------------------------- the query


def _in_region(queryset: QuerySet, region: Region, field_name: str = "region_code") -> QuerySet:
    low, high = code_range(region.prefix)
    return queryset.filter(**{f"{field_name}__gte": low, f"{field_name}__lte": high})


def in_register(user: User, region: Region, period: Period) -> QuerySet[Beneficiary]:
    """People of `region` in the user's scope, in the register at some time during the period."""
    people = (
        Beneficiary.objects.visible_to(user)
        .current()
        .filter(registered_on__lte=period.end)
        .filter(Q(exited_on__isnull=True) | Q(exited_on__gte=period.start))
    )
    return _in_region(people, region)


def _with_window(people: QuerySet[Beneficiary], period: Period) -> QuerySet[Beneficiary]:
    """The person's window (cov_from, cov_to) and their household's last home visit (last_home, never NULL)."""
    start = Value(period.start, output_field=DateField())
    end = Value(period.end, output_field=DateField())
    return people.alias(
        cov_from=Greatest(start, F("registered_on"), output_field=DateField()),
        cov_to=Least(end, Coalesce(F("exited_on"), end), output_field=DateField()),
        last_home=Coalesce(
            F("household__follow_up__last_home_visit_on"),
            Value(NEVER, output_field=DateField()),
            output_field=DateField(),
        ),
    )


def _home_visits(lowest, highest) -> Exists:
    """A home visit to the person's household between two days: one seek of `visit_household`. The flag is
    compared as `is_home IN (true)`: the bare `is_home` that `is_home=True` gives is no index term for SQLite,
    which then reads every visit the household ever had instead of the days asked for."""
    return Exists(
        Visit.objects.filter(
            household=OuterRef("household_id"),
            is_home__in=[True],
            visited_on__gte=lowest,
            visited_on__lte=highest,
        )
    )


def visited_condition() -> Q:
    """Visited at home in the window, on people annotated by `_with_window`. The summary's last home visit
    decides without the visits when it lies before the window or inside it; only after it is the index asked."""
    return Q(last_home__gte=F("cov_from")) & (
        Q(last_home__lte=F("cov_to")) | _home_visits(OuterRef("cov_from"), OuterRef("cov_to"))
    )


def _served_condition(period: Period) -> Q:
    condition = Q()
    for source in SERVICE_SOURCES:
        made = source(period)
        condition |= made if isinstance(made, Q) else Q(made)
    return condition


def _contact(period: Period) -> Case:
    """2: visited at home in the window; 1: served otherwise; 0: neither. Each check made once per person."""
    whens = [When(visited_condition(), then=Value(2))]
    served = _served_condition(period)
    if served:
        whens.append(When(served, then=Value(1)))
    return Case(*whens, default=Value(0), output_field=IntegerField())


def _intervals_by_city(region: Region) -> dict[str, dict[int, int]]:
    """{city code: {level: days}} for the cities under (or above) `region` whose bureau set its own schedule;
    the others keep DEFAULT_LEVELS."""
    prefix = region.prefix[:4]
    low, high = code_range(prefix)
    found: dict[str, dict[int, int]] = {}
    for city, level, days in FollowUpLevel.objects.filter(
        city_code__gte=low, city_code__lte=high
    ).values_list("city_code", "level", "interval_days"):
        found.setdefault(city, {lvl: d for lvl, (_, d) in DEFAULT_LEVELS.items()})[level] = days
    return found


def _due_floor_and_overdue_level(region: Region, as_of: date) -> tuple[Case, Case]:
    """The due floor (`as_of` minus the interval of the person's level in their city's schedule: one CASE of
    constants) and the person's follow-up level if overdue on `as_of`, else 0 (see the module's definition).
    Overdue: registered before the floor, still in the register on `as_of`, and no home visit to the household
    from the floor to `as_of`: certain when the last home visit is before the floor, excluded when it lies
    between the floor and `as_of`, asked of the index only when it is later than `as_of`."""
    whens = []
    for city, intervals in sorted(_intervals_by_city(region).items()):
        low, high = code_range(city[:4])
        for level in LEVELS:
            whens.append(
                When(
                    Q(region_code__gte=low, region_code__lte=high, follow_up_level=level),
                    then=Value(as_of - timedelta(days=intervals[level])),
                )
            )
    for level, (_, days) in DEFAULT_LEVELS.items():
        whens.append(When(follow_up_level=level, then=Value(as_of - timedelta(days=days))))
    floor = Case(*whens, output_field=DateField())
    overdue = (
        Q(registered_on__lt=F("due_floor"))
        & (Q(exited_on__isnull=True) | Q(exited_on__gt=as_of))
        & (
            Q(last_home__lt=F("due_floor"))
            | Q(last_home__gt=as_of) & ~_home_visits(OuterRef("due_floor"), as_of)
        )
    )
    return floor, Case(
        When(overdue, then=F("follow_up_level")), default=Value(0), output_field=IntegerField()
    )


def whole_months(period: Period) -> bool:
    """A period of whole calendar months (every month, quarter and year is), which the month summary answers."""
    return period.start.day == 1 and (period.end + timedelta(days=1)).day == 1


def _months(region: Region, first: date, last: date) -> QuerySet[VisitMonth]:
    months = VisitMonth.objects.filter(month__gte=first.replace(day=1), month__lte=last)
    return _in_region(months, region)


def _month_contact(region: Region, period: Period) -> Case:
    """The contact code from the month summary for people in the register the whole period: their household
    is in the set of households with a (home) visit in its months, one hashed set per query instead of a
    look-up per person. People who joined or left during the period keep the exact, per-person check."""
    months = _months(region, period.start, period.end)
    home = months.filter(home_visits__gt=0).values("household_id")
    seen = months.values("household_id")  # a month row exists only where a visit does
    served = Q(household_id__in=seen)
    for source in SERVICE_SOURCES:
        if source is not other_visits:
            made = source(period)
            served |= made if isinstance(made, Q) else Q(made)
    whole = Q(registered_on__lte=period.start) & (Q(exited_on__isnull=True) | Q(exited_on__gte=period.end))
    return Case(
        When(
            whole,
            then=Case(
                When(household_id__in=home, then=Value(2)),
                When(served, then=Value(1)),
                default=Value(0),
            ),
        ),
        default=_contact(period),
        output_field=IntegerField(),
    )


def _month_overdue_level(region: Region, as_of: date) -> Case:
    """The overdue level from the month summary, for an `as_of` that ends a month or is today (so that no
    home visit of a month row lies after it): overdue is registered before the floor (`as_of` minus the
    interval) and no home visit from the floor on, i.e. the household is not among those whose month rows
    since the floor's month have a last home visit on or after the floor: one set per (schedule, level)."""
    in_register = Q(registered_on__lte=as_of) & (Q(exited_on__isnull=True) | Q(exited_on__gt=as_of))
    whens = []
    schedules = [
        (code_range(city[:4]), intervals) for city, intervals in sorted(_intervals_by_city(region).items())
    ]
    schedules.append((None, {level: days for level, (_, days) in DEFAULT_LEVELS.items()}))
    for place, intervals in schedules:
        for level in LEVELS:
            floor = as_of - timedelta(days=intervals[level])
            recent = _months(region, floor, as_of).filter(last_home_on__gte=floor).values("household_id")
            where = Q(follow_up_level=level)
            if place is not None:
                where &= Q(region_code__gte=place[0], region_code__lte=place[1])
            whens.append(
                When(
                    where,
                    then=Case(
                        When(
                            in_register & Q(registered_on__lt=floor) & ~Q(household_id__in=recent),
                            then=Value(level),
                        ),
                        default=Value(0),
                    ),
                )
            )
    return Case(*whens, default=Value(0), output_field=IntegerField())


def _grouped_counts(
    people: QuerySet[Beneficiary],
    region: Region,
    period: Period,
    as_of: date,
    child,
    *,
    today: date,
    overdue: bool = True,
) -> list[dict]:
    """One query: the people counted per child and per (contact, umbrellas, overdue level). Each person's
    codes are computed once, in the grouping. For whole months the month summary answers as sets; for other
    spans of days each person is checked against the visits (exact, slower). `overdue=False`: every overdue
    level 0 (the rates alone, without the overdue sets)."""
    people = _with_window(people, period)
    current = as_of == today
    if not overdue:
        contact = _month_contact(region, period) if whole_months(period) and not current else _contact(period)
        overdue_level = Value(0, output_field=IntegerField())
    elif whole_months(period) and not current:
        # A past period: the household's last home visit is mostly after it, so ask the month summary.
        contact, overdue_level = _month_contact(region, period), _month_overdue_level(region, as_of)
    else:
        # A running period: the last home visit (FollowUp, joined) settles visited and overdue by itself,
        # and the per-person look-ups run only for the few it cannot settle. Other spans: exact per person.
        floor, overdue_level = _due_floor_and_overdue_level(region, as_of)
        people = people.alias(due_floor=floor)
        contact = _contact(period)
    grouped = (
        people.values(
            child=child,
            contact=contact,
            hardship=F("in_hardship"),
            special=F("in_special"),
            overdue_level=overdue_level,
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    with no_jit():
        return list(grouped)


def _point_filter(people: QuerySet[Beneficiary], point: Point | None, station_base: bool) -> QuerySet:
    if point is not None:
        return people.filter(point=point)
    if station_base:
        return people.filter(point__isnull=True)
    return people


def _figures_by_child(
    people: QuerySet[Beneficiary],
    region: Region,
    period: Period,
    as_of: date,
    child,
    node: CoverageRow,
    *,
    today: date,
    overdue: bool = True,
) -> dict:
    """Adds the people's figures up into `node` and into one row per value of `child` (returned, unnamed)."""
    by_child: dict = {}
    for row in _grouped_counts(people, region, period, as_of, child, today=today, overdue=overdue):
        entry = by_child.setdefault(row["child"], CoverageRow("", ""))
        groups = [node.total, entry.total]
        if row["hardship"]:
            groups += [node.hardship, entry.hardship]
        if row["special"]:
            groups += [node.special, entry.special]
        for figures in groups:
            figures.add(row["n"], row["contact"], row["overdue_level"])
    return by_child


def coverage_table(
    user: User,
    region: Region,
    period: Period,
    *,
    point: Point | None = None,
    station_base: bool = False,
    today: date | None = None,
) -> CoverageTable:
    """The coverage figures of a region node (or, under a town, of one service point or of the station's people
    without a point) and of each of its children: a city's counties, a county's towns, a town's service points
    (and "站本部" for people with no point); a point or a village is a leaf. Three queries: the schedule, the
    grouped counts, the children's names."""
    today = today or timezone.localdate()
    as_of = period.as_of(today)
    people = _point_filter(in_register(user, region, period), point, station_base)
    leaf = point is not None or station_base or region.level == Level.VILLAGE
    if leaf:
        child, child_label = Value(""), ""
    elif region.level == Level.TOWN:
        child, child_label = F("point_id"), POINT_LABEL
    else:
        child_level = Level(region.child_level)
        child, child_label = Substr("region_code", 1, PREFIX_LENGTH[child_level]), CHILD_LABELS[child_level]

    if point is not None:
        node = CoverageRow(str(point.pk), point.name, point_id=point.pk)
    elif station_base:
        node = CoverageRow(STATION_BASE, STATION_BASE_NAME)
    else:
        node = CoverageRow(region.code, region.name, region=region)
    by_child = _figures_by_child(people, region, period, as_of, child, node, today=today)

    children: list[CoverageRow] = []
    if not leaf and region.level == Level.TOWN:
        children = _point_rows(user, region, by_child)
    elif not leaf:
        for child_region in Region.objects.visible_to(user).filter(parent=region).order_by("code"):
            counted = by_child.get(child_region.prefix, CoverageRow("", ""))
            counted.code, counted.name, counted.region = child_region.code, child_region.name, child_region
            children.append(counted)
    return CoverageTable(
        region=region,
        period=period,
        as_of=as_of,
        node=node,
        children=children,
        child_label=child_label,
        point=point,
        station_base=station_base,
    )


def coverage_rates(user: User, region: Region, period: Period, *, today: date | None = None) -> CoverageRow:
    """The node's in register, visited and served (each group) for a period, without the children and the
    overdue counts (left 0): `coverage_table(...).node` but for overdue, at a fraction of the cost of a past
    month (the overdue sets are most of it). The dashboard's 12-month trend asks it month by month."""
    today = today or timezone.localdate()
    node = CoverageRow(region.code, region.name, region=region)
    people = in_register(user, region, period)
    _figures_by_child(
        people, region, period, period.as_of(today), Value(""), node, today=today, overdue=False
    )
    return node


def _point_rows(user: User, town: Region, by_child: dict) -> list[CoverageRow]:
    """A town's service points in the user's scope (those in use, and retired ones people still belong to), then
    the station's people without a point, if any."""
    counted_ids = [pk for pk in by_child if pk is not None]
    points = _in_region(Point.objects.visible_to(user), town).filter(
        Q(retired_on__isnull=True) | Q(pk__in=counted_ids)
    )
    rows = []
    for point in points.order_by("region_code", "name", "pk"):
        row = by_child.get(point.pk, CoverageRow("", ""))
        row.code, row.name, row.point_id = str(point.pk), point.name, point.pk
        rows.append(row)
    if None in by_child:
        row = by_child[None]
        row.code, row.name = STATION_BASE, STATION_BASE_NAME
        rows.append(row)
    return rows


# ----------------------------------------------------------------------------------------------- the nodes


def point_in_town(user: User, town: Region, value: str) -> Point | None:
    """The service point named by the `point` parameter, in the user's scope and in `town`, or None."""
    if town.level != Level.TOWN or not value.isdigit():
        return None
    return (
        _in_region(Point.objects.visible_to(user), town)
        .filter(pk=int(value))
        .select_related("station")
        .first()
    )


# --------------------------------------------------------------------------------------------------- 漏访


def missed_people(
    user: User,
    region: Region,
    period: Period,
    *,
    point: Point | None = None,
    station_base: bool = False,
    umbrella: str = "",
) -> QuerySet[Beneficiary]:
    """People in the register during the period never visited at home in it (漏访), by village and household.
    Only what the list shows is loaded: never the encrypted columns."""
    people = _point_filter(in_register(user, region, period), point, station_base)
    if umbrella:
        people = people.filter(**{f"in_{umbrella}": True})
    people = _with_window(people, period).filter(~visited_condition())
    return (
        people.select_related("household", "household__village", "station", "point")
        .only(
            "id",
            "name",
            "id_masked",
            "no_id_reason",
            "follow_up_level",
            "registered_on",
            "exited_on",
            "status",
            "region_code",
            "household_id",
            "household__address",
            "household__village__name",
            "station__name",
            "point__name",
        )
        .order_by("region_code", "household_id", "id")
    )


def last_home_visits(household_ids: list[int], on_or_before: date) -> dict[int, date]:
    """Each household's last home visit on or before a day: one grouped query for a page of the list."""
    rows = (
        Visit.objects.unscoped("the households of people the caller listed in scope")
        .filter(household_id__in=household_ids, is_home=True, visited_on__lte=on_or_before)
        .values("household_id")
        .annotate(last=Max("visited_on"))
        .order_by()
    )
    return {row["household_id"]: row["last"] for row in rows}


# ----------------------------------------------------------------------------------------------- 两个全覆盖


@dataclass
class CountyCoverage:
    """One county of the two-coverages table (or the city's total, `region` the city)."""

    region: Region
    towns: int = 0
    towns_with_station: int = 0
    towns_without: list[str] = field(default_factory=list)  # names of the towns without an operating station
    points_planned: int = 0
    points_built: int = 0
    service: Figures = field(default_factory=Figures)

    @property
    def station_rate(self) -> float | None:
        return self.towns_with_station / self.towns if self.towns else None

    @property
    def point_rate(self) -> float | None:
        return self.points_built / self.points_planned if self.points_planned else None

    @property
    def station_percent(self) -> str:
        return percent(self.station_rate)

    @property
    def station_gap(self) -> str:
        if self.towns_without:
            return f"未建站：{'、'.join(self.towns_without)}"
        if self.points_built < self.points_planned:
            return f"社工点未建成：{self.points_planned - self.points_built}个"
        return ""

    @property
    def service_gap(self) -> str:
        return f"未获服务：{self.service.unserved}人" if self.service.unserved else ""

    @property
    def complete(self) -> bool:
        return not self.station_gap and not self.service_gap and bool(self.towns)


@dataclass
class TwoCoverages:
    city: Region
    period: Period
    counties: list[CountyCoverage]
    total: CountyCoverage


def cities_for(user: User) -> QuerySet[Region]:
    """The cities a user may open the 两个全覆盖 page of."""
    return Region.objects.visible_to(user).filter(level=Level.CITY).order_by("code")


def city_of_region(region: Region) -> Region:
    """The city a node belongs to (itself for a city); a province has none."""
    if region.level == Level.CITY:
        return region
    city = Region.objects.filter(code=region.code[:4].ljust(12, "0"), level=Level.CITY).first()
    if city is None:
        raise ValidationError("请选择一个市或其下的区域：两个全覆盖按市统计。")
    return city


def two_coverages(user: User, region: Region, period: Period, *, today: date | None = None) -> TwoCoverages:
    """两个全覆盖 for the city of `region`, one row per county the user may see (a station user: their own
    town's county, counted over what they may see). Station coverage: towns with an operating, not retired
    station among the towns of the county; points built (status built or operating) among the points planned
    (every point not retired). Service coverage: served among those in the register during the period."""
    city = city_of_region(region)
    counties = list(
        Region.objects.filter(parent=city, level=Level.COUNTY)
        .filter(code__in=_visible_county_codes(user, city))
        .order_by("code")
    )
    rows = {county.code[:6]: CountyCoverage(county) for county in counties}
    total = CountyCoverage(city)

    towns = _in_region(Region.objects.visible_to(user), city, "code").filter(level=Level.TOWN)
    operating = set(
        _in_region(Station.objects.visible_to(user).active(), city)
        .filter(status=SiteStatus.OPERATING)
        .values_list("region_code", flat=True)
    )
    for code, name in towns.order_by("code").values_list("code", "name"):
        row = rows.get(code[:6])
        if row is None:
            continue
        for entry in (row, total):
            entry.towns += 1
            if code in operating:
                entry.towns_with_station += 1
            else:
                entry.towns_without.append(name)
    points = (
        _in_region(Point.objects.visible_to(user).active(), city)
        .annotate(county=Substr("region_code", 1, 6))
        .values("county")
        .annotate(
            planned=Count("pk"),
            built=Count("pk", filter=Q(status__in=[SiteStatus.BUILT, SiteStatus.OPERATING])),
        )
        .order_by()
    )
    for item in points:
        row = rows.get(item["county"])
        if row is None:
            continue
        for entry in (row, total):
            entry.points_planned += item["planned"]
            entry.points_built += item["built"]

    today = today or timezone.localdate()
    node = CoverageRow(city.code, city.name, region=city)
    people = in_register(user, city, period)
    by_county = _figures_by_child(
        people, city, period, period.as_of(today), Substr("region_code", 1, 6), node, today=today
    )
    for code, row in rows.items():
        if code in by_county:
            row.service = by_county[code].total
    total.service = node.total
    return TwoCoverages(city=city, period=period, counties=list(rows.values()), total=total)


def _visible_county_codes(user: User, city: Region) -> list[str]:
    """The county codes of the city the user's scope reaches into (a county, or a town or station within it)."""
    scope = scope_of(user)
    counties = Region.objects.filter(parent=city, level=Level.COUNTY).values_list("code", flat=True)
    if scope.everything:
        return list(counties)
    return [code for code in counties if any(p[:6] == code[:6] or code.startswith(p) for p in scope.prefixes)]
