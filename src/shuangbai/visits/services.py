"""Operations that change visits and the follow-up schedule. Each is atomic, validates and audits.

Health and mental-state observations are sensitive: the audit log records that they changed, never their text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, DateField, Max, Min, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from shuangbai.core.audit import audit_record, field_changes
from shuangbai.core.dates import day_label
from shuangbai.core.models import AuditAction, Role, User
from shuangbai.core.permissions import in_scope, require
from shuangbai.core.scoping import unscoped
from shuangbai.core.versioning import STALE_MESSAGE
from shuangbai.regions.models import Level, Region
from shuangbai.registry.models import Beneficiary, Household
from shuangbai.registry.services import beneficiary_change_levels
from shuangbai.staff.models import Staff

from . import photos as photo_store
from .models import (
    DEFAULT_LEVELS,
    HOME_KINDS,
    MAX_INTERVAL_DAYS,
    FollowUp,
    FollowUpLevel,
    Hazard,
    Need,
    Visit,
    VisitKind,
    VisitMonth,
    VisitPerson,
    VisitPhoto,
    VisitRevision,
    VisitWorker,
)

LATE_AFTER_DAYS = 30  # a visit dated further back than this is a late entry and needs a reason
AUTHOR_EDIT_DAYS = 7  # the author corrects a visit within this many days; afterwards only the station head
TOKEN_REASON = "a client token names one visit, whoever finds it"
CLOCK_SKEW = timedelta(minutes=10)  # a phone's clock a little ahead of the server's is not "the future"

# What an amendment may change; the level change made at the visit is not among them (it has taken effect).
AMENDABLE_FIELDS = (
    "visited_at",
    "kind",
    "met_others",
    "health",
    "living",
    "mental_state",
    "mental_notes",
    "hazards",
    "hazard_notes",
    "needs",
    "actions",
    "notes",
    "late_reason",
)
SENSITIVE_FIELDS = {
    "health": "（身体状况已修改）",
    "mental_notes": "（精神状态说明已修改）",
    "living": "（生活状况已修改）",
    "actions": "（跟进措施已修改）",
    "notes": "（备注已修改）",
}


def _check_when(visited_at: datetime, late_reason: str) -> None:
    now = timezone.now()
    if visited_at > now + CLOCK_SKEW or timezone.localdate(visited_at) > timezone.localdate(now):
        raise ValidationError({"visited_at": "走访时间不能晚于现在。"})
    if (
        timezone.localdate(visited_at) < timezone.localdate(now) - timedelta(days=LATE_AFTER_DAYS)
        and not (late_reason or "").strip()
    ):
        raise ValidationError(
            {"late_reason": f"走访日期早于{LATE_AFTER_DAYS}天前，属于补录，请填写补录原因。"}
        )


def _check_codes(hazards: Iterable[str], needs: Iterable[str]) -> tuple[list[str], list[str]]:
    hazards, needs = list(dict.fromkeys(hazards)), list(dict.fromkeys(needs))
    bad = [code for code in hazards if code not in Hazard.values]
    if bad:
        raise ValidationError({"hazards": f"未知的安全隐患类型：{'、'.join(bad)}。"})
    bad = [code for code in needs if code not in Need.values]
    if bad:
        raise ValidationError({"needs": f"未知的需求类型：{'、'.join(bad)}。"})
    return hazards, needs


def _check_workers(
    household: Household, workers: Sequence[Staff], *, already: Iterable[int] = ()
) -> list[Staff]:
    """The station's staff in post; on an amendment, also those already named (who may have left since)."""
    workers, already = list(dict.fromkeys(workers)), set(already)
    if not workers:
        raise ValidationError({"workers": "请至少选择一名走访社工。"})
    outside = [
        w.name
        for w in workers
        if w.pk not in already and (w.station_id != household.station_id or w.status != "in_post")
    ]
    if outside:
        raise ValidationError({"workers": f"{'、'.join(outside)}不是本站在岗人员。"})
    return workers


def _check_met(household: Household, met: Iterable[Beneficiary]) -> list[Beneficiary]:
    met = list(dict.fromkeys(met))
    strangers = [
        person.name for person in met if person.household_id != household.pk or person.merged_into_id
    ]
    if strangers:
        raise ValidationError({"met": f"{'、'.join(strangers)}不是该户成员。"})
    return met


@transaction.atomic
def visit_record(
    *,
    actor: User,
    household: Household,
    visited_at: datetime,
    workers: Sequence[Staff],
    kind: str = VisitKind.HOME,
    met: Iterable[Beneficiary] = (),
    hazards: Iterable[str] = (),
    needs: Iterable[str] = (),
    photos: Sequence[Any] = (),
    changed_person: Beneficiary | None = None,
    risk_after: str = "",
    level_after: int | None = None,
    change_reason: str = "",
    client_token: str | None = None,
    **details: Any,
) -> Visit:
    """Record a visit to a household. Repeating a save with the same `client_token` (the answer to the first
    was lost on the way) returns the visit already made instead of a second one."""
    require(actor, "visit.record", household)
    # one writer per household at a time: its summaries are recomputed from its visits below
    Household.objects.held(household).select_for_update().exists()
    if client_token:
        earlier = Visit.objects.unscoped(TOKEN_REASON).filter(client_token=client_token).first()
        if earlier is not None:
            if earlier.recorded_by_id != actor.pk:
                raise PermissionDenied
            return earlier
    unknown = set(details) - {
        "met_others", "health", "living", "mental_state", "mental_notes", "hazard_notes", "actions", "notes",
        "late_reason", "latitude", "longitude", "location_accuracy",
    }  # fmt: skip
    if unknown:
        raise TypeError(f"visit_record does not take {sorted(unknown)}")
    _check_when(visited_at, details.get("late_reason", ""))
    if (details.get("latitude") is None) != (details.get("longitude") is None):
        raise ValidationError("定位信息不完整（只有经度或纬度），请重新获取位置，或不记录位置。")
    if not household.members.active().exists():
        raise ValidationError("该户已没有在册的服务对象，无需走访。")
    workers = _check_workers(household, workers)
    met = _check_met(household, met)
    hazards, needs = _check_codes(hazards, needs)
    if len(photos) > photo_store.MAX_PHOTOS:
        raise ValidationError({"photos": f"每次走访最多上传 {photo_store.MAX_PHOTOS} 张照片。"})
    try:
        cleaned = [
            photo_store.clean_photo(upload, label=f"第{i}张照片") for i, upload in enumerate(photos, 1)
        ]
    except ValidationError as error:
        raise ValidationError({"photos": error.messages}) from None

    visit = Visit(
        household=household,
        station_id=household.station_id,
        point_id=household.point_id,
        region_code=household.region_code,
        visited_at=visited_at,
        visited_on=timezone.localdate(visited_at),
        kind=kind,
        is_home=kind in HOME_KINDS,
        hazards=hazards,
        needs=needs,
        recorded_by=actor,
        client_token=client_token or None,
        **details,
    )
    if changed_person is None and (risk_after or level_after):
        raise ValidationError({"changed_person": "调整风险等级或跟进级别时，请选择调整的对象。"})
    if changed_person is not None and (risk_after or level_after):
        if (
            changed_person.household_id != household.pk
            or changed_person.status != "active"
            or changed_person.merged_into_id
        ):
            raise ValidationError({"changed_person": f"{changed_person.name}不是该户在册成员。"})
        if not change_reason.strip():
            raise ValidationError({"change_reason": "调整风险等级或跟进级别时，请填写调整原因。"})
        visit.changed_person = changed_person
        visit.risk_before, visit.level_before = changed_person.risk_level, changed_person.follow_up_level
        visit.risk_after, visit.level_after = risk_after, level_after
        visit.change_reason = change_reason.strip()
    # client_token is left to the unique constraint: a repeat racing the first save is answered below
    visit.full_clean(
        exclude=["household", "station", "point", "recorded_by", "changed_person", "client_token"]
    )
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError:
        # The same form saved twice at once: the other save won; answer with its visit.
        earlier = (
            Visit.objects.unscoped(TOKEN_REASON).filter(client_token=client_token).first()
            if client_token
            else None
        )
        if earlier is None or earlier.recorded_by_id != actor.pk:
            raise
        return earlier
    VisitWorker.objects.bulk_create([VisitWorker(visit=visit, staff=w) for w in workers])
    VisitPerson.objects.bulk_create([VisitPerson(visit=visit, beneficiary=p) for p in met])
    county = household.region_code[:6]
    for photo in cleaned:
        VisitPhoto.objects.create(
            visit=visit,
            path=photo_store.store(photo, county),
            width=photo.width,
            height=photo.height,
            size=len(photo.data),
        )
    if visit.changed_person_id:
        beneficiary_change_levels(
            actor=actor,
            beneficiary=changed_person,
            reason=f"{day_label(visit.visited_on)}走访：{visit.change_reason}",
            risk_level=risk_after or None,
            follow_up_level=level_after,
        )
    follow_up_refresh(household, months=[visit.visited_on])  # the month summary counts every kind
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=visit,
        changes={"走访": [None, f"{household} {visit.visited_on.isoformat()} {visit.get_kind_display()}"]},
    )
    return visit


def visit_author_rule(user: User, visit: Visit) -> bool:
    """The rule of `visit.amend` (core.permissions.VISIT_AUTHOR): the author within AUTHOR_EDIT_DAYS of recording
    it; the head of the visit's station at any time."""
    if not in_scope(user, visit):
        return False
    if user.role == Role.STATION_HEAD:
        return True
    recorded_on = timezone.localdate(visit.created_at)
    return visit.recorded_by_id == user.pk and timezone.localdate() - recorded_on <= timedelta(
        days=AUTHOR_EDIT_DAYS
    )


def _snapshot(visit: Visit) -> str:
    data = {name: getattr(visit, name) for name in AMENDABLE_FIELDS}
    data["visited_at"] = timezone.localtime(visit.visited_at).strftime("%Y-%m-%d %H:%M")
    data["workers"] = sorted(visit.workers.values_list("name", flat=True))
    data["met"] = sorted(visit.met.values_list("name", flat=True))
    return json.dumps(data, ensure_ascii=False)


@transaction.atomic
def visit_amend(
    *,
    actor: User,
    visit: Visit,
    version: int,
    reason: str,
    workers: Sequence[Staff] | None = None,
    met: Iterable[Beneficiary] | None = None,
    **changes: Any,
) -> Visit:
    """Correct a visit. The version before is kept (encrypted) as a revision; a stale version is refused."""
    require(actor, "visit.amend", visit)
    unknown = set(changes) - set(AMENDABLE_FIELDS)
    if unknown:
        raise TypeError(f"visit_amend cannot change {sorted(unknown)}")
    if not reason.strip():
        raise ValidationError({"reason": "请填写修改原因。"})
    locked = Visit.objects.held(visit).select_for_update().filter(version=version).first()
    if locked is None:
        raise ValidationError(STALE_MESSAGE, code="stale")
    visit = locked
    household = visit.household
    Household.objects.held(household).select_for_update().exists()
    minute = lambda at: at.replace(second=0, microsecond=0)  # noqa: E731  (the form gives hours and minutes)
    if "visited_at" in changes and minute(changes["visited_at"]) == minute(visit.visited_at):
        del changes["visited_at"]
    new_date = "visited_at" in changes
    reason_dropped = (
        bool(visit.late_reason) and not (changes.get("late_reason", visit.late_reason) or "").strip()
    )
    if new_date or reason_dropped:
        # correcting the notes of a visit recorded on time long ago needs no 补录原因; a late entry keeps its own
        _check_when(
            changes.get("visited_at", visit.visited_at), changes.get("late_reason", visit.late_reason)
        )
    if "hazards" in changes or "needs" in changes:
        changes["hazards"], changes["needs"] = _check_codes(
            changes.get("hazards", visit.hazards), changes.get("needs", visit.needs)
        )
    VisitRevision.objects.create(
        visit=visit, version=visit.version, snapshot=_snapshot(visit), changed_by=actor, reason=reason.strip()
    )
    before = {name: getattr(visit, name) for name in changes}
    was_on = visit.visited_on
    for name, value in changes.items():
        setattr(visit, name, value)
    visit.visited_on = timezone.localdate(visit.visited_at)
    visit.is_home = visit.kind in HOME_KINDS
    visit.version = version + 1
    visit.full_clean(exclude=["household", "station", "point", "recorded_by", "changed_person"])
    visit.save()
    extra = {}
    if workers is not None:
        workers = _check_workers(household, workers, already=visit.workers.values_list("pk", flat=True))
        old = sorted(visit.workers.values_list("name", flat=True))
        visit.worker_links.all().delete()
        VisitWorker.objects.bulk_create([VisitWorker(visit=visit, staff=w) for w in workers])
        if old != sorted(w.name for w in workers):
            extra["走访社工"] = [old, sorted(w.name for w in workers)]
    if met is not None:
        met = _check_met(household, met)
        visit.person_links.all().delete()
        VisitPerson.objects.bulk_create([VisitPerson(visit=visit, beneficiary=p) for p in met])
    follow_up_refresh(household, months=[was_on, visit.visited_on])
    diff = field_changes(before, changes)
    for name, text in SENSITIVE_FIELDS.items():
        if name in diff:
            diff[name] = [None, text]
    audit_record(actor=actor, action=AuditAction.CHANGE, obj=visit, changes=diff | extra | {"原因": reason})
    return visit


# ------------------------------------------------------------------------------------------ follow-up summary


def _month_rows(visits: QuerySet[Visit]) -> QuerySet:
    """The visits summed per household and month, placed where the household is (a visit keeps the station
    it was made at; the summaries, like the due list, follow the household)."""
    return (
        visits.annotate(month=TruncMonth("visited_on", output_field=DateField()))
        .values("household_id", "month", "household__station_id", "household__region_code")
        .annotate(
            n=Count("id"),
            home=Count("id", filter=Q(is_home=True)),
            first_home=Min("visited_on", filter=Q(is_home=True)),
            last_home=Max("visited_on", filter=Q(is_home=True)),
        )
        .order_by()
    )


def follow_up_refresh(household: Household, *, months: Iterable[date] | None = None) -> None:
    """Bring one household's summaries (last home visit, visits per month) in line with its visits; called
    after every change to them, with the days whose months changed (all months when not given)."""
    last = household.visits.home().aggregate(last=Max("visited_on"))["last"]
    summary = FollowUp.objects.unscoped("a held household's own summary")
    if last is None:
        summary.filter(household=household).delete()
    else:
        summary.update_or_create(
            household=household,
            defaults={
                "station_id": household.station_id,
                "region_code": household.region_code,
                "last_home_visit_on": last,
            },
        )
    rows = VisitMonth.objects.unscoped("a held household's own summary").filter(household=household)
    visits = household.visits.all()
    if months is not None:
        firsts = sorted({day.replace(day=1) for day in months})
        rows = rows.filter(month__in=firsts)
        spans = Q()
        for first in firsts:
            spans |= Q(visited_on__gte=first, visited_on__lt=(first + timedelta(days=32)).replace(day=1))
        visits = visits.filter(spans)
    rows.delete()
    VisitMonth.objects.bulk_create(_visit_months(_month_rows(visits)))


def _visit_months(rows) -> list[VisitMonth]:
    return [
        VisitMonth(
            household_id=row["household_id"],
            month=row["month"],
            station_id=row["household__station_id"],
            region_code=row["household__region_code"],
            visits=row["n"],
            home_visits=row["home"],
            first_home_on=row["first_home"],
            last_home_on=row["last_home"],
        )
        for row in rows
    ]


@transaction.atomic
@unscoped("the summaries are rebuilt from every visit of the region")
def follow_up_rebuild(region_prefix: str = "") -> int:
    """Both summaries rebuilt from the visits, for a region or everything (after a bulk load). The month rows
    are written by one INSERT ... SELECT, so a province's year of visits never passes through Python.
    Returns the number of FollowUp rows."""
    visits = Visit.objects.all()
    summary = FollowUp.objects.all()
    months = VisitMonth.objects.all()
    if region_prefix:
        visits = visits.filter(household__region_code__startswith=region_prefix)
        summary = summary.filter(region_code__startswith=region_prefix)
        months = months.filter(region_code__startswith=region_prefix)
    summary.delete()
    months.delete()
    rows = (
        visits.filter(is_home=True)
        .values("household_id", "household__station_id", "household__region_code")
        .annotate(last=Max("visited_on"))
    )
    batch = [
        FollowUp(
            household_id=row["household_id"],
            station_id=row["household__station_id"],
            region_code=row["household__region_code"],
            last_home_visit_on=row["last"],
        )
        for row in rows.order_by()
    ]
    FollowUp.objects.bulk_create(batch, batch_size=2000)
    select, params = _month_rows(visits).query.sql_with_params()
    table = VisitMonth._meta.db_table
    columns = "household_id, month, station_id, region_code, visits, home_visits, first_home_on, last_home_on"
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {select}", params)
    return len(batch)


# ------------------------------------------------------------------------------------------------- schedule


@transaction.atomic
def schedule_update(
    *, actor: User, city_code: str, levels: dict[int, tuple[str, int]]
) -> list[FollowUpLevel]:
    """Set a city's four levels: {level: (name, interval in days)}. Takes effect at once for every due date."""
    city = Region.objects.filter(code=city_code, level=Level.CITY).first()
    if city is None:
        # rows kept under any other code would never be read by `selectors.schedule`
        raise ValidationError({"city_code": "请选择地级市：跟进级别按市设置。"})
    require(actor, "follow_up_level.edit", city)
    if set(levels) != set(DEFAULT_LEVELS):
        raise ValidationError("请为一至四级都设置名称和走访间隔。")
    for level, (_, days) in sorted(levels.items()):
        if not 1 <= days <= MAX_INTERVAL_DAYS:
            # said here: the model's check constraint would only name itself
            raise ValidationError({f"level_{level}": f"走访间隔应为 1 至 {MAX_INTERVAL_DAYS} 天。"})
    intervals = [levels[level][1] for level in sorted(levels)]
    if intervals != sorted(intervals):
        raise ValidationError("级别越高跟进越密：一级的走访间隔不能长于二级，依此类推。")
    saved = []
    for level, (name, days) in sorted(levels.items()):
        row = FollowUpLevel.objects.filter(city_code=city_code, level=level).first()
        row = row or FollowUpLevel(city_code=city_code, level=level)
        before = {"name": row.name, "interval_days": row.interval_days} if row.pk else {}
        row.name, row.interval_days = name.strip(), days
        try:
            row.full_clean()
        except ValidationError as error:
            raise ValidationError({f"level_{level}": error.messages}) from None
        if row.pk:
            row.version += 1
        row.save()
        diff = field_changes(before, {"name": row.name, "interval_days": row.interval_days})
        if diff:
            audit_record(actor=actor, action=AuditAction.CHANGE, obj=row, region_code=city_code, changes=diff)
        saved.append(row)
    return saved
