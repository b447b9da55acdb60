"""The construction progress table (社工站（点）建设进度情况一览表) of a city on any date, from the records.

Every cell is read from dated records, so the table of an earlier day comes out as it stood that day:
- sites: a station or point counts as 应建 once its planned year has come (or it was built), as 已完成 from
  its built date, as having an office from its office date, unless it was retired by then;
- equipment: the checklist in force that day for each site with an office; no checklist counts as nothing
  ticked. A county shows the worst site (the note's rule: all 8 items, 1-2 missing, 3 or more missing);
- staff in post: the assignments open that day (supervisors' are not posts). A worker who also covers a
  second point (兼任) is staff of both points, so a county's cell adds up its sites; the 合计 counts people,
  each once;
- plan, mechanisms, funding: the progress report in force that day;
- trainings: 岗前培训 and 专业培训 held from the start of the year (or `start`) up to the day, counted for the
  level that organised them (a station's count for its county).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Substr

from shuangbai.core.models import User
from shuangbai.core.scoping import code_range, scope_of, unscoped
from shuangbai.regions.models import Level, Region

from .models import (
    EquipmentItem,
    EquipmentRecord,
    EquipmentStatus,
    Point,
    ProgressReport,
    Station,
    equipment_status,
)

ALL_MISSING = len(EquipmentItem.values)
# County-level divisions in the order the bureaus list them: districts, county-level cities, counties.
_SUFFIX_ORDER = {"区": 0, "市": 1, "县": 2}


@dataclass
class SiteCounts:
    planned: int = 0
    built: int = 0
    office: int = 0
    staff: int = 0
    worst_missing: int | None = None  # None: no site with an office

    @property
    def equipment(self) -> str:
        if self.worst_missing is None:
            return ""
        return equipment_status(self.worst_missing).label

    @property
    def equipment_code(self) -> str:
        return "" if self.worst_missing is None else equipment_status(self.worst_missing).value

    @property
    def empty(self) -> bool:
        return not (self.planned or self.built or self.office or self.staff)


@dataclass
class ProgressRow:
    region: Region | None  # None: the 合计 row
    label: str
    is_city_level: bool = False
    plan: str = ""
    coordination: str = ""
    management: str = ""
    funding: str = ""
    trainings: int = 0
    stations: SiteCounts = field(default_factory=SiteCounts)
    points: SiteCounts = field(default_factory=SiteCounts)
    report: ProgressReport | None = None

    @property
    def site_groups(self) -> list[tuple[str, SiteCounts]]:
        return [("社工站", self.stations), ("社工点", self.points)]

    @property
    def shows_sites(self) -> bool:
        """The city level has no sites of its own: its site cells stay blank, as in the bureaus' table."""
        return not (self.is_city_level and self.stations.empty and self.points.empty)


@dataclass
class ProgressTable:
    city: Region
    as_of: date
    start: date
    rows: list[ProgressRow]
    total: ProgressRow

    @property
    def title(self) -> str:
        return f"{self.city.name}{self.as_of.year}年“双百工程”社工站（点）建设进度情况一览表"

    @property
    def is_province(self) -> bool:
        return self.city.level == Level.PROVINCE

    @property
    def unit(self) -> str:
        return f"{self.city.name}{'民政厅' if self.is_province else '民政局'}"

    @property
    def row_heading(self) -> str:
        return "地级市" if self.is_province else "县（市、区）"


def county_sort_key(region: Region) -> tuple[int, str]:
    return (_SUFFIX_ORDER.get(region.name[-1:], 3), region.code)


def progress_cities(user: User) -> list[Region]:
    """The cities whose table the user may read: their own, or every city of their province."""
    scope = scope_of(user)
    cities = Region.objects.filter(level=Level.CITY).order_by("code")
    if scope.everything:
        return list(cities)
    return [city for city in cities if any(city.prefix.startswith(p) for p in scope.prefixes)]


def _alive(prefix: str, as_of: date) -> Q:
    return Q(**{f"{prefix}retired_on__isnull": True}) | Q(**{f"{prefix}retired_on__gt": as_of})


def _latest_missing(as_of: date, *, point: bool):
    """The missing-item count of a site's checklist in force on `as_of`, ALL_MISSING when it has none."""
    records = EquipmentRecord.objects.filter(effective_on__lte=as_of)
    if point:
        records = records.filter(point=OuterRef("pk"))
    else:
        records = records.filter(station=OuterRef("pk"), point__isnull=True)
    return Coalesce(
        Subquery(records.order_by("-effective_on", "-id").values("missing")[:1], output_field=IntegerField()),
        Value(ALL_MISSING),
    )


def site_counts(model, low: str, high: str, as_of: date, *, by: int = 6) -> dict[str, SiteCounts]:
    """{the first `by` digits of the region code (6: county, 4: city): counts} for stations or points under the
    code range, as of the day. Offices and equipment count only for sites already due (应建)."""
    planned = Q(planned_year__lte=as_of.year) | Q(built_on__lte=as_of)
    with_office = planned & Q(office_secured_on__lte=as_of)
    rows = (
        model.objects.filter(region_code__gte=low, region_code__lte=high)
        .filter(_alive("", as_of))
        .annotate(county=Substr("region_code", 1, by), missing=_latest_missing(as_of, point=model is Point))
        .values("county")
        .order_by("county")
        .annotate(
            planned=Count("id", filter=planned),
            built=Count("id", filter=Q(built_on__lte=as_of)),
            office=Count("id", filter=with_office),
            worst=Max("missing", filter=with_office),
        )
    )
    return {
        row["county"]: SiteCounts(
            planned=row["planned"], built=row["built"], office=row["office"], worst_missing=row["worst"]
        )
        for row in rows
    }


# The staff in post and the trainings are the staff app's: it fills this slot from its AppConfig.ready().
# The functions run inside the tables' unscoped(...) (the caller checked the region), except posts_by_site,
# which is given the reader's visible stations.
@dataclass(frozen=True)
class Staffing:
    # (low, high, as_of, *, by=6, heads=False) -> ({(county, at a point): posts}, {at a point: people})
    staff_counts: Callable[..., tuple[dict[tuple[str, bool], int], dict[bool, int]]]
    # (low, high, start, as_of, *, by=6) -> {organiser's county code: trainings}
    training_counts: Callable[..., Counter]
    # (low, high, as_of, stations) -> {(station id, point id or None): posts}
    posts_by_site: Callable[[str, str, date, QuerySet], Counter]


NO_STAFFING = Staffing(
    lambda *args, **kwargs: ({}, {False: 0, True: 0}),
    lambda *args, **kwargs: Counter(),
    lambda *args, **kwargs: Counter(),
)
_staffing = NO_STAFFING


def register_staffing(staffing: Staffing) -> Staffing:
    """Who counts the staff in post and the trainings of the table (the staff app); without it, zeros."""
    global _staffing
    _staffing = staffing
    return staffing


def reports_in_force(low: str, high: str, as_of: date) -> dict[str, ProgressReport]:
    """{region code: the latest progress report effective on or before the day}."""
    latest: dict[str, ProgressReport] = {}
    reports = ProgressReport.objects.unscoped("the reports of a region the caller checked")
    for report in reports.filter(
        region_code__gte=low, region_code__lte=high, effective_on__lte=as_of
    ).order_by("region_code", "effective_on", "id"):
        latest[report.region_code] = report
    return latest


def funding_text(report: ProgressReport) -> str:
    """The bureau's own words where it wrote them, else a sentence from the flags."""
    if report.funding_note:
        return report.funding_note
    if not report.funding_requested:
        return "未申请经费。"
    if not report.funding_approved:
        return "已申请，待批复。"
    if report.funding_amount is not None:
        return f"已落实，{report.funding_amount.normalize():f}万元。"
    return "已落实。"


def _yes_no(value: bool) -> str:
    return "是" if value else "否"


@unscoped("the table counts a region the caller may see")
def progress_table(city: Region, as_of: date, *, start: date | None = None) -> ProgressTable:
    """The city's table on `as_of`. Callers check the reader may see the city (get_region_for_user)."""
    start = start or date(as_of.year, 1, 1)
    low, high = code_range(city.prefix)
    counties = sorted(Region.objects.filter(parent=city, level=Level.COUNTY), key=county_sort_key)
    stations = site_counts(Station, low, high, as_of)
    points = site_counts(Point, low, high, as_of)
    staff, people = _staffing.staff_counts(low, high, as_of)
    trainings = _staffing.training_counts(low, high, start, as_of)
    reports = reports_in_force(low, high, as_of)

    rows = []
    for region, is_city_level in [*((county, False) for county in counties), (city, True)]:
        key = region.code[:6]
        row = ProgressRow(
            region=region,
            label="市本级" if is_city_level else region.name,
            is_city_level=is_city_level,
            trainings=trainings[key],
        )
        # the city level's own sites: towns placed directly under a city (东莞, 中山); none elsewhere
        row.stations = stations.get(key, SiteCounts())
        row.points = points.get(key, SiteCounts())
        row.stations.staff = staff.get((key, False), 0)
        row.points.staff = staff.get((key, True), 0)
        report = reports.get(region.code)
        if report is not None:
            row.report = report
            row.plan = "已出台" if report.plan_issued else "未出台"
            row.coordination = _yes_no(report.coordination)
            row.management = _yes_no(report.management)
            row.funding = funding_text(report)
        else:
            row.plan = "未报送"
        rows.append(row)

    total = ProgressRow(region=None, label="合计", trainings=sum(row.trainings for row in rows))
    _add_sites(total, rows)
    total.stations.staff = people[False]
    total.points.staff = people[True]
    return ProgressTable(city=city, as_of=as_of, start=start, rows=rows, total=total)


def _add_sites(total: ProgressRow, rows: list[ProgressRow]) -> None:
    for kind in ("stations", "points"):
        counts = getattr(total, kind)
        for row in rows:
            part = getattr(row, kind)
            counts.planned += part.planned
            counts.built += part.built
            counts.office += part.office


def _share(reports: list[ProgressReport], regions: int, flag: str) -> str:
    return f"{sum(1 for report in reports if getattr(report, flag))}/{regions}"


@unscoped("the table counts a region the caller may see")
def province_table(province: Region, as_of: date, *, start: date | None = None) -> ProgressTable:
    """One row per city: its sites and staff, the worst equipment among its sites, its trainings at every level,
    and how many of its counties (and the city level) have a plan, the mechanisms and approved funding."""
    start = start or date(as_of.year, 1, 1)
    low, high = code_range(province.prefix)
    cities = list(Region.objects.filter(parent=province, level=Level.CITY).order_by("code"))
    stations = site_counts(Station, low, high, as_of, by=4)
    points = site_counts(Point, low, high, as_of, by=4)
    staff, people = _staffing.staff_counts(low, high, as_of, by=4, heads=True)
    trainings = _staffing.training_counts(low, high, start, as_of, by=4)
    reports = reports_in_force(low, high, as_of)
    units = Counter(
        code[:4]
        for code in Region.objects.filter(
            level__in=(Level.COUNTY, Level.CITY), code__gte=low, code__lte=high
        ).values_list("code", flat=True)
    )
    rows = []
    for city in cities:
        key = city.code[:4]
        row = ProgressRow(region=city, label=city.name, trainings=trainings[key])
        row.stations = stations.get(key, SiteCounts())
        row.points = points.get(key, SiteCounts())
        row.stations.staff = staff.get((key, False), 0)
        row.points.staff = staff.get((key, True), 0)
        mine = [report for code, report in reports.items() if code.startswith(key)]
        row.plan = f"已出台{_share(mine, units[key], 'plan_issued')}"
        row.coordination = _share(mine, units[key], "coordination")
        row.management = _share(mine, units[key], "management")
        row.funding = f"已批复{_share(mine, units[key], 'funding_approved')}"
        rows.append(row)
    total = ProgressRow(region=None, label="合计", trainings=sum(row.trainings for row in rows))
    _add_sites(total, rows)
    total.stations.staff = people[False]
    total.points.staff = people[True]
    return ProgressTable(city=province, as_of=as_of, start=start, rows=rows, total=total)


@dataclass
class SiteLine:
    site: Station | Point
    kind: str  # 社工站 | 社工点
    planned: bool
    built: bool
    office: bool
    items: list[str]  # present, as of the day
    missing: list[str]  # labels
    status: EquipmentStatus | None
    staff: int


def county_sites(county: Region, as_of: date, *, user: User) -> list[SiteLine]:
    """The sites behind a county's cells, as of the day, in the reader's scope."""
    low, high = code_range(county.prefix)
    records: dict[tuple[int, int | None], EquipmentRecord] = {}
    for record in (
        EquipmentRecord.objects.visible_to(user)
        .filter(region_code__gte=low, region_code__lte=high, effective_on__lte=as_of)
        .order_by("effective_on", "id")
    ):
        records[(record.station_id, record.point_id)] = record
    posts = _staffing.posts_by_site(low, high, as_of, Station.objects.visible_to(user))
    lines = []
    sites: list[tuple[str, Station | Point, tuple[int, int | None]]] = []
    for station in Station.objects.visible_to(user).filter(
        _alive("", as_of), region_code__gte=low, region_code__lte=high
    ):
        sites.append(("社工站", station, (station.pk, None)))
    for point in (
        Point.objects.visible_to(user)
        .filter(_alive("", as_of), region_code__gte=low, region_code__lte=high)
        .select_related("station")
    ):
        sites.append(("社工点", point, (point.station_id, point.pk)))
    labels = dict(EquipmentItem.choices)
    for kind, site, key in sites:
        planned = bool(
            (site.planned_year and site.planned_year <= as_of.year)
            or (site.built_on and site.built_on <= as_of)
        )
        if not planned:
            continue
        office = bool(site.office_secured_on and site.office_secured_on <= as_of)
        record = records.get(key)
        present = record.items if record else []
        lines.append(
            SiteLine(
                site=site,
                kind=kind,
                planned=planned,
                built=bool(site.built_on and site.built_on <= as_of),
                office=office,
                items=present,
                missing=[labels[item] for item in EquipmentItem.values if item not in present],
                status=equipment_status(ALL_MISSING - len(present)) if office else None,
                staff=posts[key],
            )
        )
    lines.sort(key=lambda line: (line.site.region_code, line.kind != "社工站", line.site.name))
    return lines


def checklist_history(site: Station | Point) -> list[EquipmentRecord]:
    records = site.equipment_records.all()
    if isinstance(site, Station):
        records = records.filter(point__isnull=True)
    return list(records.select_related("recorded_by").order_by("-effective_on", "-id"))


def progress_report_history(user: User, region: Region) -> list[ProgressReport]:
    return list(
        ProgressReport.objects.visible_to(user)
        .filter(region=region)
        .select_related("recorded_by")
        .order_by("-effective_on", "-id")
    )


def table_as_dict(table: ProgressTable) -> dict:
    """The table for --json: dates in ISO, each row's cells by name, the 合计 last."""

    def sites(counts: SiteCounts, *, total: bool = False) -> dict:
        return {
            "planned": counts.planned,
            "built": counts.built,
            "office": counts.office,
            "equipment": None if total else (counts.equipment or None),
            "staff": counts.staff,
        }

    def row_dict(row: ProgressRow, *, total: bool = False) -> dict:
        return {
            "region": row.region.code if row.region else None,
            "name": row.label,
            "plan": row.plan or None,
            "stations": sites(row.stations, total=total) if total or row.shows_sites else None,
            "points": sites(row.points, total=total) if total or row.shows_sites else None,
            "coordination": row.coordination or None,
            "management": row.management or None,
            "funding": row.funding or None,
            "trainings": row.trainings,
        }

    return {
        "title": table.title,
        "unit": table.unit,
        "city": table.city.code,
        "as_of": table.as_of.isoformat(),
        "trainings_from": table.start.isoformat(),
        "rows": [row_dict(row) for row in table.rows],
        "total": row_dict(table.total, total=True),
    }
