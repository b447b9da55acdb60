"""What each role's home page gathers: the worker's 今日, the station head's month, the bureau's and the viewer's
summary of their region, the supervisor's stations. It reads every app's selectors, so it lives above them; each
piece starts from the user's scope (the selectors' `visible_to`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from shuangbai.activities.selectors import ActivityFilter, activity_list
from shuangbai.assistance.models import HolderLevel, Holding
from shuangbai.assistance.selectors import not_yet_received
from shuangbai.assistance.services import stock_of
from shuangbai.bulletins.models import ArticleStatus
from shuangbai.bulletins.selectors import own_articles
from shuangbai.cases.models import CaseStatus, Goal, GoalStatus
from shuangbai.cases.selectors import case_list
from shuangbai.core.models import User
from shuangbai.core.periods import month_period
from shuangbai.core.permissions import has_perm
from shuangbai.regions.models import Region
from shuangbai.registry.models import Beneficiary
from shuangbai.staff.models import Staff
from shuangbai.stations.models import Point, Station
from shuangbai.supervision.selectors import open_recommendations
from shuangbai.visits.models import Visit, VisitMonth
from shuangbai.visits.selectors import DueHousehold, due_households, schedule, section_counts

FIRST_OVERDUE = 5  # households on the worker's 今日 before "全部"
GOODS = 5  # batches shown, those with stock first


@dataclass
class GoodsHere:
    holding: Holding
    stock: int
    waiting: int | None  # people of the batch's target category here not yet served (None: no target)


def goods_here(user: User, station: Station) -> list[GoodsHere]:
    """The batches the station holds that the user may hand out, with the stock here and who still waits."""
    if not has_perm(user, "batch.hand_out", None):
        return []
    holdings = (
        Holding.objects.visible_to(user)
        .filter(level=HolderLevel.STATION, station=station)
        .select_related("batch", "batch__target_category")
        .order_by("-batch__received_on", "-id")[:20]
    )
    rows = []
    for holding in holdings:
        if not has_perm(user, "batch.hand_out", holding):
            continue
        stock = stock_of(holding)
        if stock <= 0:
            continue
        waiting = (
            not_yet_received(user, holding.batch, station).count()
            if holding.batch.target_category_id
            else None
        )
        rows.append(GoodsHere(holding, stock, waiting))
    return rows[:GOODS]


def open_cases(user: User, station: Station, staff: Staff | None):
    """Open cases at the station (the worker's own when they lead any), each with its next goal and date."""
    next_goal = Goal.objects.unscoped("the goals of cases listed in scope").filter(
        case=OuterRef("pk"), status=GoalStatus.ONGOING
    )
    cases = case_list(user, station=station, status=CaseStatus.OPEN).annotate(
        next_on=Subquery(next_goal.order_by("target_on", "id").values("target_on")[:1]),
        next_text=Subquery(next_goal.order_by("target_on", "id").values("text")[:1]),
    )
    if staff is not None and cases.filter(worker=staff).exists():
        cases = cases.filter(worker=staff)
    return list(cases.order_by("next_on", "-opened_on")[:10])


def week_of(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


@dataclass
class Today:
    station: Station
    counts: dict[str, int]
    overdue: list[DueHousehold]
    cases: list
    goods: list[GoodsHere]
    activities: list
    returned: list
    recommendations: list
    week: tuple[date, date]


def worker_today(user: User, station: Station, *, today: date | None = None) -> Today:
    today = today or timezone.localdate()
    staff = user.staff if user.staff_id else None
    point = staff.point if staff is not None and staff.point_id and staff.station_id == station.pk else None
    rows = due_households(user, station, point=point, today=today)
    first, last = week_of(today)
    activities = (
        activity_list(user, ActivityFilter(station=station))
        .filter(held_on__range=(first, last))
        .order_by("held_on")
    )
    returned = (
        own_articles(user).filter(status=ArticleStatus.RETURNED) if has_perm(user, "article.write") else []
    )
    return Today(
        station=station,
        counts=section_counts(rows),
        overdue=[row for row in rows if row.section == "overdue"][:FIRST_OVERDUE],
        cases=open_cases(user, station, staff) if has_perm(user, "case.view") else [],
        goods=goods_here(user, station),
        activities=list(activities[:10]),
        returned=list(returned[:10]),
        recommendations=list(open_recommendations(user, station)[:10]),
        week=(first, last),
    )


@dataclass
class PointMonth:
    name: str
    overdue_by_level: dict[int, int] = field(default_factory=dict)
    workers: list[str] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(self.overdue_by_level.values())


@dataclass
class WorkerMonth:
    staff: Staff
    visits: int
    home_visits: int


@dataclass
class StationMonth:
    station: Station
    month: object  # the Period of the month
    due: int  # households due a home visit by the month's end
    visited: int  # households visited at home in the month
    points: list[PointMonth]
    levels: dict[int, str]
    workers: list[WorkerMonth]
    goods: list[GoodsHere]
    recommendations: list


def station_month(user: User, station: Station, *, today: date | None = None) -> StationMonth:
    """The station's month for its head: home visits done against due, overdue by level per point and per
    worker, each worker's visits this month, stock per batch, recommendations and their deadlines."""
    today = today or timezone.localdate()
    month = month_period(today.year, today.month)
    due_by_month_end = due_households(user, station, today=month.end)
    overdue = [row for row in due_households(user, station, today=today) if row.section == "overdue"]
    visited = (
        VisitMonth.objects.visible_to(user)
        .filter(station=station, month=month.start, home_visits__gt=0)
        .count()
    )
    staff = list(station.staff.in_post().select_related("point").order_by("position", "name"))
    points: dict[str, PointMonth] = {"": PointMonth("站本部")}
    for point in station.points.active().order_by("name"):
        points[point.name] = PointMonth(point.name)
    for person in staff:
        place = person.point.name if person.point_id else ""
        points.setdefault(place, PointMonth(place or "站本部")).workers.append(person.name)
    for row in overdue:
        entry = points.setdefault(row.point, PointMonth(row.point or "站本部"))
        for person in row.people:
            if person.due_on < today:
                entry.overdue_by_level[person.level] = entry.overdue_by_level.get(person.level, 0) + 1
    visits = {
        staff_id: (n, home)
        for staff_id, n, home in Visit.objects.visible_to(user)
        .filter(station=station, visited_on__gte=month.start, visited_on__lte=month.end)
        .values("worker_links__staff")
        .annotate(n=Count("id"), home=Count("id", filter=Q(is_home=True)))
        .values_list("worker_links__staff", "n", "home")
    }
    return StationMonth(
        station=station,
        month=month,
        due=len(due_by_month_end),
        visited=visited,
        points=[p for p in points.values() if p.workers or p.overdue],
        levels=schedule(station.region_code).names,
        workers=[WorkerMonth(s, *visits.get(s.pk, (0, 0))) for s in staff],
        goods=goods_here(user, station) if has_perm(user, "batch.hand_out") else _stock_only(user, station),
        recommendations=list(open_recommendations(user, station)),
    )


def _stock_only(user: User, station: Station) -> list[GoodsHere]:
    holdings = Holding.objects.visible_to(user).filter(level=HolderLevel.STATION, station=station)
    rows = [GoodsHere(h, stock_of(h), None) for h in holdings.select_related("batch")[:GOODS]]
    return [row for row in rows if row.stock > 0]


@dataclass
class RegionSummary:
    region: Region | None
    stations: int
    points: int
    staff: int | None  # None: not shown (the viewer)
    people: int
    visits_last_month: int
    last_month: object


def region_summary(user: User, *, today: date | None = None) -> RegionSummary:
    """The user's region in a few figures (the dashboard issue turns them into charts)."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    previous = first - timedelta(days=1)
    last_month = month_period(previous.year, previous.month)
    region = user.scope_region
    return RegionSummary(
        region=region,
        stations=Station.objects.visible_to(user).active().count(),
        points=Point.objects.visible_to(user).active().count(),
        staff=Staff.objects.visible_to(user).in_post().count() if has_perm(user, "staff.view") else None,
        people=Beneficiary.objects.visible_to(user).active().count(),
        visits_last_month=VisitMonth.objects.visible_to(user)
        .filter(month=last_month.start)
        .aggregate(n=Sum("visits"))["n"]
        or 0,
        last_month=last_month,
    )


def supervised(user: User) -> list[Station]:
    """A supervisor's stations, each with its open recommendations and open cases."""
    from shuangbai.cases.models import Case
    from shuangbai.supervision.models import Recommendation

    open_recs = Recommendation.objects.visible_to(user).open().filter(station=OuterRef("pk"))
    cases = Case.objects.visible_to(user).filter(station=OuterRef("pk"), status=CaseStatus.OPEN)
    return list(
        Station.objects.visible_to(user)
        .active()
        .annotate(
            open_recommendations=Subquery(
                open_recs.values("station").annotate(n=Count("id")).values("n")[:1]
            ),
            open_cases=Subquery(cases.values("station").annotate(n=Count("id")).values("n")[:1]),
            next_deadline=Subquery(open_recs.order_by("deadline").values("deadline")[:1]),
        )
        .select_related("town")
        .order_by("region_code")
    )
