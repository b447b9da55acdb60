from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from shuangbai.core.models import User
from shuangbai.core.permissions import has_perm
from shuangbai.core.scoping import code_range, get_visible_or_404, scope_of

from .models import (
    TABLE_TRAINING_KINDS,
    Applicant,
    Assignment,
    Kind,
    Position,
    RecruitmentRound,
    RoundPosition,
    Staff,
    StaffStatus,
    Training,
)


def supervised_stations(user: User) -> dict[int, str]:
    """{station id: region code} of the stations a supervisor account is assigned to now."""
    if not user.staff_id:
        return {}
    return dict(
        Assignment.objects.unscoped("a supervisor's own assignments make their scope")
        .filter(staff_id=user.staff_id, position=Position.SUPERVISOR, ended_on__isnull=True)
        .values_list("station_id", "station__region_code")
    )


def staff_list(
    user: User,
    *,
    station_id: int | None = None,
    status: str | None = None,
    kind: str | None = None,
    q: str = "",
) -> QuerySet[Staff]:
    staff = Staff.objects.visible_to(user).select_related("station", "point")
    if station_id:
        staff = staff.filter(station_id=station_id)
    if status:
        staff = staff.filter(status=status)
    if kind:
        staff = staff.filter(kind=kind)
    if q:
        staff = staff.filter(Q(name__contains=q) | Q(station__name__contains=q) | Q(point__name__contains=q))
    return staff


def get_staff_for_user(user: User, pk: int) -> Staff:
    return get_visible_or_404(Staff.objects.select_related("station", "point"), user, pk=pk)


def staff_history(staff: Staff) -> QuerySet[Assignment]:
    return staff.assignments.select_related("station", "point").order_by("-started_on", "-id")


def station_workers(station) -> QuerySet[Staff]:
    """The station's staff in post, for choosing who did a piece of work (the station was found in scope)."""
    return station.staff.in_post().order_by("name", "id")


def station_heads(station_ids: list[int]) -> dict[int, Staff]:
    heads = (
        Staff.objects.unscoped("the heads of stations the caller lists")
        .in_post()
        .filter(station_id__in=station_ids, position=Position.HEAD, kind=Kind.WORKER)
    )
    return {staff.station_id: staff for staff in heads}


def station_staff(station) -> QuerySet[Staff]:
    """The staff in post at a station the caller found in scope, for its page."""
    return station.staff.in_post().select_related("point").order_by("position", "name", "id")


def staff_in_post_counts(field: str, ids: list[int]) -> dict[int, int]:
    """{station or point id: staff in post} for the sites the caller lists (`field`: "station" or "point")."""
    return dict(
        Staff.objects.unscoped("the staff counts of sites the caller lists")
        .filter(status=StaffStatus.IN_POST, **{f"{field}_id__in": ids})
        .values(f"{field}_id")
        .annotate(n=Count("id"))
        .values_list(f"{field}_id", "n")
    )


def placement_choices(user: User, station=None) -> dict[str, QuerySet]:
    """The stations and points a user may place a worker at (the points of `station` only, when given)."""
    from shuangbai.stations.models import Point, Station

    points = Point.objects.visible_to(user).active().select_related("station")
    if station is not None:
        points = points.filter(station=station)
    return {"stations": Station.objects.visible_to(user).active().order_by("region_code"), "points": points}


def supervisor_choices(user: User) -> dict[str, QuerySet]:
    """The regions a supervisor may belong to and the stations they may supervise, in the user's scope."""
    from shuangbai.regions.models import Level, Region
    from shuangbai.stations.models import Station

    return {
        "regions": Region.objects.visible_to(user).filter(level__in=[Level.CITY, Level.COUNTY]),
        "stations": Station.objects.visible_to(user).active().select_related("town").order_by("region_code"),
    }


# ---------------------------------------------------------------------------------------------- 兼任


def staff_covers(staff: Staff) -> QuerySet[Assignment]:
    """The points a worker serves now besides their own (兼任)."""
    return staff.assignments.open().filter(is_cover=True).select_related("point", "station").order_by("id")


def cover_point_choices(user: User, staff: Staff):
    """Points the user may give `staff` to cover: active, in the user's scope, in the staff's county, not
    their own point and not one they cover already."""
    from shuangbai.stations.models import Point

    if staff.station is None:
        return Point.objects.none()
    low, high = code_range(staff.station.region_code[:6])
    covered = staff.assignments.open().filter(is_cover=True).values("point_id")
    return (
        Point.objects.visible_to(user)
        .active()
        .filter(region_code__gte=low, region_code__lte=high)
        .exclude(pk=staff.point_id or 0)
        .exclude(pk__in=covered)
        .select_related("station")
        .order_by("region_code", "name")
    )


# ---------------------------------------------------------------------------------------------- trainings


def training_organiser(training: Training):
    """The station or the bureau's region that organised a training: `training.record` on it lets a user change
    the training (a county reads the city's trainings but does not edit them)."""
    from shuangbai.regions.models import Region

    return training.station or Region.objects.get(code=training.region_code)


def training_list(
    user: User,
    *,
    region=None,
    station=None,
    kind: str = "",
    year: int | None = None,
) -> QuerySet[Training]:
    """Trainings the user may see; `region`: organised in that region (its bureau's, its stations');
    `station`: organised by that station."""
    trainings = Training.objects.visible_to(user)
    if station is not None:
        trainings = trainings.filter(station=station)
    elif region is not None:
        low, high = code_range(region.prefix)
        trainings = trainings.filter(region_code__gte=low, region_code__lte=high)
    if kind:
        trainings = trainings.filter(kind=kind)
    if year:
        trainings = trainings.filter(held_on__year=year)
    return (
        trainings.select_related("station")
        .annotate(attendee_count=Count("attendees"))
        .order_by("-held_on", "-id")
    )


def training_counts(trainings: QuerySet[Training]) -> dict[str, int]:
    """How many trainings, and how many of them the progress table counts (岗前 and 专业 only)."""
    return trainings.order_by().aggregate(
        total=Count("id", distinct=True),
        counted=Count("id", distinct=True, filter=Q(kind__in=TABLE_TRAINING_KINDS)),
    )


def training_years(user: User) -> list[int]:
    return [d.year for d in Training.objects.visible_to(user).dates("held_on", "year", order="DESC")]


def get_training_for_user(user: User, pk: int) -> Training:
    return get_visible_or_404(Training.objects.select_related("station", "created_by"), user, pk=pk)


def training_attendees(user: User, training: Training) -> tuple[list[Staff], int]:
    """The attendees the user may see by name (a station user: their own station's), and how many in all."""
    attendees = training.attendees.all()
    visible = list(
        Staff.objects.visible_to(user)
        .filter(pk__in=attendees.values("pk"))
        .select_related("station", "point")
        .order_by("station__region_code", "position", "name", "id")
    )
    return visible, attendees.count()


def staff_trainings(user: User, staff: Staff) -> QuerySet[Training]:
    return Training.objects.visible_to(user).filter(attendees=staff).select_related("station")


def hours_in_year(trainings, year: int):
    return sum((t.hours or 0) for t in trainings if t.held_on.year == year)


def attendee_choices(user: User, *, station=None, include: list[Staff] | tuple = ()) -> list:
    """Staff in post the user may pick as attendees, grouped by station for checkboxes: [(station name,
    [(pk, label), ...]), ...]; `include` (the current attendees, on edit) stay offered even if moved since."""
    staff = Staff.objects.visible_to(user).in_post()
    if station is not None:
        staff = staff.filter(station=station)
    extra = [p.pk for p in include]
    if extra:
        staff = staff | Staff.objects.unscoped("a training's current attendees stay offered").filter(
            pk__in=extra
        )
    groups: dict[str, list] = {}
    for person in staff.select_related("station").order_by("station__region_code", "position", "name", "id"):
        group = person.station.name if person.station_id else "督导"
        label = (
            person.name
            if person.position == Position.WORKER
            else f"{person.name}（{person.get_position_display()}）"
        )
        groups.setdefault(group, []).append((str(person.pk), label))
    return list(groups.items())


def organiser_choices(user: User, *, include=None) -> list:
    """The organisers a user may record a training for: [("民政局", [("r:<code>", name)]), ("社工站", [("s:<pk>",
    name)])]; `include` (region or station) is the current organiser, kept on edit."""
    from shuangbai.regions.models import Region
    from shuangbai.stations.models import Station

    from .services import BUREAU_LEVELS, organiser_name

    regions, stations = [], []
    if has_perm(user, "training.record"):
        regions = Region.objects.visible_to(user).filter(level__in=BUREAU_LEVELS).order_by("code")
        regions = [region for region in regions if has_perm(user, "training.record", region)]
        stations = list(Station.objects.visible_to(user).active().order_by("region_code"))
    if isinstance(include, Region) and include not in regions:
        regions.append(include)
    if isinstance(include, Station) and include not in stations:
        stations.append(include)
    groups = []
    if regions:
        groups.append(("民政局", [(f"r:{r.code}", organiser_name(r, None)) for r in regions]))
    if stations:
        groups.append(("社工站", [(f"s:{s.pk}", s.name) for s in stations]))
    return groups


def this_year() -> int:
    return timezone.localdate().year


# ---------------------------------------------------------------------------------------------- 招聘


def recruitment_rounds(user: User, *, year: int | None = None, city_code: str = "") -> QuerySet:
    rounds = RecruitmentRound.objects.visible_to(user)
    if year:
        rounds = rounds.filter(year=year)
    if city_code:
        rounds = rounds.filter(region_code=city_code)
    return rounds.select_related("city").annotate(total_positions=Sum("positions__positions"))


def recruitment_years(user: User) -> list[int]:
    return sorted(set(RecruitmentRound.objects.visible_to(user).values_list("year", flat=True)), reverse=True)


def get_round_for_user(user: User, pk: int) -> RecruitmentRound:
    return get_visible_or_404(RecruitmentRound.objects.select_related("city", "created_by"), user, pk=pk)


def get_applicant_for_user(user: User, pk: int) -> Applicant:
    return get_visible_or_404(
        Applicant.objects.select_related("round", "round__city", "county", "hired_staff"), user, pk=pk
    )


def manageable_cities(user: User):
    """The cities whose rounds the user may create."""
    from shuangbai.regions.models import Level, Region

    cities = Region.objects.visible_to(user).filter(level=Level.CITY).order_by("code")
    return [city for city in cities if has_perm(user, "recruitment.manage", city)]


def position_regions(city) -> list:
    """The rows a round of `city` may have positions in: the city itself (市本级), then its counties."""
    from shuangbai.regions.models import Level, Region

    return [city, *Region.objects.filter(parent=city, level=Level.COUNTY).order_by("code")]


def region_label(region, round_: RecruitmentRound) -> str:
    return "市本级" if region.code == round_.region_code else region.name


# Cumulative stages, as the figures table counts them: a person who passed the written exam also sat it.
STAGES = [
    ("sat", "参加笔试"),
    ("passed", "笔试合格"),
    ("interviewed", "参加面试"),
    ("hired", "已录用"),
    ("withdrawn", "放弃"),
]


def stage_filter(round_: RecruitmentRound, stage: str) -> Q:
    if stage == "sat":
        return Q(written_score__isnull=False)
    if stage == "passed":
        if round_.written_pass_line is None:
            return Q(pk__in=[])
        return Q(written_score__gte=round_.written_pass_line)
    if stage == "interviewed":
        return Q(interview_score__isnull=False)
    if stage == "hired":
        return Q(hired_staff__isnull=False)
    if stage == "withdrawn":
        return Q(withdrawn=True)
    return Q()


def applicant_stage(applicant: Applicant, round_: RecruitmentRound) -> str:
    """Where one applicant stands, in words."""
    if applicant.hired_staff_id:
        return "已录用"
    if applicant.withdrawn:
        return "放弃"
    if applicant.interview_score is not None:
        return "已面试"
    if applicant.written_score is not None and round_.written_pass_line is not None:
        return "笔试合格" if applicant.written_score >= round_.written_pass_line else "笔试未达合格线"
    if applicant.written_score is not None:
        return "已参加笔试"
    return "已报名"


@dataclass
class FigureRow:
    region: Any
    label: str
    positions: int
    applicants: int | None  # None: only the round's total number is known (no list)
    sat: int = 0
    passed: int | None = 0  # None: the round has no pass line
    interviewed: int = 0
    hired: int = 0


@dataclass
class RoundFigures:
    rows: list[FigureRow]
    total: FigureRow | None  # None: the user sees part of the round only (a county)
    has_list: bool


def round_figures(user: User, round_: RecruitmentRound) -> RoundFigures:
    """Positions, applicants, sat / passed the written exam, interviewed and hired, per county and in all,
    counted from the records: the applicant list where one was imported, else the announced applicant count.
    Three queries."""
    positions = list(
        RoundPosition.objects.visible_to(user)
        .filter(round=round_)
        .select_related("county")
        .order_by("region_code")
    )
    has_list = round_.applicants.exists()
    pass_line = round_.written_pass_line
    counts = {
        row["county_id"]: row
        for row in Applicant.objects.visible_to(user)
        .filter(round=round_)
        .order_by()
        .values("county_id")
        .annotate(
            n=Count("id"),
            sat=Count("id", filter=stage_filter(round_, "sat")),
            passed=Count("id", filter=stage_filter(round_, "passed")),
            interviewed=Count("id", filter=stage_filter(round_, "interviewed")),
            hired=Count("id", filter=stage_filter(round_, "hired")),
        )
    }
    rows = []
    for position in positions:
        found = counts.get(position.county_id, {})
        rows.append(
            FigureRow(
                region=position.county,
                label=region_label(position.county, round_),
                positions=position.positions,
                applicants=found.get("n", 0) if has_list else None,
                sat=found.get("sat", 0),
                passed=found.get("passed", 0) if pass_line is not None else None,
                interviewed=found.get("interviewed", 0),
                hired=found.get("hired", 0),
            )
        )
    total = None
    if scope_of(user).covers_code(round_.region_code):
        total = FigureRow(
            region=round_.city,
            label="合计",
            positions=sum(row.positions for row in rows),
            applicants=sum(row.applicants for row in rows) if has_list else round_.applicant_count,
            sat=sum(row.sat for row in rows),
            passed=sum(row.passed for row in rows) if pass_line is not None else None,
            interviewed=sum(row.interviewed for row in rows),
            hired=sum(row.hired for row in rows),
        )
    return RoundFigures(rows=rows, total=total, has_list=has_list)


def round_applicants(
    user: User, round_: RecruitmentRound, *, county_id: int | None = None, stage: str = "", q: str = ""
) -> QuerySet[Applicant]:
    applicants = (
        Applicant.objects.visible_to(user).filter(round=round_).select_related("county", "hired_staff")
    )
    if county_id:
        applicants = applicants.filter(county_id=county_id)
    if stage:
        applicants = applicants.filter(stage_filter(round_, stage))
    if q:
        applicants = applicants.filter(name__contains=q)
    return applicants.order_by(
        "region_code",
        F("written_score").desc(nulls_last=True),
        F("interview_score").desc(nulls_last=True),
        "name",
        "id",
    )


def hire_station_choices(user: User, applicant: Applicant) -> dict[str, QuerySet]:
    """The stations (and their points) in the applicant's county that the user may place a hire at."""
    from shuangbai.stations.models import Point, Station

    low, high = code_range(applicant.county.prefix)
    stations = (
        Station.objects.visible_to(user)
        .active()
        .filter(region_code__gte=low, region_code__lte=high)
        .order_by("region_code")
    )
    points = Point.objects.visible_to(user).active().filter(station__in=stations).select_related("station")
    return {"stations": stations, "points": points}
