"""The bureau's dashboard and the data screen: a region node and a period, in figures and charts.

Every figure comes from the selector of the page it links to (the coverage table, the station figures, the
registry's counts, the batches list, the trainings list), so the dashboard and that page cannot differ. What
has no page of its own (需要关注) is counted here, from `.visible_to(user)` querysets within the node.
Counts only unless the user holds `dashboard.view_names` (the city and the county: the names and their list
page): the viewer and the province never get a name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from shuangbai.assistance.models import Batch, Holding
from shuangbai.assistance.selectors import batch_list, batch_tree
from shuangbai.bulletins.selectors import inbox
from shuangbai.core.models import User
from shuangbai.core.periods import Period, month_period
from shuangbai.core.permissions import has_perm
from shuangbai.core.scoping import code_range
from shuangbai.regions.models import PREFIX_LENGTH, Level, Region
from shuangbai.regions.selectors import counts_by_prefix
from shuangbai.registry.models import FOLLOW_UP_LEVELS, Beneficiary, Category
from shuangbai.registry.selectors import category_counts, umbrella_counts
from shuangbai.staff.models import Staff, StaffStatus
from shuangbai.staff.selectors import training_counts, training_list
from shuangbai.stations.figures import FiguresTable, station_figures
from shuangbai.stations.models import Point, SiteStatus, Station
from shuangbai.supervision.models import Recommendation
from shuangbai.visits.coverage import CoverageRow, CoverageTable, Figures, coverage_rates, coverage_table
from shuangbai.visits.models import DEFAULT_LEVELS, VisitMonth
from shuangbai.visits.selectors import schedule

TREND_MONTHS = 12
HIGH_RISK = 1  # 一级: the people visited twice a week
NAMES_SHOWN = 20  # high-risk people named under 需要关注, for roles that may see them
BATCHES_SHOWN = 8
GROUPS = [("total", "全部"), ("hardship", "困难群众"), ("special", "特殊群体")]
LEVEL_NAMES = dict(FOLLOW_UP_LEVELS)
SECTIONS_SHOWN = ["走访", "新识别", "个案", "资源链接", "物资发放"]


def coverage_target() -> tuple[float, float]:
    """The target rate and the warning line under it (settings; the default: 100% and 90%)."""
    return settings.COVERAGE_TARGET_PERCENT / 100, settings.COVERAGE_WARNING_PERCENT / 100


def _in_region(queryset: QuerySet, region: Region, field_name: str = "region_code") -> QuerySet:
    low, high = code_range(region.prefix)
    return queryset.filter(**{f"{field_name}__gte": low, f"{field_name}__lte": high})


def trend_months(period: Period) -> list[Period]:
    """The twelve calendar months ending with the period's last month."""
    year, month = period.end.year, period.end.month
    months = []
    for _ in range(TREND_MONTHS):
        months.append(month_period(year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


@dataclass
class TrendPoint:
    month: Period
    figures: dict[str, Figures]  # per group: total, hardship, special
    visits: int = 0
    home_visits: int = 0

    @property
    def by_group(self) -> list[Figures]:
        return [self.figures[group] for group, _ in GROUPS]

    @property
    def other_visits(self) -> int:
        return self.visits - self.home_visits


def coverage_trend(
    user: User, region: Region, period: Period, *, today: date, table: CoverageTable | None = None
) -> list[TrendPoint]:
    """入户率 and 服务覆盖率 of the node, month by month (each the coverage page's figure for that month, by
    `coverage_rates`, which leaves out the overdue counts the trend does not show), and
    the visits per month (home and other) from the month summary. `table`: the period's own table, reused when
    the period is the last month (the most costly panel is not counted twice)."""
    months = trend_months(period)
    points = []
    for month in months:
        if month.start > today:
            continue
        if table is not None and (table.period.start, table.period.end) == (month.start, month.end):
            node = table.node
        else:
            node = coverage_rates(user, region, month, today=today)
        points.append(
            TrendPoint(month, {"total": node.total, "hardship": node.hardship, "special": node.special})
        )
    counts = {
        row["month"]: row
        for row in _in_region(VisitMonth.objects.visible_to(user), region)
        .filter(month__gte=months[0].start, month__lte=months[-1].start)
        .values("month")
        .annotate(visits=Sum("visits"), home=Sum("home_visits"))
        .order_by()
    }
    for point in points:
        row = counts.get(point.month.start)
        if row:
            point.visits, point.home_visits = row["visits"], row["home"]
    return points


@dataclass
class StationCount:
    station: Station
    n: int


IDLE_DAYS = 30
IDLE_BATCHES = 20  # the most recent batches looked at for idle stock


@dataclass
class IdleStock:
    holding: Holding
    batch: Batch
    stock: int
    since: date  # the last day goods moved in or out of this holder


def idle_stock(user: User, region: Region, *, today: date) -> list[IdleStock]:
    """Holders in the node with goods in stock and no movement (received, allocated, handed out, returned) for
    over 30 days: the stock of each is the batch page's (`batch_tree`)."""
    limit = today - timedelta(days=IDLE_DAYS)
    holdings = _in_region(Holding.objects.visible_to(user), region)
    batch_ids = list(
        holdings.filter(batch__received_on__lte=limit)
        .order_by("-batch__received_on", "-batch_id")
        .values_list("batch_id", flat=True)
        .distinct()[:IDLE_BATCHES]
    )
    low, high = code_range(region.prefix)
    found = []
    for batch in Batch.objects.visible_to(user).filter(pk__in=batch_ids).order_by("-received_on", "-id"):
        last: dict[int, date] = {}
        for queryset, key, day in (
            (batch.allocations.all(), "source_id", "on"),
            (batch.allocations.all(), "target_id", "on"),
            (batch.returns.all(), "source_id", "on"),
            (batch.returns.all(), "target_id", "on"),
            (batch.hand_outs.all(), "holding_id", "handed_on"),
        ):
            for holder, moved in queryset.values_list(key).annotate(last=Max(day)).order_by():
                last[holder] = max(moved, last.get(holder, moved))
        for row in batch_tree(user, batch):
            holding = row.holding
            if row.stock <= 0 or not low <= holding.region_code <= high:
                continue
            since = last.get(holding.pk, batch.received_on)
            if since < limit:
                found.append(IdleStock(holding, batch, row.stock, since))
    return sorted(found, key=lambda r: (r.since, r.holding.region_code))


@dataclass
class Attention:
    """需要关注: what a bureau should act on, counted."""

    below_warning: list[CoverageRow] = field(
        default_factory=list
    )  # children (towns of a county) under the line
    below_label: str = ""
    high_risk_overdue: list[StationCount] = field(default_factory=list)
    high_risk_people: list[Beneficiary] | None = None  # None: the user may not see people
    recommendations_late: list[StationCount] = field(default_factory=list)
    empty_stations: list[Station] = field(default_factory=list)
    empty_points: list[Point] = field(default_factory=list)
    articles_waiting: int | None = None  # None: not the user's to review
    idle_stock: list[IdleStock] = field(default_factory=list)

    @property
    def high_risk_total(self) -> int:
        return sum(row.n for row in self.high_risk_overdue)

    @property
    def empty_total(self) -> int:
        return len(self.empty_stations) + len(self.empty_points)

    @property
    def recommendations_total(self) -> int:
        return sum(row.n for row in self.recommendations_late)

    @property
    def count(self) -> int:
        return (
            len(self.below_warning)
            + self.high_risk_total
            + self.recommendations_total
            + len(self.empty_stations)
            + len(self.empty_points)
            + (self.articles_waiting or 0)
            + len(self.idle_stock)
        )


def _stations_by_id(ids) -> dict[int, Station]:
    return {
        s.pk: s for s in Station.objects.unscoped("the stations of rows counted in scope").filter(pk__in=ids)
    }


def high_risk_interval(region: Region) -> int:
    """Days between visits of 一级 in the node's city (a province: the default schedule's)."""
    if region.level == Level.PROVINCE:
        return DEFAULT_LEVELS[HIGH_RISK][1]
    return schedule(region.code).intervals[HIGH_RISK]


def high_risk_overdue(user: User, region: Region, *, today: date) -> QuerySet[Beneficiary]:
    """一级 people in the register whose household has had no home visit for more than twice their interval
    (counted from registration when never visited)."""
    limit = today - timedelta(days=2 * high_risk_interval(region))
    people = (
        Beneficiary.objects.visible_to(user)
        .active()
        .filter(follow_up_level=HIGH_RISK, registered_on__lt=limit)
        .filter(Q(household__follow_up__isnull=True) | Q(household__follow_up__last_home_visit_on__lt=limit))
    )
    return _in_region(people, region)


def attention(user: User, region: Region, table: CoverageTable, *, today: date) -> Attention:
    found = Attention()
    _, warning = coverage_target()
    if not table.is_leaf:
        found.below_label = table.child_label
        found.below_warning = [
            row
            for row in table.children
            if row.total.visit_rate is not None and row.total.visit_rate < warning
        ]

    people = high_risk_overdue(user, region, today=today)
    by_station = dict(
        people.values("station_id").annotate(n=Count("pk")).order_by().values_list("station_id", "n")
    )
    late = dict(
        _in_region(Recommendation.objects.visible_to(user).open(), region)
        .filter(deadline__lt=today)
        .values("station_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("station_id", "n")
    )
    stations = _stations_by_id(set(by_station) | set(late))
    found.high_risk_overdue = sorted(
        (StationCount(stations[pk], n) for pk, n in by_station.items()),
        key=lambda r: (-r.n, r.station.region_code),
    )
    found.recommendations_late = sorted(
        (StationCount(stations[pk], n) for pk, n in late.items()), key=lambda r: (-r.n, r.station.region_code)
    )
    if has_perm(user, "dashboard.view_names"):
        found.high_risk_people = list(
            people.select_related("station", "household__village")
            .only("id", "name", "station__name", "household__village__name", "region_code", "household_id")
            .order_by("region_code", "id")[:NAMES_SHOWN]
        )

    in_post = Q(staff__status=StaffStatus.IN_POST)
    working = [SiteStatus.BUILT, SiteStatus.OPERATING]
    found.empty_stations = list(
        _in_region(Station.objects.visible_to(user).active(), region)
        .filter(status__in=working)
        .annotate(n=Count("staff", filter=in_post))
        .filter(n=0)
        .select_related("town")
        .order_by("region_code")
    )
    found.empty_points = list(
        _in_region(Point.objects.visible_to(user).active(), region)
        .filter(status__in=working)
        .annotate(n=Count("staff", filter=in_post))
        .filter(n=0)
        .select_related("station")
        .order_by("region_code", "name")
    )
    found.idle_stock = idle_stock(user, region, today=today)
    if has_perm(user, "article.review") and region.level != Level.PROVINCE:
        found.articles_waiting = inbox(user, region.code[:4].ljust(12, "0")).count()
    return found


@dataclass
class Sites:
    stations_planned: int
    stations_built: int
    points_planned: int
    points_built: int
    staff_in_post: int


def sites(user: User, region: Region) -> Sites:
    """Stations and points not retired (planned) and those built or operating; social workers in post."""
    built = Q(status__in=[SiteStatus.BUILT, SiteStatus.OPERATING])
    stations = _in_region(Station.objects.visible_to(user).active(), region).aggregate(
        planned=Count("pk"), built=Count("pk", filter=built)
    )
    points = _in_region(Point.objects.visible_to(user).active(), region).aggregate(
        planned=Count("pk"), built=Count("pk", filter=built)
    )
    staff = _in_region(Staff.objects.visible_to(user).in_post(), region).count()
    return Sites(stations["planned"], stations["built"], points["planned"], points["built"], staff)


@dataclass
class Dashboard:
    region: Region
    period: Period
    today: date
    table: CoverageTable  # the period's coverage of the node and its children
    trend: list[TrendPoint]
    figures: FiguresTable
    categories: list[tuple[Category, int]]
    umbrellas: dict[str, int]
    sites: Sites
    recommendations_open: int
    recommendations_late: int
    trainings: int
    batches: list
    attention: Attention
    target: float
    warning: float

    @property
    def counted_children(self) -> list[CoverageRow]:
        """The children with anybody in the register (a county's many towns without people would bury the few
        that have them)."""
        return [row for row in self.table.children if row.total.registered]

    @property
    def empty_children(self) -> int:
        return len(self.table.children) - len(self.counted_children)

    def ranking(self, group: str = "total") -> list[CoverageRow]:
        """The children with people in the register by 入户率, highest first (nobody of the group: last)."""
        return sorted(
            self.counted_children,
            key=lambda row: (
                row.figures(group).visit_rate is None,
                -(row.figures(group).visit_rate or 0),
                row.code,
            ),
        )

    @property
    def ranking_rows(self) -> list[tuple[CoverageRow, list[Figures]]]:
        return [(row, [row.figures(group) for group, _ in GROUPS]) for row in self.ranking()]

    @property
    def visits(self) -> int:
        """走访服务 of the period: the station figures' count."""
        return self.figures.value("visits.count") or 0

    @property
    def quarter(self) -> int:
        return (self.period.end.month - 1) // 3 + 1

    def figure_sections(self):
        return [s for s in self.figures.sections if s.name in SECTIONS_SHOWN]


def dashboard(user: User, region: Region, period: Period, *, today: date | None = None) -> Dashboard:
    today = today or timezone.localdate()
    table = coverage_table(user, region, period, today=today)
    recommendations = _in_region(Recommendation.objects.visible_to(user).open(), region).aggregate(
        open=Count("pk"), late=Count("pk", filter=Q(deadline__lt=today))
    )
    target, warning = coverage_target()
    return Dashboard(
        region=region,
        period=period,
        today=today,
        table=table,
        trend=coverage_trend(user, region, period, today=today, table=table),
        figures=station_figures(region, period.start, period.end),
        categories=[(c, n) for c, n in category_counts(user, region=region) if n],
        umbrellas=umbrella_counts(user, region=region),
        sites=sites(user, region),
        recommendations_open=recommendations["open"],
        recommendations_late=recommendations["late"],
        trainings=training_counts(training_list(user, region=region, year=today.year))["total"],
        batches=list(_in_region(batch_list(user), region)[:BATCHES_SHOWN]),
        attention=attention(user, region, table, today=today),
        target=target,
        warning=warning,
    )


def _rate(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def chart_data(board: Dashboard) -> dict:
    """What the page's script draws: counts and rates only, never a person."""
    return {
        "target": round(board.target * 100, 1),
        "warning": round(board.warning * 100, 1),
        "months": [p.month.label for p in board.trend],
        "trend": {
            group: {
                "visit": [_rate(p.figures[group].visit_rate) for p in board.trend],
                "service": [_rate(p.figures[group].service_rate) for p in board.trend],
            }
            for group, _ in GROUPS
        },
        "visits": {
            "home": [p.home_visits for p in board.trend],
            "other": [p.visits - p.home_visits for p in board.trend],
        },
        "ranking": {
            group: {
                "names": [row.name for row in board.ranking(group)],
                "visit": [_rate(row.figures(group).visit_rate) for row in board.ranking(group)],
                "service": [_rate(row.figures(group).service_rate) for row in board.ranking(group)],
            }
            for group, _ in GROUPS
        },
        "overdue": {
            "names": [row.name for row in board.counted_children],
            "levels": [
                {
                    "name": LEVEL_NAMES[level],
                    "data": [row.total.overdue[level] for row in board.counted_children],
                }
                for level in LEVEL_NAMES
            ],
        },
        "categories": [{"name": c.name, "value": n} for c, n in board.categories],
    }


def screen_data(user: User, board: Dashboard) -> dict:
    """The data screen's figures (the JSON it refreshes from): the headline, the trend, the ranking, the sites."""
    node = board.table.node.total
    return {
        "region": board.region.name,
        "period": board.period.label,
        "updated": timezone.localtime().strftime("%H:%M"),
        "headline": {
            "registered": node.registered,
            "visit_rate": _rate(node.visit_rate),
            "service_rate": _rate(node.service_rate),
            "overdue": node.overdue_total,
            "stations": board.sites.stations_built,
            "points": board.sites.points_built,
            "staff": board.sites.staff_in_post,
            "visits": board.figures.value("visits.count") or 0,
        },
        "child_label": board.table.child_label,
        "stations": station_places(user, board),
        **chart_data(board),
    }


def station_places(user: User, board: Dashboard) -> list[dict]:
    """The map panel's stand-in until the service map: stations and points in use per child region."""
    if board.table.is_leaf or board.region.level == Level.TOWN:
        return []
    length = PREFIX_LENGTH[Level(board.region.child_level)]
    working = Q(status__in=[SiteStatus.BUILT, SiteStatus.OPERATING])
    stations = counts_by_prefix(
        Station.objects.visible_to(user).active().filter(working), length, board.region.prefix
    )
    points = counts_by_prefix(
        Point.objects.visible_to(user).active().filter(working), length, board.region.prefix
    )
    rows = [
        {
            "name": row.name,
            "stations": stations.get(row.region.prefix, 0),
            "points": points.get(row.region.prefix, 0),
        }
        for row in board.table.children
        if row.region is not None
    ]
    return sorted(
        (row for row in rows if row["stations"] or row["points"]), key=lambda r: -r["points"] - r["stations"]
    )
