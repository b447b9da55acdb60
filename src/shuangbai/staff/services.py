"""Operations on social workers and supervisors. A move closes the open assignment and opens a new one,
so the history of where someone worked is kept, never overwritten."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from shuangbai.core.audit import audit_record
from shuangbai.core.dates import day_label
from shuangbai.core.models import AuditAction, User
from shuangbai.core.permissions import has_perm, in_scope, require
from shuangbai.core.scoping import code_range
from shuangbai.core.versioning import update_versioned
from shuangbai.regions.models import Level, Region
from shuangbai.stations.models import Point, Station

from .models import (
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

PERSON_FIELDS = ("name", "gender", "phone", "qualification", "hired_on")


def _check_placement(station: Station | None, point: Point | None, position: str) -> None:
    if station is None:
        raise ValidationError({"station": "请选择社工站。"})
    if station.is_retired:
        raise ValidationError({"station": f"{station.name}已撤销。"})
    if point is not None and (point.station_id != station.pk or point.is_retired):
        raise ValidationError({"point": f"“{point.name}”不是{station.name}在用的社工点。"})
    if position == Position.SUPERVISOR:
        raise ValidationError({"position": "督导通过“分配督导站点”安排，不作为站内岗位。"})


def _open_assignment(
    staff: Staff, station: Station, point: Point | None, position: str, on: date
) -> Assignment:
    assignment = Assignment(
        staff=staff,
        station=station,
        point=point,
        position=position,
        started_on=on,
        region_code=point.region_code if point else station.region_code,
    )
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def staff_create(
    *,
    actor: User,
    name: str,
    gender: str,
    hired_on: date,
    station: Station | None = None,
    point: Point | None = None,
    position: str = Position.WORKER,
    phone: str = "",
    qualification: str = "none",
    kind: str = Kind.WORKER,
    region: Region | None = None,
) -> Staff:
    """A worker is placed at a station (and point) from the hire date; a supervisor belongs to a region."""
    require(actor, "staff.manage", point or station or region)
    if kind == Kind.WORKER:
        _check_placement(station, point, position)
        region_code = point.region_code if point else station.region_code
    else:
        if region is None:
            raise ValidationError({"region": "请选择督导所属区域。"})
        station = point = None
        position = Position.SUPERVISOR
        region_code = region.code
    staff = Staff(
        kind=kind,
        name=name.strip(),
        gender=gender,
        phone=phone.strip(),
        qualification=qualification,
        hired_on=hired_on,
        station=station,
        point=point,
        position=position,
        region_code=region_code,
    )
    staff.full_clean()
    staff.save()
    if station is not None:
        _open_assignment(staff, station, point, position, hired_on)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=staff)
    return staff


@transaction.atomic
def staff_update(*, actor: User, staff: Staff, version: int, **changes: Any) -> Staff:
    require(actor, "staff.manage", staff)
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"staff_update cannot change {sorted(unknown)}")
    return update_versioned(staff, actor=actor, expected_version=version, changes=changes)


def _close_open_assignments(staff: Staff, last_day: date) -> None:
    for assignment in staff.assignments.open().select_for_update():
        if last_day < assignment.started_on:
            raise ValidationError(
                {"on_date": f"日期不能早于当前岗位的起始日期（{day_label(assignment.started_on)}）。"}
            )
        assignment.ended_on = last_day
        assignment.save(update_fields=["ended_on"])


@transaction.atomic
def staff_move(
    *,
    actor: User,
    staff: Staff,
    version: int,
    station: Station,
    point: Point | None,
    position: str,
    on_date: date,
) -> Staff:
    """From `on_date` the person works at the new place; the previous assignment ends the day before."""
    require(actor, "staff.manage", staff)
    require(actor, "staff.manage", station)
    if staff.kind != Kind.WORKER:
        raise ValidationError("督导的站点通过“分配督导站点”调整。")
    if staff.status != StaffStatus.IN_POST:
        raise ValidationError("该人员已离职，不能调动。")
    _check_placement(station, point, position)
    if (
        staff.station_id == station.pk
        and staff.point_id == (point.pk if point else None)
        and staff.position == position
    ):
        raise ValidationError("新的岗位与当前岗位相同。")
    _close_open_assignments(staff, on_date - timedelta(days=1))
    _open_assignment(staff, station, point, position, on_date)
    return update_versioned(
        staff,
        actor=actor,
        expected_version=version,
        changes={
            "station": station,
            "point": point,
            "position": position,
            "region_code": point.region_code if point else station.region_code,
        },
    )


@transaction.atomic
def staff_leave(*, actor: User, staff: Staff, version: int, on_date: date, reason: str) -> Staff:
    require(actor, "staff.manage", staff)
    if staff.status == StaffStatus.LEFT:
        raise ValidationError("该人员已是离职状态。")
    if on_date < staff.hired_on:
        raise ValidationError({"left_on": "离职日期不能早于入职日期。"})
    _close_open_assignments(staff, on_date)
    return update_versioned(
        staff,
        actor=actor,
        expected_version=version,
        changes={"status": StaffStatus.LEFT, "left_on": on_date, "left_reason": reason.strip()},
        action=AuditAction.RETIRE,
    )


@transaction.atomic
def supervisor_assign(
    *, actor: User, supervisor: Staff, stations: list[Station], on_date: date
) -> list[Assignment]:
    """Give a supervisor stations to supervise, from `on_date`. Stations already assigned are left as they are."""
    require(actor, "staff.manage", supervisor)
    if supervisor.kind != Kind.SUPERVISOR:
        raise ValidationError("只能为督导分配督导站点。")
    current = set(supervisor.assignments.open().values_list("station_id", flat=True))
    created = []
    for station in stations:
        if station.pk in current:
            continue
        assignment = Assignment(
            staff=supervisor,
            station=station,
            position=Position.SUPERVISOR,
            started_on=on_date,
            region_code=station.region_code,
        )
        assignment.full_clean()
        created.append(assignment)
    Assignment.objects.bulk_create(created)
    if created:
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=supervisor,
            changes={"督导站点": [None, [a.station.name for a in created]]},
        )
    return created


# ---------------------------------------------------------------------------------------------- 兼任


@transaction.atomic
def staff_cover_start(*, actor: User, staff: Staff, point: Point, started_on: date) -> Assignment:
    """The worker also serves `point` (兼任) from `started_on`, besides their own place."""
    require(actor, "staff.cover", staff)
    require(actor, "staff.cover", point)
    staff = Staff.objects.held(staff).select_for_update().get()  # one cover decision at a time per person
    if staff.kind != Kind.WORKER:
        raise ValidationError("督导不能兼任社工点。")
    if staff.status != StaffStatus.IN_POST:
        raise ValidationError("该人员已离职，不能安排兼任。")
    if point.is_retired:
        raise ValidationError({"point": f"“{point.name}”已撤销，不能兼任。"})
    if point.pk == staff.point_id:
        raise ValidationError({"point": f"“{point.name}”是{staff.name}的本岗社工点，无需兼任。"})
    if staff.station is None or point.region_code[:6] != staff.station.region_code[:6]:
        raise ValidationError({"point": "兼任的社工点应与本岗在同一县（市、区）。"})
    if staff.assignments.open().filter(is_cover=True, point=point).exists():
        raise ValidationError({"point": f"{staff.name}已在兼任“{point.name}”。"})
    if started_on < staff.hired_on:
        raise ValidationError(
            {"started_on": f"兼任起始日期不能早于入职日期（{day_label(staff.hired_on)}）。"}
        )
    assignment = Assignment(
        staff=staff,
        station=point.station,
        point=point,
        position=Position.WORKER,
        is_cover=True,
        started_on=started_on,
        region_code=point.region_code,
    )
    assignment.full_clean()
    assignment.save()
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=staff,
        changes={"兼任社工点": [None, f"{point.name}（{day_label(started_on)}起）"]},
    )
    return assignment


@transaction.atomic
def staff_cover_end(*, actor: User, assignment: Assignment, ended_on: date) -> Assignment:
    require(actor, "staff.cover", assignment)
    assignment = (
        Assignment.objects.held(assignment)
        .select_for_update(of=("self",))
        .select_related("staff", "point")
        .get()
    )
    if not assignment.is_cover:
        raise ValidationError("这不是兼任安排；本岗变动请用“调动”或“办理离职”。")
    if assignment.ended_on is not None:
        raise ValidationError("该兼任已结束。")
    if ended_on < assignment.started_on:
        raise ValidationError(
            {"ended_on": f"结束日期不能早于兼任起始日期（{day_label(assignment.started_on)}）。"}
        )
    assignment.ended_on = ended_on
    assignment.save(update_fields=["ended_on"])
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=assignment.staff,
        changes={"兼任社工点": [assignment.point.name, f"{day_label(ended_on)}结束"]},
    )
    return assignment


# ---------------------------------------------------------------------------------------------- trainings

BUREAU_LEVELS = (Level.PROVINCE, Level.CITY, Level.COUNTY)
MAX_TRAINING_HOURS = Decimal(200)


def organiser_name(region: Region | None, station: Station | None) -> str:
    """The organiser as the bulletin names it: 罗定市民政局, 广东省民政厅, 素龙街道社工站."""
    if station is not None:
        return station.name
    return f"{region.name}{'民政厅' if region.level == Level.PROVINCE else '民政局'}"


def _attendees_out_of_scope(
    attendees: list[Staff], held_on: date, region: Region | None, station: Station | None
) -> list[Staff]:
    """Attendees who were not working in the organiser's area on the day: a station's training takes its own
    staff (covers included), a bureau's the staff placed in its region (and its region's supervisors)."""
    ids = [person.pk for person in attendees]
    on_duty = Assignment.objects.unscoped("the given attendees' own assignments")
    on_duty = on_duty.filter(staff_id__in=ids, started_on__lte=held_on).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=held_on)
    )
    if station is not None:
        fine = set(on_duty.filter(station=station).values_list("staff_id", flat=True))
    else:
        low, high = code_range(region.prefix)
        fine = set(
            on_duty.filter(region_code__gte=low, region_code__lte=high).values_list("staff_id", flat=True)
        )
        fine |= set(
            Staff.objects.unscoped("the given attendees")
            .filter(
                pk__in=ids,
                kind=Kind.SUPERVISOR,
                hired_on__lte=held_on,
                region_code__gte=low,
                region_code__lte=high,
            )
            .filter(Q(left_on__isnull=True) | Q(left_on__gte=held_on))
            .values_list("pk", flat=True)
        )
    return [person for person in attendees if person.pk not in fine]


def _training_fields(
    *,
    actor: User,
    organiser_region: Region | None,
    station: Station | None,
    organiser: str,
    kind: str,
    held_on: date | None,
    topic: str,
    trainers: str,
    hours: Decimal | None,
    materials: str,
    attendees: list[Staff],
) -> dict[str, Any]:
    """Validate a training as a whole and return its model fields; every problem at once, by field."""
    errors: dict[str, str] = {}
    if (organiser_region is None) == (station is None):
        errors["organiser_unit"] = "请选择一个主办单位（民政局或社工站）。"
    elif organiser_region is not None and organiser_region.level not in BUREAU_LEVELS:
        errors["organiser_unit"] = "主办单位应为省、市或县（市、区）民政部门，或社工站。"
    elif not has_perm(actor, "training.record", station or organiser_region):
        errors["organiser_unit"] = "主办单位不在您可登记培训的范围内。"
    if held_on is None:
        errors["held_on"] = "请填写培训日期。"
    elif held_on > timezone.localdate():
        errors["held_on"] = "培训日期不能晚于今天。"
    if not topic.strip():
        errors["topic"] = "请填写培训主题。"
    if hours is None:
        errors["hours"] = "请填写学时。"
    elif not 0 < hours <= MAX_TRAINING_HOURS:
        errors["hours"] = f"学时应大于0且不超过{MAX_TRAINING_HOURS}。"
    if attendees and "organiser_unit" not in errors and "held_on" not in errors:
        outside = _attendees_out_of_scope(attendees, held_on, organiser_region, station)
        if outside:
            name = organiser.strip() or organiser_name(organiser_region, station)
            errors["attendees"] = (
                f"{'、'.join(person.name for person in outside)}在{day_label(held_on)}"
                f"不在{name}的人员范围内（县、市培训限本地在岗人员，社工站培训限本站人员）。"
            )
    if errors:
        raise ValidationError(errors)
    return {
        "kind": kind,
        "held_on": held_on,
        "region_code": station.region_code if station else organiser_region.code,
        "station": station,
        "organiser": organiser.strip() or organiser_name(organiser_region, station),
        "topic": topic.strip(),
        "trainers": trainers.strip(),
        "hours": hours,
        "materials": materials.strip(),
    }


@transaction.atomic
def training_record(
    *,
    actor: User,
    kind: str,
    held_on: date,
    topic: str,
    hours: Decimal | None,
    organiser_region: Region | None = None,
    station: Station | None = None,
    organiser: str = "",
    trainers: str = "",
    materials: str = "",
    attendees: Iterable[Staff] = (),
) -> Training:
    """Record a training organised by a bureau (`organiser_region`: province, city or county) or a station."""
    attendees = list(attendees)
    fields = _training_fields(
        actor=actor,
        organiser_region=organiser_region,
        station=station,
        organiser=organiser,
        kind=kind,
        held_on=held_on,
        topic=topic,
        trainers=trainers,
        hours=hours,
        materials=materials,
        attendees=attendees,
    )
    training = Training(**fields, created_by=actor)
    training.full_clean()
    training.save()
    training.attendees.set(attendees)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=training,
        changes={"参训人数": [None, len(attendees)]},
    )
    return training


TRAINING_FIELDS = ("kind", "held_on", "topic", "hours", "organiser", "trainers", "materials")
TRAINING_CHANGES = frozenset({*TRAINING_FIELDS, "organiser_region", "station", "attendees"})


@transaction.atomic
def training_update(*, actor: User, training: Training, version: int, **changes: Any) -> Training:
    """Change a training; `organiser_region`/`station` move it to another organiser (give one of the two)."""
    unknown = set(changes) - TRAINING_CHANGES
    if unknown:
        raise TypeError(f"training_update cannot change {sorted(unknown)}")
    current = {name: getattr(training, name) for name in TRAINING_FIELDS}
    # The organiser as it stands, unless the change names a new one (whose name then defaults afresh).
    if "organiser_region" in changes or "station" in changes:
        region, station = changes.pop("organiser_region", None), changes.pop("station", None)
        current["organiser"] = ""
    elif training.station_id:
        region, station = None, training.station
    else:
        region, station = Region.objects.get(code=training.region_code), None
    before_attendees = list(training.attendees.order_by("name", "id"))
    attendees = list(changes.pop("attendees", before_attendees))
    fields = _training_fields(
        actor=actor, organiser_region=region, station=station, attendees=attendees, **(current | changes)
    )
    update_versioned(training, actor=actor, expected_version=version, changes=fields)
    if {p.pk for p in attendees} != {p.pk for p in before_attendees}:
        training.attendees.set(attendees)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=training,
            changes={
                "参训人员": [
                    "、".join(p.name for p in before_attendees),
                    "、".join(p.name for p in sorted(attendees, key=lambda p: (p.name, p.pk))),
                ]
            },
        )
    return training


# ---------------------------------------------------------------------------------------------- 招聘

ROUND_FIELDS = (
    "year",
    "kind",
    "title",
    "announced_on",
    "written_exam_on",
    "interview_on",
    "written_pass_line",
    "applicant_count",
    "notes",
)


def _check_round(fields: dict[str, Any]) -> None:
    """Every problem of a round's own fields at once, by field."""
    errors: dict[str, str] = {}
    if not str(fields.get("title") or "").strip():
        errors["title"] = "请填写招聘名称。"
    year = fields.get("year")
    if not year or not 2000 <= year <= 2100:
        errors["year"] = "年度应为2000至2100之间的年份。"
    announced = fields.get("announced_on")
    for name, label in (("written_exam_on", "笔试日期"), ("interview_on", "面试日期")):
        if announced and fields.get(name) and fields[name] < announced:
            errors[name] = f"{label}不能早于公告日期（{day_label(announced)}）。"
    exam, interview = fields.get("written_exam_on"), fields.get("interview_on")
    if exam and interview and interview < exam:
        errors["interview_on"] = "面试日期不能早于笔试日期。"
    line = fields.get("written_pass_line")
    if line is not None and not 0 <= line <= 100:
        errors["written_pass_line"] = "笔试合格分数线应在0至100之间。"
    if fields.get("applicant_count") is not None and fields["applicant_count"] < 0:
        errors["applicant_count"] = "报名人数不能为负数。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def recruitment_round_create(
    *,
    actor: User,
    city: Region,
    year: int,
    title: str,
    positions: dict[Region, int],
    kind: str = Kind.WORKER,
    announced_on: date | None = None,
    written_exam_on: date | None = None,
    interview_on: date | None = None,
    written_pass_line: Decimal | None = None,
    applicant_count: int | None = None,
    notes: str = "",
) -> RecruitmentRound:
    """A city's recruitment round with its positions per county (the city itself for 市本级 posts)."""
    if city.level != Level.CITY:
        raise ValidationError({"city": "招聘由市民政局组织，请选择一个市。"})
    if not has_perm(actor, "recruitment.manage", city):
        raise ValidationError({"city": f"您不能为{city.name}登记招聘（由省、市民政部门组织）。"})
    fields = {
        "year": year,
        "kind": kind,
        "title": title.strip(),
        "announced_on": announced_on,
        "written_exam_on": written_exam_on,
        "interview_on": interview_on,
        "written_pass_line": written_pass_line,
        "applicant_count": applicant_count,
        "notes": notes.strip(),
    }
    _check_round(fields)
    round_ = RecruitmentRound(city=city, region_code=city.code, created_by=actor, **fields)
    round_.full_clean()
    round_.save()
    _set_positions(round_, positions)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=round_,
        changes={"招聘名额": [None, _positions_text(round_)]},
    )
    return round_


@transaction.atomic
def recruitment_round_update(
    *, actor: User, round_: RecruitmentRound, version: int, **changes: Any
) -> RecruitmentRound:
    unknown = set(changes) - set(ROUND_FIELDS)
    if unknown:
        raise TypeError(f"recruitment_round_update cannot change {sorted(unknown)}")
    if not has_perm(actor, "recruitment.manage", round_.city):
        raise ValidationError("您不能修改该招聘（由省、市民政部门组织）。")
    if "title" in changes:
        changes["title"] = changes["title"].strip()
    if "notes" in changes:
        changes["notes"] = changes["notes"].strip()
    _check_round({name: getattr(round_, name) for name in ROUND_FIELDS} | changes)
    if (
        "kind" in changes
        and changes["kind"] != round_.kind
        and round_.applicants.filter(hired_staff__isnull=False).exists()
    ):
        raise ValidationError({"kind": "已有录用人员，不能更改招聘类别。"})
    line = changes.get("written_pass_line", round_.written_pass_line)
    below = round_.applicants.filter(hired_staff__isnull=False)
    if line is not None and below.filter(Q(written_score__lt=line) | Q(written_score__isnull=True)).exists():
        raise ValidationError({"written_pass_line": "已有笔试成绩低于该分数线的录用人员，不能改为此分数线。"})
    return update_versioned(round_, actor=actor, expected_version=version, changes=changes)


def _positions_text(round_: RecruitmentRound) -> str:
    rows = round_.positions.select_related("county").order_by("region_code")
    return "、".join(
        f"{'市本级' if row.county.code == round_.region_code else row.county.name}{row.positions}人"
        for row in rows
    )


def _set_positions(round_: RecruitmentRound, positions: dict[Region, int]) -> None:
    errors = []
    wanted = {region: count for region, count in positions.items() if count}
    if not wanted:
        raise ValidationError({"positions": "请至少填写一个县（市、区）的招聘名额。"})
    for region, count in wanted.items():
        label = "市本级" if region.code == round_.region_code else region.name
        if region.code != round_.region_code and (
            region.level != Level.COUNTY or region.parent_id != round_.city_id
        ):
            errors.append(f"{label}不是{round_.city.name}的县（市、区）。")
        elif count < 0:
            errors.append(f"{label}的招聘名额不能为负数。")
    current = {row.county_id: row for row in round_.positions.select_related("county")}
    hired = dict(
        round_.applicants.filter(hired_staff__isnull=False)
        .order_by()
        .values("county_id")
        .annotate(n=Count("id"))
        .values_list("county_id", "n")
    )
    applied = dict(
        round_.applicants.order_by().values("county_id").annotate(n=Count("id")).values_list("county_id", "n")
    )
    wanted_ids = {region.pk: count for region, count in wanted.items()}
    for county_id, row in current.items():
        label = "市本级" if row.county.code == round_.region_code else row.county.name
        if county_id not in wanted_ids and applied.get(county_id):
            errors.append(f"{label}已有{applied[county_id]}名报名人员，不能取消该县（市、区）的招聘名额。")
        elif wanted_ids.get(county_id, 0) < hired.get(county_id, 0):
            errors.append(f"{label}已录用{hired[county_id]}人，招聘名额不能少于{hired[county_id]}。")
    if errors:
        raise ValidationError({"positions": errors})
    for county_id, row in current.items():
        if county_id not in wanted_ids:
            row.delete()
    for region, count in wanted.items():
        row = current.get(region.pk)
        if row is None:
            row = RoundPosition(round=round_, county=region, region_code=region.code, positions=count)
            row.full_clean()
            row.save()
        elif row.positions != count:
            row.positions = count
            row.save(update_fields=["positions"])


@transaction.atomic
def recruitment_positions_set(
    *, actor: User, round_: RecruitmentRound, positions: dict[Region, int]
) -> RecruitmentRound:
    """Positions per county (0 or absent: none there); a county keeps at least as many as it has hired."""
    if not has_perm(actor, "recruitment.manage", round_.city):
        raise ValidationError("您不能修改该招聘（由省、市民政部门组织）。")
    round_ = RecruitmentRound.objects.held(round_).select_for_update().select_related("city").get()
    before = _positions_text(round_)
    _set_positions(round_, positions)
    after = _positions_text(round_)
    if after != before:
        audit_record(
            actor=actor, action=AuditAction.CHANGE, obj=round_, changes={"招聘名额": [before, after]}
        )
    return round_


def _position_counties(round_: RecruitmentRound) -> dict[str, Region]:
    """What a row may write for 报考县（市、区）: the position rows' names and codes; 市本级 (and the city's name)
    for the city's own posts."""
    names: dict[str, Region] = {}
    for row in round_.positions.select_related("county"):
        region = row.county
        if region.code == round_.region_code:
            names["市本级"] = region
        names[region.name] = region
        names[region.code] = region
    return names


def _score_text(score: Decimal) -> str:
    """60.00 as 60, 85.50 as 85.5."""
    return format(score.normalize(), "f")


def _check_score(errors: dict[str, str], name: str, label: str, value: Decimal | None) -> None:
    if value is not None and not 0 <= value <= 100:
        errors[name] = f"{label}应在0至100之间。"


@transaction.atomic
def applicant_add(
    *,
    actor: User,
    round_: RecruitmentRound,
    name: str,
    gender: str,
    county: Region,
    phone: str = "",
    written_score: Decimal | None = None,
    interview_score: Decimal | None = None,
) -> Applicant:
    if not has_perm(actor, "recruitment.manage", round_.city):
        raise ValidationError("您不能为该招聘登记报名人员（由省、市民政部门组织）。")
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "请填写姓名。"
    if county not in _position_counties(round_).values():
        errors["county"] = f"{county.name}在本次招聘中没有招聘名额。"
    _check_score(errors, "written_score", "笔试成绩", written_score)
    _check_score(errors, "interview_score", "面试成绩", interview_score)
    if errors:
        raise ValidationError(errors)
    applicant = Applicant(
        round=round_,
        name=name.strip(),
        gender=gender,
        phone=phone.strip(),
        county=county,
        region_code=county.code,
        written_score=written_score,
        interview_score=interview_score,
    )
    applicant.full_clean()
    applicant.save()
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=applicant, changes={"招聘": [None, round_.title]}
    )
    return applicant


@transaction.atomic
def applicants_import(*, actor: User, round_: RecruitmentRound, data: bytes, filename: str) -> int:
    """Add an applicant list from an .xlsx or .csv file (姓名, 性别, 手机号码, 报考县（市、区）, 笔试成绩, 面试成绩):
    all rows or none. A ValidationError lists every problem as "第N行 列名：what"; how many were added else."""
    from .recruitment_import import MAX_ERRORS_SHOWN, ImportFileError, read_applicants

    if not has_perm(actor, "recruitment.manage", round_.city):
        raise ValidationError("您不能为该招聘导入报名名单（由省、市民政部门组织）。")
    try:
        rows, errors = read_applicants(data, _position_counties(round_))
    except ImportFileError as error:
        raise ValidationError(f"{filename}：{error}") from None
    # The same person twice (same name and phone), in the file or already on the list.
    existing = {
        (name, phone) for name, phone in round_.applicants.exclude(phone="").values_list("name", "phone")
    }
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        if not (row.name and row.phone):
            continue
        key = (row.name, row.phone)
        if key in existing:
            errors.append(f"第{row.line}行 姓名：{row.name}（{row.phone[-4:]}尾号）已在报名名单中")
        elif key in seen:
            errors.append(f"第{row.line}行 姓名：与第{seen[key]}行重复（姓名和手机号码相同）")
        else:
            seen[key] = row.line
    if errors:
        errors.sort(key=lambda text: int(text[1 : text.index("行")]))
        shown = errors[:MAX_ERRORS_SHOWN]
        if len(errors) > MAX_ERRORS_SHOWN:
            shown.append(f"另有{len(errors) - MAX_ERRORS_SHOWN}处错误未列出。")
        raise ValidationError(shown, code="import")
    applicants = [
        Applicant(
            round=round_,
            name=row.name,
            gender=row.gender,
            phone=row.phone,
            county=row.county,
            region_code=row.county.code,
            written_score=row.written_score,
            interview_score=row.interview_score,
        )
        for row in rows
    ]
    Applicant.objects.bulk_create(applicants, batch_size=1000)
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=round_,
        changes={"导入报名名单": [None, f"{filename}，{len(applicants)}人"]},
    )
    return len(applicants)


APPLICANT_FIELDS = ("name", "gender", "phone", "written_score", "interview_score", "withdrawn")


@transaction.atomic
def applicant_scores_record(
    *,
    actor: User,
    applicant: Applicant,
    version: int,
    written_score: Decimal | None,
    interview_score: Decimal | None,
    **changes: Any,
) -> Applicant:
    """Record an applicant's scores (and correct their name, gender, phone, or mark them 放弃)."""
    unknown = set(changes) - set(APPLICANT_FIELDS)
    if unknown:
        raise TypeError(f"applicant_scores_record cannot change {sorted(unknown)}")
    round_ = applicant.round
    if not has_perm(actor, "recruitment.manage", round_.city):
        raise ValidationError("您不能修改该报名人员的成绩（由省、市民政部门组织）。")
    errors: dict[str, str] = {}
    _check_score(errors, "written_score", "笔试成绩", written_score)
    _check_score(errors, "interview_score", "面试成绩", interview_score)
    if applicant.hired_staff_id:
        line = round_.written_pass_line
        if line is not None and (written_score is None or written_score < line):
            errors["written_score"] = f"该人员已录用，笔试成绩不能低于合格分数线（{_score_text(line)}分）。"
        if changes.get("withdrawn"):
            errors["withdrawn"] = "该人员已录用，不能标记为放弃。"
    if "name" in changes and not changes["name"].strip():
        errors["name"] = "请填写姓名。"
    if errors:
        raise ValidationError(errors)
    changes = changes | {"written_score": written_score, "interview_score": interview_score}
    return update_versioned(
        applicant, actor=actor, expected_version=version, changes=changes, redact=_applicant_redact
    )


def _applicant_redact(diff: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """A phone number is not kept in the audit log in clear."""
    if "phone" in diff:
        diff["phone"] = ["（已修改）", "（已修改）"]
    return diff


@transaction.atomic
def applicant_hire(
    *,
    actor: User,
    applicant: Applicant,
    hired_on: date,
    station: Station | None = None,
    point: Point | None = None,
    position: str = Position.WORKER,
    qualification: str = "none",
) -> Staff:
    """Hire an applicant: a worker round places them at a station of the county they applied for, a supervisor
    round makes them a supervisor of that county (or the city, 市本级). The staff record is made by
    `staff_create`, as for anyone else, and linked to the applicant."""
    applicant = (
        Applicant.objects.held(applicant)
        .select_for_update(of=("self",))
        .select_related("round", "round__city", "county")
        .get()
    )
    round_ = applicant.round
    if not has_perm(actor, "recruitment.hire", applicant):
        raise ValidationError("您不能录用该报名人员（不在您的管辖范围内）。")
    if applicant.hired_staff_id:
        raise ValidationError(f"{applicant.name}已录用。")
    if applicant.withdrawn:
        raise ValidationError(f"{applicant.name}已放弃，不能录用。")
    label = "市本级" if applicant.county.code == round_.region_code else applicant.county.name
    line = round_.written_pass_line
    if line is not None and applicant.written_score is None:
        raise ValidationError(f"{applicant.name}没有笔试成绩，不能录用。")
    if line is not None and applicant.written_score < line:
        raise ValidationError(
            f"{applicant.name}的笔试成绩（{_score_text(applicant.written_score)}分）低于合格分数线（{_score_text(line)}分），不能录用。"
        )
    if round_.interview_on is not None and applicant.interview_score is None:
        raise ValidationError(f"{applicant.name}没有面试成绩，不能录用。")
    # One hire at a time per county row, so two people cannot both take its last post.
    row = round_.positions.select_for_update().filter(county=applicant.county).first()
    if row is None:
        raise ValidationError(f"{label}在本次招聘中没有招聘名额。")
    hired = round_.applicants.filter(county=applicant.county, hired_staff__isnull=False).count()
    if hired >= row.positions:
        raise ValidationError(f"{label}的招聘名额（{row.positions}人）已录满，不能再录用。")
    if round_.kind == Kind.WORKER:
        if station is None:
            raise ValidationError({"station": "请选择社工站。"})
        if not station.region_code.startswith(applicant.county.prefix):
            raise ValidationError(
                {"station": f"{station.name}不在{applicant.name}报考的{label}，只能录用到{label}的社工站。"}
            )
        if not in_scope(actor, station):
            raise ValidationError({"station": f"{station.name}不在您的管辖范围内。"})
        staff = staff_create(
            actor=actor,
            name=applicant.name,
            gender=applicant.gender,
            phone=applicant.phone,
            qualification=qualification,
            hired_on=hired_on,
            station=station,
            point=point,
            position=position,
        )
    else:
        staff = staff_create(
            actor=actor,
            name=applicant.name,
            gender=applicant.gender,
            phone=applicant.phone,
            qualification=qualification,
            hired_on=hired_on,
            kind=Kind.SUPERVISOR,
            region=applicant.county,
        )
    update_versioned(
        applicant,
        actor=actor,
        expected_version=applicant.version,
        changes={"hired_staff": staff},
        action=AuditAction.CHANGE,
    )
    return staff
