"""Operations that change stations and points. Each is atomic, validates with full_clean and audits."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from shuangbai.core.audit import audit_record
from shuangbai.core.dates import day_label
from shuangbai.core.models import AuditAction, User
from shuangbai.core.permissions import require
from shuangbai.core.versioning import update_versioned
from shuangbai.regions.models import Level, Region

from .models import EquipmentItem, EquipmentRecord, Point, ProgressReport, SiteStatus, Station

SITE_FIELDS = (
    "name",
    "address",
    "phone",
    "opened_on",
    "status",
    "planned_year",
    "built_on",
    "office_secured_on",
)


def _check_construction_dates(built_on: date | None, office_secured_on: date | None) -> None:
    today = timezone.localdate()
    errors = {}
    if built_on and built_on > today:
        errors["built_on"] = "建成日期不能晚于今天；尚未建成请留空。"
    if office_secured_on and office_secured_on > today:
        errors["office_secured_on"] = "落实办公场所日期不能晚于今天；尚未落实请留空。"
    if errors:
        raise ValidationError(errors)


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
    planned_year: int | None = None,
    built_on: date | None = None,
    office_secured_on: date | None = None,
) -> Station:
    require(actor, "station.manage", town)
    if town.level != Level.TOWN:
        raise ValidationError(
            {"town": f"社工站只能设在镇（街），“{town.name}”是{town.get_level_display()}。"}
        )
    if Station.objects.unscoped("one station per town").active().filter(town=town).exists():
        raise ValidationError({"town": f"{town.name}已有社工站，一个镇（街）只设一个社工站。"})
    station = Station(
        town=town,
        region_code=town.code,
        name=name or f"{town.name}社工站",
        address=address,
        phone=phone,
        opened_on=opened_on,
        status=status,
        planned_year=planned_year,
        built_on=built_on,
        office_secured_on=office_secured_on,
    )
    _check_construction_dates(built_on, office_secured_on)
    station.full_clean()
    station.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=station)
    return station


@transaction.atomic
def station_update(*, actor: User, station: Station, version: int, **changes: Any) -> Station:
    require(actor, "station.manage", station)
    unknown = set(changes) - set(SITE_FIELDS)
    if unknown:
        raise TypeError(f"station_update cannot change {sorted(unknown)}")
    _check_construction_dates(changes.get("built_on"), changes.get("office_secured_on"))
    return update_versioned(station, actor=actor, expected_version=version, changes=changes)


@transaction.atomic
def station_retire(*, actor: User, station: Station, version: int, on_date: date, reason: str) -> Station:
    require(actor, "station.manage", station)
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
    planned_year: int | None = None,
    built_on: date | None = None,
    office_secured_on: date | None = None,
    population: int | None = None,
) -> Point:
    require(actor, "station.manage", station)
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
        planned_year=planned_year,
        built_on=built_on,
        office_secured_on=office_secured_on,
        population=population,
    )
    _check_construction_dates(built_on, office_secured_on)
    point.full_clean()
    point.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=point)
    return point


UNCHANGED = object()  # point_update's village when the caller does not pass one: the point keeps its own


@transaction.atomic
def point_update(
    *, actor: User, point: Point, version: int, village: Region | None = UNCHANGED, **changes: Any
) -> Point:
    """Change a point's fields; `village=None` detaches it from its village, leaving it out keeps the village."""
    require(actor, "station.manage", point)
    unknown = set(changes) - {*SITE_FIELDS, "population"}
    if unknown:
        raise TypeError(f"point_update cannot change {sorted(unknown)}")
    _check_construction_dates(changes.get("built_on"), changes.get("office_secured_on"))
    if village is not UNCHANGED:
        _check_village(point.station, village)
        changes["village"] = village
        changes["region_code"] = village.code if village else point.station.region_code
    return update_versioned(point, actor=actor, expected_version=version, changes=changes)


@transaction.atomic
def point_retire(*, actor: User, point: Point, version: int, on_date: date, reason: str) -> Point:
    require(actor, "station.manage", point)
    if not reason.strip():
        raise ValidationError({"retired_reason": "请填写撤销原因。"})
    if point.staff.in_post().exists():
        raise ValidationError("该点仍有在岗人员，请先调动。")
    if point.assignments.open().filter(is_cover=True).exists():
        raise ValidationError("仍有社工兼任该点，请先结束兼任。")
    return update_versioned(
        point,
        actor=actor,
        expected_version=version,
        changes={"retired_on": on_date, "retired_reason": reason.strip()},
        action=AuditAction.RETIRE,
    )


# ------------------------------------------------------------------------------------------ construction


def _check_effective_on(effective_on: date) -> None:
    if effective_on > timezone.localdate():
        raise ValidationError({"effective_on": "生效日期不能晚于今天。"})


@transaction.atomic
def equipment_record(
    *, actor: User, station: Station, point: Point | None = None, items: list[str], effective_on: date
) -> EquipmentRecord:
    """The site's checklist from `effective_on` on: appended, so earlier dates keep what held then."""
    require(actor, "equipment.record", station)
    if point is not None and point.station_id != station.pk:
        raise ValidationError({"point": f"“{point.name}”不属于{station.name}。"})
    unknown = sorted(set(items) - set(EquipmentItem.values))
    if unknown:
        raise ValidationError({"items": f"没有这些设备设施项目：{'、'.join(unknown)}。"})
    _check_effective_on(effective_on)
    site = point or station
    if site.is_retired and site.retired_on <= effective_on:
        raise ValidationError(f"{site.name}已于{day_label(site.retired_on)}撤销。")
    present = [item for item in EquipmentItem.values if item in set(items)]
    record = EquipmentRecord(
        station=station,
        point=point,
        items=present,
        missing=len(EquipmentItem.values) - len(present),
        effective_on=effective_on,
        region_code=site.region_code,
        recorded_by=actor,
    )
    record.full_clean()
    record.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=record,
        changes={"site": site.name, "items": present, "effective_on": effective_on.isoformat()},
    )
    return record


PROGRESS_FIELDS = (
    "plan_issued",
    "plan_issued_on",
    "plan_document",
    "coordination",
    "management",
    "funding_requested",
    "funding_approved",
    "funding_amount",
    "funding_note",
)


@transaction.atomic
def progress_report_record(
    *, actor: User, region: Region, effective_on: date, **fields: Any
) -> ProgressReport:
    """What a county (or the city level) has in place from `effective_on`: appended, the history is kept."""
    require(actor, "progress.report", region)
    unknown = set(fields) - set(PROGRESS_FIELDS)
    if unknown:
        raise TypeError(f"progress_report_record cannot set {sorted(unknown)}")
    if region.level not in (Level.COUNTY, Level.CITY):
        raise ValidationError({"region": f"建设推进情况按县（市、区）或市本级填报，“{region.name}”不是。"})
    _check_effective_on(effective_on)
    errors = {}
    if fields.get("plan_issued") and fields.get("plan_issued_on") and fields["plan_issued_on"] > effective_on:
        errors["plan_issued_on"] = "方案出台日期不能晚于生效日期。"
    if not fields.get("plan_issued") and (fields.get("plan_issued_on") or fields.get("plan_document")):
        errors["plan_issued"] = "填写了方案日期或文件，请勾选“已出台实施方案”。"
    if fields.get("funding_approved") and not fields.get("funding_requested"):
        errors["funding_approved"] = "经费已批复的，请同时勾选“已申请经费”。"
    amount = fields.get("funding_amount")
    if amount is not None and amount < 0:
        errors["funding_amount"] = "经费数额不能为负数。"
    if errors:
        raise ValidationError(errors)
    report = ProgressReport(
        region=region, region_code=region.code, effective_on=effective_on, recorded_by=actor
    )
    for name in PROGRESS_FIELDS:
        if name in fields and fields[name] is not None:
            setattr(report, name, fields[name])
    report.full_clean()
    report.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=report)
    return report
