"""Operations that change assistance records, the type catalogue and distribution batches. Each is atomic,
validates (answering in Chinese, naming the field) and audits. A movement of goods out of a holder locks that
holder's row first and then computes its stock, so two hand-outs at one station at once cannot over-spend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min, Sum
from django.utils import timezone

from shuangbai.core.audit import audit_record
from shuangbai.core.dates import day_label
from shuangbai.core.models import AuditAction, User
from shuangbai.core.permissions import BUREAU, STATION, in_scope, require
from shuangbai.core.photos import EncryptedPhotoStore, clean_photo
from shuangbai.core.versioning import STALE_MESSAGE
from shuangbai.regions.models import Level, Region
from shuangbai.registry.models import Beneficiary, Category, Status
from shuangbai.staff.models import Staff
from shuangbai.stations.models import Station

from .models import (
    DIRECT_START,
    LEVEL_RANK,
    START_STATUSES,
    TRANSITIONS,
    Allocation,
    Assistance,
    AssistanceStatus,
    AssistanceStep,
    AssistanceType,
    Batch,
    HandOut,
    HolderLevel,
    Holding,
    Party,
    Return,
)

MAX_QUANTITY = 1_000_000


# ------------------------------------------------------------------------------------------------ access


def holder_rule(user: User, holding: Holding) -> bool:
    """The rule of the goods permissions (core.permissions.HOLDER): a station's holding is moved by the staff
    of that station, a city's or county's by its bureau."""
    if holding.level == HolderLevel.STATION:
        return user.role in STATION and in_scope(user, holding)
    return user.role in BUREAU and in_scope(user, holding)


# ---------------------------------------------------------------------------------------------- assistance


def _positive_amount(amount: Decimal | int | None) -> Decimal | None:
    if amount is None or amount == "":
        return None
    amount = Decimal(str(amount))
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({"amount": "金额应大于0。"})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": "金额最多保留两位小数（分）。"})
    return amount


def _check_day(day: date, person: Beneficiary, field: str, what: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: f"{what}不能晚于今天。"})
    if day < person.registered_on:
        raise ValidationError(
            {field: f"{what}早于{person.name}的建档日期（{day_label(person.registered_on)}），请核对。"}
        )
    if person.exited_on and day > person.exited_on:
        raise ValidationError(
            {field: f"{what}晚于{person.name}的退出日期（{day_label(person.exited_on)}）。"}
        )


@transaction.atomic
def assistance_create(
    *,
    actor: User,
    beneficiary: Beneficiary,
    type: AssistanceType,
    party: str,
    on: date,
    status: str = AssistanceStatus.CONSULT,
    giver: str = "",
    amount: Decimal | int | None = None,
    quantity: int | None = None,
    notes: str = "",
) -> Assistance:
    """Link a beneficiary to a benefit or help. The record starts at 咨询 or 协助申请, or, for help that needs
    no application (a cash gift, goods, a service), directly at 已发放. `actor` None is the system (the demo)."""
    require(actor, "assistance.record", beneficiary)
    if beneficiary.merged_into_id:
        raise ValidationError(
            {"beneficiary": f"{beneficiary.name}的记录已合并到另一条记录，请在合并后的记录上登记。"}
        )
    if not type.active:
        raise ValidationError({"type": f"资源链接类型“{type.name}”已停用。"})
    if party not in Party.values:
        raise ValidationError({"party": "请选择资源来源（五社联动的一方）。"})
    allowed = list(START_STATUSES) + ([] if type.is_application else [DIRECT_START])
    if status not in allowed:
        names = "、".join(AssistanceStatus(s).label for s in allowed)
        raise ValidationError({"status": f"“{type.name}”的记录只能从以下状态开始：{names}。"})
    _check_day(on, beneficiary, "on", "日期")
    if quantity is not None and not 0 < quantity <= MAX_QUANTITY:
        raise ValidationError({"quantity": "数量应为正整数。"})
    record = Assistance(
        beneficiary=beneficiary,
        household_id=beneficiary.household_id,
        station_id=beneficiary.station_id,
        region_code=beneficiary.region_code,
        type=type,
        party=party,
        giver=(giver or "").strip(),
        status=status,
        status_on=on,
        started_on=on,
        amount=_positive_amount(amount),
        quantity=quantity,
        notes=(notes or "").strip(),
        recorded_by=actor,
    )
    record.full_clean()
    record.save()
    _add_step(record, status, on, "", actor)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=record,
        object_repr=f"{beneficiary.name} {record}",
        changes={"类型": [None, type.name], "状态": [None, record.get_status_display()]},
    )
    return record


def _add_step(record: Assistance, status: str, on: date, note: str, actor: User) -> AssistanceStep:
    return AssistanceStep.objects.create(
        assistance=record,
        status=status,
        on=on,
        note=note,
        beneficiary_id=record.beneficiary_id,
        household_id=record.household_id,
        type_id=record.type_id,
        station_id=record.station_id,
        region_code=record.region_code,
        recorded_by=actor,
    )


@transaction.atomic
def assistance_advance(
    *,
    actor: User,
    assistance: Assistance,
    version: int,
    status: str,
    on: date,
    note: str = "",
    amount: Decimal | int | None = None,
    quantity: int | None = None,
) -> Assistance:
    """Move a record to its next status (咨询 → 协助申请 → 已提交 → 已批准 / 未通过 → 已发放), dated, kept as a
    step of its history. The amount or quantity may be set with the step (the amount approved or paid)."""
    require(actor, "assistance.record", assistance)
    current = AssistanceStatus(assistance.status)
    if status not in TRANSITIONS[current]:
        allowed = "、".join(AssistanceStatus(s).label for s in TRANSITIONS[current])
        after = f"只能改为：{allowed}" if allowed else "已是最终状态，不能再改"
        raise ValidationError({"status": f"当前状态为“{current.label}”，{after}。"})
    person = assistance.beneficiary
    _check_day(on, person, "on", "日期")
    if on < assistance.status_on:
        raise ValidationError(
            {"on": f"日期早于上一状态“{current.label}”的日期（{day_label(assistance.status_on)}）。"}
        )
    if quantity is not None and not 0 < quantity <= MAX_QUANTITY:
        raise ValidationError({"quantity": "数量应为正整数。"})
    changes: dict[str, Any] = {"status": status, "status_on": on}
    if amount not in (None, ""):
        changes["amount"] = _positive_amount(amount)
    if quantity is not None:
        changes["quantity"] = quantity
    before = {name: getattr(assistance, name) for name in changes}
    updated = (
        Assistance.objects.held(assistance)
        .filter(version=version)
        .update(**changes, version=version + 1, updated_at=timezone.now())
    )
    if not updated:
        raise ValidationError(STALE_MESSAGE, code="stale")
    for name, value in changes.items():
        setattr(assistance, name, value)
    assistance.version = version + 1
    _add_step(assistance, status, on, (note or "").strip(), actor)
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=assistance,
        object_repr=f"{person.name} {assistance}",
        changes={
            "状态": [AssistanceStatus(before["status"]).label, AssistanceStatus(status).label],
            "日期": [before["status_on"].isoformat(), on.isoformat()],
        },
    )
    return assistance


@transaction.atomic
def assistance_type_create(
    *, actor: User, code: str, name: str, unit: str = "", is_application: bool = True, sort_order: int = 100
) -> AssistanceType:
    require(actor, "catalogue.manage")
    name, code = (name or "").strip(), (code or "").strip()
    if AssistanceType.objects.filter(name=name).exists():
        raise ValidationError({"name": f"已有名为“{name}”的类型。"})
    if AssistanceType.objects.filter(code=code).exists():
        raise ValidationError({"code": f"代码“{code}”已被使用。"})
    kind = AssistanceType(code=code, name=name, unit=(unit or "").strip(), is_application=is_application)
    kind.sort_order = sort_order
    kind.full_clean()
    kind.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=kind, region_code=actor.home_region_code)
    return kind


@transaction.atomic
def assistance_type_update(*, actor: User, kind: AssistanceType, **changes: Any) -> AssistanceType:
    """Rename, re-unit, reorder, activate or deactivate a type (its code stays: reports key on it)."""
    require(actor, "catalogue.manage")
    allowed = {"name", "unit", "is_application", "sort_order", "active"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)}")
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
        if AssistanceType.objects.filter(name=changes["name"]).exclude(pk=kind.pk).exists():
            raise ValidationError({"name": f"已有名为“{changes['name']}”的类型。"})
    before = {name: getattr(kind, name) for name in changes}
    for name, value in changes.items():
        setattr(kind, name, value)
    kind.full_clean()
    kind.save(update_fields=list(changes))
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=kind,
        region_code=actor.home_region_code,
        changes={name: [before[name], value] for name, value in changes.items() if before[name] != value},
    )
    return kind


# -------------------------------------------------------------------------------------------- distribution


@dataclass(frozen=True)
class Holder:
    """A place that holds goods: a city or county bureau (a region node), or a station."""

    level: str
    region_code: str
    name: str
    station: Station | None = None

    @classmethod
    def of(cls, place: Region | Station) -> Holder:
        if isinstance(place, Station):
            return cls(HolderLevel.STATION, place.region_code, place.name, place)
        if place.level == Level.CITY:
            return cls(HolderLevel.CITY, place.code, f"{place.name}民政局")
        if place.level == Level.COUNTY:
            return cls(HolderLevel.COUNTY, place.code, f"{place.name}民政局")
        raise ValidationError(
            {"holder": f"{place.name}不是市或县（市、区），不能持有物资；镇街物资请选择社工站。"}
        )

    @property
    def prefix(self) -> str:
        return self.region_code[: {HolderLevel.CITY: 4, HolderLevel.COUNTY: 6}.get(self.level, 9)]


def _holding_of(holding: Holding) -> Holder:
    return Holder(holding.level, holding.region_code, holding.name, holding.station)


def stock_of(holding: Holding) -> int:
    """What a holder holds now: received (the batch, for its receiving holder) plus allocated and returned in,
    minus allocated down, handed out and returned up. Computed from the movements, four sums."""
    received = holding.batch.quantity if holding.parent_id is None else 0

    def total(queryset) -> int:
        return queryset.aggregate(n=Sum("quantity"))["n"] or 0

    return (
        received
        + total(holding.allocated_in.all())
        + total(holding.returned_in.all())
        - total(holding.allocated_out.all())
        - total(holding.hand_outs.all())
        - total(holding.returned_out.all())
    )


def _locked(holding: Holding) -> Holding:
    """The holder's row, locked until the transaction ends: the next movement out of it waits here."""
    # no_key: rows pointing at this holder (a movement into or out of it) still take their key-share lock, so
    # an allocation down and a return up between the same two holders cannot deadlock
    return (
        Holding.objects.held(holding)
        .select_for_update(of=("self",), no_key=True)
        .select_related("batch")
        .get()
    )


def _check_quantity(quantity: int, field: str = "quantity") -> None:
    if not isinstance(quantity, int) or not 0 < quantity <= MAX_QUANTITY:
        raise ValidationError({field: "数量应为正整数。"})


def _require_stock(holding: Holding, quantity: int, verb: str) -> None:
    left = stock_of(holding)
    if quantity > left:
        unit = holding.batch.unit
        raise ValidationError(
            {
                "quantity": f"{holding.name}的{holding.batch.item}库存只剩{left}{unit}，不能{verb}{quantity}{unit}。"
            }
        )


def _check_movement_day(day: date, batch: Batch, field: str = "on", holding: Holding | None = None) -> None:
    """A movement out of a holder is dated on or after the batch arrived, and, for a holder below the receiving
    one, on or after its first allocation in: goods are not handed out before they reached the station."""
    if day > timezone.localdate():
        raise ValidationError({field: "日期不能晚于今天。"})
    if day < batch.received_on:
        raise ValidationError({field: f"日期早于本批物资的接收日期（{day_label(batch.received_on)}）。"})
    if holding is not None and holding.parent_id is not None:
        first_in = holding.allocated_in.aggregate(first=Min("on"))["first"]
        if first_in is not None and day < first_in:
            raise ValidationError(
                {field: f"日期早于{holding.name}收到本批物资的日期（{day_label(first_in)}）。"}
            )


@transaction.atomic
def batch_receive(
    *,
    actor: User,
    holder: Region | Station,
    item: str,
    unit: str,
    quantity: int,
    party: str,
    received_on: date,
    donor: str = "",
    target_category: Category | None = None,
    notes: str = "",
) -> Batch:
    """Record goods received by a city bureau, a county bureau or a station (a donor's gift to it)."""
    place = Holder.of(holder)
    require(actor, "batch.receive", holder)
    item, unit = (item or "").strip(), (unit or "").strip()
    if not item:
        raise ValidationError({"item": "请填写物资名称，如：健康包。"})
    if not unit:
        raise ValidationError({"unit": "请填写单位，如：份、床、件。"})
    _check_quantity(quantity)
    if party not in Party.values:
        raise ValidationError({"party": "请选择物资来源（五社联动的一方）。"})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "接收日期不能晚于今天。"})
    if target_category is not None and not target_category.active:
        raise ValidationError({"target_category": f"类别“{target_category.name}”已停用。"})
    batch = Batch(
        item=item,
        unit=unit,
        quantity=quantity,
        party=party,
        donor=(donor or "").strip(),
        received_on=received_on,
        level=place.level,
        region_code=place.region_code,
        station=place.station,
        target_category=target_category,
        notes=(notes or "").strip(),
        recorded_by=actor,
    )
    batch.full_clean()
    batch.save()
    Holding.objects.create(
        batch=batch, level=place.level, region_code=place.region_code, station=place.station, name=place.name
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=batch, object_repr=f"{place.name} {batch}")
    return batch


def _below(source: Holder, target: Holder) -> bool:
    return LEVEL_RANK[target.level] > LEVEL_RANK[source.level] and target.region_code.startswith(
        source.prefix
    )


@transaction.atomic
def allocate(
    *,
    actor: User,
    source: Holding,
    target: Region | Station,
    quantity: int,
    on: date,
    note: str = "",
) -> Allocation:
    """Pass goods from a city or county bureau down to a county or station under it. Refused when the holder
    holds less than asked (the message names what is left)."""
    source = _locked(source)
    batch = source.batch
    require(actor, "batch.allocate", source)
    if source.level == HolderLevel.STATION:
        raise ValidationError({"target": "社工站不能再向下调拨，请直接发放或退回。"})
    place = Holder.of(target)
    if not _below(_holding_of(source), place):
        raise ValidationError({"target": f"{place.name}不在{source.name}的下级范围内。"})
    if place.station is not None:
        require(actor, "station.view", place.station)  # a station the actor's scope holds
    _check_quantity(quantity)
    _check_movement_day(on, batch, holding=source)
    holding, created = Holding.objects.unscoped("a batch has one holder per place").get_or_create(
        batch=batch,
        region_code=place.region_code,
        level=place.level,
        defaults={"station": place.station, "name": place.name, "parent": source},
    )
    if not created and holding.parent_id != source.pk:
        raise ValidationError(
            {"target": f"{place.name}的本批物资由上级另一单位调拨，不能再由{source.name}调拨。"}
        )
    _require_stock(source, quantity, "调拨")
    allocation = Allocation.objects.create(
        batch=batch,
        source=source,
        target=holding,
        quantity=quantity,
        on=on,
        note=(note or "").strip(),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=allocation,
        region_code=source.region_code,
        object_repr=f"{batch.item}：{source.name}调拨{quantity}{batch.unit}至{place.name}",
    )
    return allocation


_photos = EncryptedPhotoStore("assistance")
load_photo = _photos.load


def _store_photo(upload, county_code: str) -> str:
    try:
        photo = clean_photo(upload, label="签收照片")
    except ValidationError as error:
        raise ValidationError({"photo": error.messages}) from None
    return _photos.store(photo, county_code)


@transaction.atomic
def hand_out(
    *,
    actor: User,
    holding: Holding,
    beneficiary: Beneficiary | None,
    handed_on: date,
    quantity: int = 1,
    worker: Staff | None = None,
    photo=None,
    note: str = "",
    households: int = 1,
) -> HandOut:
    """Hand goods of a station's holding to one of its beneficiaries (or, with `beneficiary` None, to
    `households` households not on the register, named in the note: a village committee's signed list).
    The station's row is locked first, so a second hand-out at the same moment waits and then sees this one."""
    holding = _locked(holding)
    batch = holding.batch
    require(actor, "batch.hand_out", holding)
    if holding.level != HolderLevel.STATION:
        raise ValidationError({"holding": "物资须先调拨到社工站，由社工站发放给服务对象。"})
    note = (note or "").strip()
    if beneficiary is not None:
        if beneficiary.station_id != holding.station_id:
            raise ValidationError({"beneficiary": f"{beneficiary.name}不是{holding.name}的服务对象。"})
        if beneficiary.merged_into_id or beneficiary.status != Status.ACTIVE:
            raise ValidationError({"beneficiary": f"{beneficiary.name}已不在册，不能发放。"})
        _check_day(handed_on, beneficiary, "handed_on", "发放日期")
        households = 1
    else:
        if not note:
            raise ValidationError(
                {"note": "发放给名单外人员时，请在签收说明中写明签收名单（如：村委代领签收表）。"}
            )
        _check_quantity(households, "households")
    _check_quantity(quantity)
    _check_movement_day(handed_on, batch, "handed_on", holding=holding)
    if worker is not None and worker.station_id != holding.station_id:
        raise ValidationError({"worker": f"{worker.name}不是{holding.name}的社工。"})
    _require_stock(holding, quantity, "发放")
    record = HandOut(
        batch=batch,
        holding=holding,
        station=holding.station,
        region_code=beneficiary.region_code if beneficiary else holding.region_code,
        beneficiary=beneficiary,
        household_id=beneficiary.household_id if beneficiary else None,
        households=households,
        quantity=quantity,
        handed_on=handed_on,
        worker=worker,
        note=note,
        recorded_by=actor,
    )
    if photo is not None:
        record.photo_path = _store_photo(photo, holding.region_code[:6])
    record.full_clean()
    record.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=record,
        object_repr=f"{beneficiary.name if beneficiary else '名单外'}领取{batch.item}{quantity}{batch.unit}",
    )
    return record


@transaction.atomic
def hand_out_many(
    *,
    actor: User,
    holding: Holding,
    beneficiaries: list[Beneficiary],
    handed_on: date,
    quantity: int = 1,
    worker: Staff | None = None,
    photo=None,
    note: str = "",
) -> list[HandOut]:
    """A distribution to several people at once (a village's handing-out day): one record per person, each
    signed for, all or none. The stock is checked for everyone before anyone's record is written."""
    if not beneficiaries:
        raise ValidationError({"beneficiaries": "请至少选择一名领取人。"})
    if len({person.pk for person in beneficiaries}) != len(beneficiaries):
        raise ValidationError({"beneficiaries": "同一人选了两次，请检查领取人名单。"})
    holding = _locked(holding)
    _check_quantity(quantity)
    total, left, unit = quantity * len(beneficiaries), stock_of(holding), holding.batch.unit
    if total > left:
        raise ValidationError(
            {
                "quantity": f"库存不足：{len(beneficiaries)}人每人{quantity}{unit}共需{total}{unit}，"
                f"{holding.name}现有{left}{unit}。"
            }
        )
    records = []
    for person in beneficiaries:
        if photo is not None and hasattr(photo, "seek"):
            photo.seek(0)  # the same signed sheet, kept with each person's record
        records.append(
            hand_out(
                actor=actor,
                holding=holding,
                beneficiary=person,
                handed_on=handed_on,
                quantity=quantity,
                worker=worker,
                photo=photo,
                note=note,
            )
        )
    return records


@transaction.atomic
def goods_return(*, actor: User, holding: Holding, quantity: int, on: date, reason: str) -> Return:
    """Send goods back to the holder they came from (one level up)."""
    holding = _locked(holding)
    batch = holding.batch
    require(actor, "batch.return", holding)
    if holding.parent_id is None:
        raise ValidationError({"quantity": f"{holding.name}是本批物资的接收单位，没有可退回的上级。"})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写退回原因。"})
    _check_quantity(quantity)
    _check_movement_day(on, batch, holding=holding)
    _require_stock(holding, quantity, "退回")
    record = Return.objects.create(
        batch=batch,
        source=holding,
        target_id=holding.parent_id,
        quantity=quantity,
        on=on,
        reason=reason,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=record,
        region_code=holding.region_code,
        object_repr=f"{batch.item}：{holding.name}退回{quantity}{batch.unit}",
    )
    return record
