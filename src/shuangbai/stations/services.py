"""Operations that change stations and points. Each is atomic, validates with full_clean and audits."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from shuangbai.core.audit import audit_record
from shuangbai.core.models import AuditAction, User
from shuangbai.core.versioning import update_versioned
from shuangbai.regions.models import Level, Region

from .models import Point, SiteStatus, Station

SITE_FIELDS = ("name", "address", "phone", "opened_on", "status")


@transaction.atomic
def station_create(
    *,
    actor: User,
    town: Region,
    name: str = "",
    address: str = "",
    phone: str = "",
    opened_on: date | None = None,
    status: str = SiteStatus.PLANNED,
) -> Station:
    if town.level != Level.TOWN:
        raise ValidationError(
            {"town": f"社工站只能设在镇（街），“{town.name}”是{town.get_level_display()}。"}
        )
    if Station.objects.active().filter(town=town).exists():
        raise ValidationError({"town": f"{town.name}已有社工站，一个镇（街）只设一个社工站。"})
    station = Station(
        town=town,
        region_code=town.code,
        name=name or f"{town.name}社工站",
        address=address,
        phone=phone,
        opened_on=opened_on,
        status=status,
    )
    station.full_clean()
    station.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=station)
    return station


@transaction.atomic
def station_update(*, actor: User, station: Station, version: int, **changes: Any) -> Station:
    unknown = set(changes) - set(SITE_FIELDS)
    if unknown:
        raise TypeError(f"station_update cannot change {sorted(unknown)}")
    return update_versioned(station, actor=actor, expected_version=version, changes=changes)


@transaction.atomic
def station_retire(*, actor: User, station: Station, version: int, on_date: date, reason: str) -> Station:
    if not reason.strip():
        raise ValidationError({"retired_reason": "请填写撤销原因。"})
    if station.points.active().exists():
        raise ValidationError("该站下仍有未撤销的社工点，请先撤销或转移社工点。")
    if station.staff.in_post().exists():
        raise ValidationError("该站仍有在岗人员，请先调动或办理离职。")
    return update_versioned(
        station,
        actor=actor,
        expected_version=version,
        changes={"retired_on": on_date, "retired_reason": reason.strip()},
        action=AuditAction.RETIRE,
    )


def _check_village(station: Station, village: Region | None) -> None:
    if village is None:
        return
    if village.level != Level.VILLAGE or not village.code.startswith(station.region_code[:9]):
        raise ValidationError({"village": f"“{village.name}”不是{station.town.name}的村（居）。"})


@transaction.atomic
def point_create(
    *,
    actor: User,
    station: Station,
    name: str,
    village: Region | None = None,
    address: str = "",
    phone: str = "",
    opened_on: date | None = None,
    status: str = SiteStatus.PLANNED,
) -> Point:
    if station.is_retired:
        raise ValidationError("社工站已撤销，不能新增社工点。")
    _check_village(station, village)
    point = Point(
        station=station,
        village=village,
        region_code=village.code if village else station.region_code,
        name=name,
        address=address,
        phone=phone,
        opened_on=opened_on,
        status=status,
    )
    point.full_clean()
    point.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=point)
    return point


@transaction.atomic
def point_update(
    *, actor: User, point: Point, version: int, village: Region | None = None, **changes: Any
) -> Point:
    unknown = set(changes) - set(SITE_FIELDS)
    if unknown:
        raise TypeError(f"point_update cannot change {sorted(unknown)}")
    _check_village(point.station, village)
    changes["village"] = village
    changes["region_code"] = village.code if village else point.station.region_code
    return update_versioned(point, actor=actor, expected_version=version, changes=changes)


@transaction.atomic
def point_retire(*, actor: User, point: Point, version: int, on_date: date, reason: str) -> Point:
    if not reason.strip():
        raise ValidationError({"retired_reason": "请填写撤销原因。"})
    if point.staff.in_post().exists():
        raise ValidationError("该点仍有在岗人员，请先调动。")
    return update_versioned(
        point,
        actor=actor,
        expected_version=version,
        changes={"retired_on": on_date, "retired_reason": reason.strip()},
        action=AuditAction.RETIRE,
    )
