"""Operations that change activities, volunteers and partners. Each is atomic, validates (answering in Chinese,
naming the field) and audits. `actor` None is the system (the demo loader)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from shuangbai.core.audit import audit_record, field_changes
from shuangbai.core.dates import day_label
from shuangbai.core.models import AuditAction, User
from shuangbai.core.permissions import require
from shuangbai.core.scoping import scope_of
from shuangbai.core.validators import PHONE_ERROR, normalise_phone
from shuangbai.core.versioning import STALE_MESSAGE
from shuangbai.regions.models import Region
from shuangbai.registry.models import Beneficiary
from shuangbai.stations.models import Point, Station

from . import photos as photo_store
from .models import (
    Activity,
    ActivityKind,
    ActivityPartner,
    ActivityPerson,
    ActivityPhoto,
    ActivityVolunteer,
    Partner,
    PartnerKind,
    Theme,
    Volunteer,
    VolunteerService,
    codes_above,
)

MAX_SEGMENTS = 20
MAX_MATERIALS = 20
MAX_HOURS = Decimal(24)
VolunteerRow = tuple[Volunteer, Decimal | int | str]
MaterialRow = tuple[str, int, str]
# 禁毒宣传资料 300份 / 春联 40 幅 / 小礼品×30份
MATERIAL_LINE = re.compile(r"^(?P<item>.+?)\s*[×xX*]?\s*(?P<quantity>\d+)\s*(?P<unit>\S{0,4})$")


def region_record_rule(user: User, record: Partner | Volunteer) -> bool:
    """The rule of `volunteer.edit` (core.permissions.REGION_RECORD): a volunteer or partner is edited by whoever
    has its region inside their scope (a station sees the city's partners, but only the city edits them)."""
    return scope_of(user).covers_code(record.region_code)


def _prefix(code: str) -> str:
    """The prefix that names a node's subtree: 445381002000 -> 445381002."""
    return next(code[:n] for n in (2, 4, 6, 9, 12) if set(code[n:]) <= {"0"})


def _reaches(holder_code: str, code: str) -> bool:
    """A record of region `code` may be named by a holder at `holder_code`: it is in the holder's subtree (a
    village of its town) or registered above it (the county's, the city's)."""
    prefix = _prefix(holder_code)
    return code.startswith(prefix) or code in codes_above([prefix])


def _within_reach(station: Station, code: str) -> bool:
    return _reaches(station.region_code, code)


def _clean_phone(phone: str) -> str:
    phone = (phone or "").strip()
    if not phone:
        return ""
    normal = normalise_phone(phone)
    if not normal:
        raise ValidationError({"phone": PHONE_ERROR})
    return normal


def _text(value: str, field: str, label: str, *, required: bool = True, limit: int = 100) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: f"请填写{label}。"})
    if len(value) > limit:
        raise ValidationError({field: f"{label}不能超过{limit}个字。"})
    return value


def _place(station: Station | None, region: Region | None) -> tuple[str, str]:
    """(region_code, region name) of a volunteer or partner: its station's town, or the region node named."""
    if station is not None:
        return station.region_code, station.town.name
    if region is None:
        raise ValidationError({"region": "请选择所属社工站或区域。"})
    if region.level == "village":
        raise ValidationError({"region": "所属区域请选择镇（街）或以上，或直接选择社工站。"})
    return region.code, region.name


# ---------------------------------------------------------------------------------------------- partners


@transaction.atomic
def partner_create(
    *,
    actor: User,
    name: str,
    kind: str,
    station: Station | None = None,
    region: Region | None = None,
    contact_person: str = "",
    phone: str = "",
    notes: str = "",
) -> Partner:
    """A partner organisation of a station's town (`station`) or of a region node (a county's, the city's)."""
    require(actor, "volunteer.edit")
    require(actor, "activity.record", station or region)
    region_code, region_name = _place(station, region)
    name = _text(name, "name", "单位名称")
    if kind not in PartnerKind.values:
        raise ValidationError({"kind": "请选择合作单位的类型。"})
    if (
        Partner.objects.unscoped("names are unique in a region")
        .filter(region_code=region_code, name=name)
        .exists()
    ):
        raise ValidationError({"name": f"{region_name}已登记合作单位“{name}”。"})
    partner = Partner(
        name=name,
        kind=kind,
        contact_person=_text(contact_person, "contact_person", "联系人", required=False, limit=50),
        phone=_clean_phone(phone),
        notes=_text(notes, "notes", "备注", required=False, limit=200),
        region_code=region_code,
        region_name=region_name,
    )
    partner.full_clean()
    partner.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=partner)
    return partner


def _update(obj, *, actor: User, version: int, changes: dict[str, Any]):
    """Apply `changes` if nobody saved the record since `version` was read; audit what changed."""
    before = {name: getattr(obj, name) for name in changes}
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.full_clean()
    now = timezone.now()
    updated = (
        type(obj)
        ._base_manager.filter(pk=obj.pk, version=version)
        .update(**changes, version=F("version") + 1, updated_at=now)
    )
    if not updated:
        raise ValidationError(STALE_MESSAGE, code="stale")
    obj.version, obj.updated_at = version + 1, now
    return field_changes(before, changes)


@transaction.atomic
def partner_update(
    *,
    actor: User,
    partner: Partner,
    version: int,
    name: str,
    kind: str,
    contact_person: str = "",
    phone: str = "",
    notes: str = "",
    active: bool = True,
) -> Partner:
    require(actor, "volunteer.edit", partner)
    name = _text(name, "name", "单位名称")
    if kind not in PartnerKind.values:
        raise ValidationError({"kind": "请选择合作单位的类型。"})
    partners = Partner.objects.unscoped("names are unique in a region")
    if partners.filter(region_code=partner.region_code, name=name).exclude(pk=partner.pk).exists():
        raise ValidationError({"name": f"{partner.region_name}已登记合作单位“{name}”。"})
    diff = _update(
        partner,
        actor=actor,
        version=version,
        changes={
            "name": name,
            "kind": kind,
            "contact_person": _text(contact_person, "contact_person", "联系人", required=False, limit=50),
            "phone": _clean_phone(phone),
            "notes": _text(notes, "notes", "备注", required=False, limit=200),
            "active": bool(active),
        },
    )
    if diff:
        audit_record(actor=actor, action=AuditAction.CHANGE, obj=partner, changes=diff)
    return partner


# -------------------------------------------------------------------------------------------- volunteers


def _check_volunteer_partner(partner: Partner | None, region_code: str) -> None:
    if partner is not None and not _reaches(region_code, partner.region_code):
        raise ValidationError({"partner": f"{partner.name}不在志愿者所属区域，不能选为所属合作单位。"})


@transaction.atomic
def volunteer_create(
    *,
    actor: User,
    name: str,
    station: Station | None = None,
    region: Region | None = None,
    organisation: str = "",
    partner: Partner | None = None,
    phone: str = "",
) -> Volunteer:
    """A volunteer of a station (its town) or of a region node (the city's volunteer team ...)."""
    require(actor, "volunteer.edit")
    require(actor, "activity.record", station or region)
    region_code, region_name = _place(station, region)
    _check_volunteer_partner(partner, region_code)
    volunteer = Volunteer(
        name=_text(name, "name", "姓名", limit=50),
        organisation=_text(organisation, "organisation", "所属组织", required=False),
        partner=partner,
        phone=_clean_phone(phone),
        station=station,
        region_code=region_code,
        region_name=region_name,
    )
    volunteer.full_clean()
    volunteer.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=volunteer)
    return volunteer


@transaction.atomic
def volunteer_update(
    *,
    actor: User,
    volunteer: Volunteer,
    version: int,
    name: str,
    organisation: str = "",
    partner: Partner | None = None,
    phone: str = "",
    active: bool = True,
) -> Volunteer:
    require(actor, "volunteer.edit", volunteer)
    _check_volunteer_partner(partner, volunteer.region_code)
    diff = _update(
        volunteer,
        actor=actor,
        version=version,
        changes={
            "name": _text(name, "name", "姓名", limit=50),
            "organisation": _text(organisation, "organisation", "所属组织", required=False),
            "partner": partner,
            "phone": _clean_phone(phone),
            "active": bool(active),
        },
    )
    if diff:
        if "phone" in diff:
            diff["phone"] = ["（已修改）", "（已修改）"]  # the log keeps no phone number in clear
        audit_record(actor=actor, action=AuditAction.CHANGE, obj=volunteer, changes=diff)
    return volunteer


def _hours(value, field: str, who: str) -> Decimal:
    try:
        hours = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({field: f"{who}的服务时长应为数字（小时）。"}) from None
    if not hours.is_finite() or hours <= 0 or hours > MAX_HOURS:
        raise ValidationError({field: f"{who}的服务时长应大于0、不超过24小时。"})
    if hours != hours.quantize(Decimal("0.1")):
        raise ValidationError({field: f"{who}的服务时长最多保留一位小数。"})
    return hours


@transaction.atomic
def volunteer_service_record(
    *, actor: User, volunteer: Volunteer, served_on: date, hours, description: str
) -> VolunteerService:
    """Hours a volunteer served outside a recorded activity."""
    require(actor, "volunteer.edit", volunteer)
    if served_on > timezone.localdate():
        raise ValidationError({"served_on": "服务日期不能晚于今天。"})
    service = VolunteerService(
        volunteer=volunteer,
        served_on=served_on,
        hours=_hours(hours, "hours", volunteer.name),
        description=_text(description, "description", "服务内容", limit=200),
        region_code=volunteer.region_code,
        recorded_by=actor,
    )
    service.full_clean(exclude=["volunteer", "recorded_by"])
    service.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=service,
        object_repr=f"{volunteer.name} {service}",
        changes={"服务时长": [None, str(service.hours)]},
    )
    return service


# ---------------------------------------------------------------------------------------------- activities


def parse_materials(text: str) -> list[MaterialRow]:
    """One item a line, its quantity and unit after it: "禁毒宣传资料 300份" -> ("禁毒宣传资料", 300, "份")."""
    rows = []
    for number, line in enumerate((text or "").splitlines(), 1):
        line = line.strip().strip("，,、；;")
        if not line:
            continue
        match = MATERIAL_LINE.match(line)
        if match is None:
            raise ValidationError(
                {"materials": f"第{number}行“{line}”：请写成“物品 数量单位”，如：禁毒宣传资料 300份。"}
            )
        rows.append((match["item"].strip(), int(match["quantity"]), match["unit"]))
    return rows


def materials_text(materials: list[dict]) -> str:
    return "\n".join(f"{m['item']} {m['quantity']}{m.get('unit', '')}" for m in materials)


def _check_materials(rows: Iterable[MaterialRow]) -> list[dict]:
    checked = []
    for number, (item, quantity, unit) in enumerate(rows, 1):
        item, unit = (item or "").strip(), (unit or "").strip()
        if not item:
            raise ValidationError({"materials": f"第{number}项发放物品未写名称。"})
        if len(item) > 50 or len(unit) > 4:
            raise ValidationError({"materials": f"第{number}项“{item}”：名称不超过50字，单位不超过4字。"})
        if not isinstance(quantity, int) or quantity <= 0:
            raise ValidationError({"materials": f"“{item}”的数量应为正整数。"})
        checked.append({"item": item, "quantity": quantity, "unit": unit})
    if len(checked) > MAX_MATERIALS:
        raise ValidationError({"materials": f"发放物品最多记录{MAX_MATERIALS}项。"})
    return checked


def _check_segments(segments: Iterable[str]) -> list[str]:
    checked = [s.strip() for s in segments if s and s.strip()]
    if len(checked) > MAX_SEGMENTS:
        raise ValidationError({"segments": f"活动环节最多记录{MAX_SEGMENTS}个。"})
    for number, segment in enumerate(checked, 1):
        if len(segment) > 100:
            raise ValidationError({"segments": f"第{number}个环节不能超过100个字。"})
    return checked


def _check_people(station: Station, held_on: date, people: Iterable[Beneficiary]) -> list[Beneficiary]:
    people = list(dict.fromkeys(people))
    for person in people:
        if person.station_id != station.pk or person.merged_into_id:
            raise ValidationError({"people": f"{person.name}不是{station.name}的服务对象。"})
        if person.registered_on > held_on or (person.exited_on and person.exited_on < held_on):
            raise ValidationError(
                {"people": f"{person.name}在{day_label(held_on)}不在册，不能记为参与的服务对象。"}
            )
    return people


def _check_volunteers(station: Station, rows: Iterable[VolunteerRow]) -> list[tuple[Volunteer, Decimal]]:
    checked, seen = [], set()
    for volunteer, hours in rows:
        if volunteer.pk in seen:
            raise ValidationError({"volunteers": f"志愿者{volunteer.name}重复填写。"})
        seen.add(volunteer.pk)
        if not _within_reach(station, volunteer.region_code):
            raise ValidationError({"volunteers": f"志愿者{volunteer.name}不属于{station.name}所在区域。"})
        checked.append((volunteer, _hours(hours, "volunteers", f"志愿者{volunteer.name}")))
    return checked


def _check_partners(station: Station, partners: Iterable[Partner]) -> list[Partner]:
    partners = list(dict.fromkeys(partners))
    for partner in partners:
        if not _within_reach(station, partner.region_code):
            raise ValidationError({"partners": f"合作单位{partner.name}不属于{station.name}所在区域。"})
    return partners


def _check_point(station: Station, point: Point | None) -> None:
    if point is not None and point.station_id != station.pk:
        raise ValidationError({"point": f"{point.name}不是{station.name}的社工点。"})


def _check_day(station: Station, held_on: date) -> None:
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "活动日期不能晚于今天：活动开展后再记录。"})
    if station.retired_on is not None and held_on > station.retired_on:
        raise ValidationError(
            {"held_on": f"活动日期晚于{station.name}的撤销日期（{day_label(station.retired_on)}）。"}
        )


def _check_times(start_time: time | None, end_time: time | None) -> None:
    if start_time and end_time and end_time <= start_time:
        raise ValidationError({"end_time": "结束时间应晚于开始时间。"})


def _check_counts(participants, people: list) -> int:
    if not isinstance(participants, int) or participants < 1:
        raise ValidationError({"participants": "请填写参与人数（至少1人）。"})
    if participants < len(people):
        raise ValidationError(
            {"participants": f"参与人数（{participants}）少于所选的参与服务对象（{len(people)}人）。"}
        )
    return participants


def _clean_photos(photos: Sequence[Any], already: int) -> list:
    if len(photos) > photo_store.MAX_PHOTOS:
        raise ValidationError({"photos": f"每次最多上传 {photo_store.MAX_PHOTOS} 张照片。"})
    if already + len(photos) > photo_store.MAX_PER_ACTIVITY:
        raise ValidationError({"photos": f"每个活动最多保存 {photo_store.MAX_PER_ACTIVITY} 张照片。"})
    try:
        return [photo_store.clean_photo(upload, label=f"第{i}张照片") for i, upload in enumerate(photos, 1)]
    except ValidationError as error:
        raise ValidationError({"photos": error.messages}) from None


def _save_photos(activity: Activity, cleaned: list) -> None:
    for photo in cleaned:
        ActivityPhoto.objects.create(
            activity=activity,
            path=photo_store.store(photo, activity.region_code[:6]),
            width=photo.width,
            height=photo.height,
            size=len(photo.data),
        )


def _values(station: Station, point: Point | None, fields: dict[str, Any]) -> dict[str, Any]:
    """The activity's own fields, checked."""
    if fields["kind"] not in ActivityKind.values:
        raise ValidationError({"kind": "请选择活动类型：社区活动或小组活动。"})
    if fields["theme"] not in Theme.values:
        raise ValidationError({"theme": "请选择活动主题。"})
    _check_point(station, point)
    _check_day(station, fields["held_on"])
    _check_times(fields.get("start_time"), fields.get("end_time"))
    return {
        "kind": fields["kind"],
        "title": _text(fields["title"], "title", "活动名称"),
        "theme": fields["theme"],
        "held_on": fields["held_on"],
        "start_time": fields.get("start_time"),
        "end_time": fields.get("end_time"),
        "place": _text(fields["place"], "place", "活动地点"),
        "point": point,
        "region_code": point.region_code if point else station.region_code,
        "organiser": _text(fields.get("organiser", ""), "organiser", "主办单位", required=False),
        "segments": _check_segments(fields.get("segments", ())),
        "materials": _check_materials(fields.get("materials", ())),
        "narrative": (fields.get("narrative") or "").strip(),
    }


def _write_links(
    activity: Activity,
    partners: list[Partner],
    people: list[Beneficiary],
    volunteers: list[tuple[Volunteer, Decimal]],
) -> None:
    day, code = activity.held_on, activity.region_code
    ActivityPartner.objects.bulk_create(ActivityPartner(activity=activity, partner=p) for p in partners)
    ActivityPerson.objects.bulk_create(
        ActivityPerson(activity=activity, beneficiary=p, held_on=day, region_code=code) for p in people
    )
    ActivityVolunteer.objects.bulk_create(
        ActivityVolunteer(activity=activity, volunteer=v, hours=h, held_on=day, region_code=code)
        for v, h in volunteers
    )


@transaction.atomic
def activity_record(
    *,
    actor: User,
    station: Station,
    title: str,
    theme: str,
    held_on: date,
    place: str,
    participants: int,
    kind: str = ActivityKind.COMMUNITY,
    point: Point | None = None,
    start_time: time | None = None,
    end_time: time | None = None,
    organiser: str = "",
    partners: Iterable[Partner] = (),
    segments: Iterable[str] = (),
    people: Iterable[Beneficiary] = (),
    volunteers: Iterable[VolunteerRow] = (),
    materials: Iterable[MaterialRow] = (),
    narrative: str = "",
    photos: Sequence[Any] = (),
) -> Activity:
    """Record an activity a station held, with who took part and what it handed out."""
    require(actor, "activity.record", station)
    values = _values(
        station,
        point,
        {
            "kind": kind, "title": title, "theme": theme, "held_on": held_on, "start_time": start_time,
            "end_time": end_time, "place": place, "organiser": organiser, "segments": segments,
            "materials": materials, "narrative": narrative,
        },
    )  # fmt: skip
    partners = _check_partners(station, partners)
    people = _check_people(station, held_on, people)
    volunteers = _check_volunteers(station, volunteers)
    participants = _check_counts(participants, people)
    cleaned = _clean_photos(photos, 0)
    activity = Activity(
        station=station,
        participants=participants,
        recorded_by=actor,
        **values,
    )
    activity.full_clean(exclude=["station", "point", "recorded_by"])
    activity.save()
    _write_links(activity, partners, people, volunteers)
    _save_photos(activity, cleaned)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=activity,
        object_repr=f"{station.name} {activity}",
        changes={
            "参与人数": [None, participants],
            "参与的服务对象": [None, len(people)],
            "志愿者": [None, len(volunteers)],
            "合作单位": [None, [p.name for p in partners]],
        },
    )
    return activity


@transaction.atomic
def activity_update(
    *,
    actor: User,
    activity: Activity,
    version: int,
    title: str,
    theme: str,
    held_on: date,
    place: str,
    participants: int,
    kind: str = ActivityKind.COMMUNITY,
    point: Point | None = None,
    start_time: time | None = None,
    end_time: time | None = None,
    organiser: str = "",
    partners: Iterable[Partner] = (),
    segments: Iterable[str] = (),
    people: Iterable[Beneficiary] = (),
    volunteers: Iterable[VolunteerRow] = (),
    materials: Iterable[MaterialRow] = (),
    narrative: str = "",
    photos: Sequence[Any] = (),
) -> Activity:
    """Correct an activity: its fields, and the partners, people and volunteers replaced by the lists given;
    photos are added. A second person saving over the first is refused."""
    station = activity.station
    require(actor, "activity.record", station)
    values = _values(
        station,
        point,
        {
            "kind": kind, "title": title, "theme": theme, "held_on": held_on, "start_time": start_time,
            "end_time": end_time, "place": place, "organiser": organiser, "segments": segments,
            "materials": materials, "narrative": narrative,
        },
    )  # fmt: skip
    partners = _check_partners(station, partners)
    people = _check_people(station, held_on, people)
    volunteers = _check_volunteers(station, volunteers)
    values["participants"] = _check_counts(participants, people)
    cleaned = _clean_photos(photos, activity.photos.count())

    before_links = {
        "合作单位": sorted(p.name for p in activity.partners.all()),
        "参与的服务对象": sorted(activity.person_links.values_list("beneficiary_id", flat=True)),
        "志愿者": sorted((v.volunteer_id, str(v.hours)) for v in activity.volunteer_links.all()),
    }
    diff = _update(activity, actor=actor, version=version, changes=values)
    activity.partner_links.all().delete()
    activity.person_links.all().delete()
    activity.volunteer_links.all().delete()
    _write_links(activity, partners, people, volunteers)
    _save_photos(activity, cleaned)
    after_links = {
        "合作单位": sorted(p.name for p in partners),
        "参与的服务对象": sorted(p.pk for p in people),
        "志愿者": sorted((v.pk, str(h)) for v, h in volunteers),
    }
    for label, old in before_links.items():
        if old != after_links[label]:
            diff[label] = (
                [len(old), len(after_links[label])] if label != "合作单位" else [old, after_links[label]]
            )
    if cleaned:
        diff["照片"] = [None, f"新增{len(cleaned)}张"]
    if diff:
        audit_record(actor=actor, action=AuditAction.CHANGE, obj=activity, changes=diff)
    return activity
