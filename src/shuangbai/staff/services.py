"""Operations on social workers and supervisors. A move closes the open assignment and opens a new one,
so the history of where someone worked is kept, never overwritten."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from shuangbai.core.audit import audit_record
from shuangbai.core.models import AuditAction, User
from shuangbai.core.versioning import update_versioned
from shuangbai.regions.models import Region
from shuangbai.stations.models import Point, Station

from .models import Assignment, Kind, Position, Staff, StaffStatus

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
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"staff_update cannot change {sorted(unknown)}")
    return update_versioned(staff, actor=actor, expected_version=version, changes=changes)


def _close_open_assignments(staff: Staff, last_day: date) -> None:
    for assignment in staff.assignments.open().select_for_update():
        if last_day < assignment.started_on:
            raise ValidationError(
                {"on_date": f"日期不能早于当前岗位的起始日期（{assignment.started_on:%Y年%-m月%-d日}）。"}
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
