"""Operations that change the registry. Each is atomic, validates with full_clean and audits.

ID numbers never reach the audit log in clear: changes to them are recorded masked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from shuangbai.core import idnumber
from shuangbai.core.audit import audit_record, field_changes
from shuangbai.core.crypto import lookup_hash
from shuangbai.core.dates import day_label
from shuangbai.core.masking import mask_phone
from shuangbai.core.models import AuditAction, User
from shuangbai.core.permissions import require
from shuangbai.core.versioning import STALE_MESSAGE, update_versioned
from shuangbai.regions.models import Level, Region
from shuangbai.stations.models import Point, Station

from .models import (
    Beneficiary,
    BeneficiaryCategory,
    Category,
    Household,
    Relation,
    Status,
    Umbrella,
)

# Roles that may see a full ID number on request (each reveal audited), and import ledgers.

# What a person's record holds besides place, identity and categories; the fields update may change.
PERSON_FIELDS = (
    "name",
    "relation",
    "phone",
    "disability_type",
    "disability_grade",
    "living_situation",
    "guardian_name",
    "guardian_relation",
    "guardian_phone",
    "health_notes",
    "risk_level",
    "follow_up_level",
    "notes",
)
# Sensitive values the audit log records only as "changed"; phone numbers it records masked.
SENSITIVE_FIELDS = {
    "health_notes": "（健康状况已修改）",
    "disability_type": "（残疾信息已修改）",
    "disability_grade": "（残疾信息已修改）",
}
PHONE_FIELDS = ("phone", "guardian_phone")
HOUSEHOLD_FIELDS = ("address", "phone", "latitude", "longitude", "notes")


@dataclass(frozen=True)
class Identity:
    """What an ID number (or, without one, the person's own statement) fixes: hash, masked form, birth, gender."""

    number: str
    id_hash: str | None
    masked: str
    tail: str
    gender: str
    birth_date: date
    no_id_reason: str


def identity(
    *, id_number: str = "", no_id_reason: str = "", gender: str = "", birth_date: date | None = None
) -> Identity:
    """Check an ID number and the gender and birth date given with it; without a number, a reason is needed."""
    if str(id_number or "").strip():
        facts = idnumber.parse(id_number)
        errors = {}
        if gender and gender != facts.gender:
            errors["gender"] = (
                f"性别与身份证号不符（身份证号显示为{'男' if facts.gender == 'M' else '女'}）。"
            )
        if birth_date and birth_date != facts.birth_date:
            errors["birth_date"] = f"出生日期与身份证号不符（身份证号显示为{day_label(facts.birth_date)}）。"
        if errors:
            raise ValidationError(errors)
        return Identity(
            number=facts.number,
            id_hash=lookup_hash(facts.number),
            masked=idnumber.mask(facts.number),
            tail=facts.number[-4:],
            gender=facts.gender,
            birth_date=facts.birth_date,
            no_id_reason="",
        )
    errors = {}
    if not no_id_reason:
        errors["no_id_reason"] = "未填写身份证号时，请选择无身份证号的原因。"
    if not gender:
        errors["gender"] = "未填写身份证号时，请选择性别。"
    if not birth_date:
        errors["birth_date"] = "未填写身份证号时，请填写出生日期。"
    elif birth_date > date.today():
        errors["birth_date"] = "出生日期不能晚于今天。"
    elif birth_date < idnumber.EARLIEST_BIRTH:
        errors["birth_date"] = f"出生日期不能早于{idnumber.EARLIEST_BIRTH:%Y年}。"
    if errors:
        raise ValidationError(errors)
    return Identity("", None, "", "", gender, birth_date, no_id_reason)


def registered_elsewhere_message(station_name: str) -> str:
    return f"该身份证号已在{station_name}登记，不能重复登记。如需转入本站，请联系该站或县（市、区）民政局。"


def check_not_registered(id_hash: str | None, *, exclude_pk: int | None = None) -> None:
    """The same ID number cannot be registered twice anywhere; the message names only the holding station."""
    if not id_hash:
        return
    holder = Beneficiary.objects.unscoped("one person, one record, anywhere").filter(id_hash=id_hash)
    holder = holder.exclude(pk=exclude_pk).select_related("station")
    holder = holder.values_list("station__name", flat=True).first()
    if holder is not None:
        raise ValidationError({"id_number": registered_elsewhere_message(holder)})


def placement(village: Region) -> tuple[Station, Point | None]:
    """The station of a village's town and the village's service point, if it has one."""
    if village.level != Level.VILLAGE:
        raise ValidationError({"village": f"“{village.name}”不是村（居），请选择村（居）。"})
    town_code = village.code[:9] + "000"
    stations = Station.objects.unscoped("a village's station, whoever asks; the scope is checked after")
    station = stations.active().filter(region_code=town_code).order_by("id").first()
    if station is None:
        raise ValidationError({"village": f"“{village.name}”所在镇（街）没有在用的社工站，无法登记。"})
    point = station.points.active().filter(village=village).order_by("id").first()
    return station, point


def _checked_categories(categories: Iterable[Category], *, held: Iterable[int] = ()) -> list[Category]:
    """At least one category, none retired, except a retired one a record already holds (`held` ids)."""
    categories = list(dict.fromkeys(categories))
    if not categories:
        raise ValidationError({"categories": "请至少选择一个类别：服务对象因所属类别而登记。"})
    held = set(held)
    retired = [c.name for c in categories if not c.active and c.pk not in held]
    if retired:
        raise ValidationError({"categories": f"类别“{'、'.join(retired)}”已停用。"})
    return categories


def _link_categories(beneficiary: Beneficiary, categories: Iterable[Category]) -> None:
    BeneficiaryCategory.objects.bulk_create(
        [
            BeneficiaryCategory(
                beneficiary=beneficiary,
                category=category,
                station_id=beneficiary.station_id,
                region_code=beneficiary.region_code,
                active=beneficiary.status == Status.ACTIVE and beneficiary.merged_into_id is None,
            )
            for category in categories
        ]
    )


def _set_umbrellas(beneficiary: Beneficiary, categories: Iterable[Category]) -> None:
    umbrellas = {category.umbrella for category in categories}
    beneficiary.in_hardship = Umbrella.HARDSHIP in umbrellas
    beneficiary.in_special = Umbrella.SPECIAL in umbrellas


def umbrellas_refresh(people: QuerySet[Beneficiary]) -> int:
    """Copy onto each person whether they hold a category under 困难群众 and under 特殊群体 (any link, as the
    coverage figures count them). Called after every change to links or to a category's umbrella."""
    links = BeneficiaryCategory.objects.filter(beneficiary=OuterRef("pk"))
    return people.update(
        in_hardship=Exists(links.filter(category__umbrella=Umbrella.HARDSHIP)),
        in_special=Exists(links.filter(category__umbrella=Umbrella.SPECIAL)),
    )


def _sync_links(beneficiary: Beneficiary) -> None:
    """Keep the links' copy of place and standing in step with the beneficiary."""
    beneficiary.category_links.update(
        station_id=beneficiary.station_id,
        region_code=beneficiary.region_code,
        active=beneficiary.status == Status.ACTIVE and beneficiary.merged_into_id is None,
    )


def _save_new(beneficiary: Beneficiary) -> None:
    beneficiary.full_clean(exclude=["id_hash"])
    try:
        with transaction.atomic():
            beneficiary.save()
    except IntegrityError:
        # A concurrent registration of the same number, or a second head: say which, in Chinese.
        check_not_registered(beneficiary.id_hash)
        if beneficiary.relation == Relation.HEAD:
            raise ValidationError({"relation": "该户已有户主。"}) from None
        raise


@transaction.atomic
def beneficiary_register(
    *,
    actor: User,
    household: Household,
    name: str,
    categories: Iterable[Category],
    relation: str = Relation.HEAD,
    id_number: str = "",
    no_id_reason: str = "",
    gender: str = "",
    birth_date: date | None = None,
    registered_on: date | None = None,
    **details: Any,
) -> Beneficiary:
    """Register a person in a household: the ID number checked and unique, categories at least one."""
    require(actor, "beneficiary.edit", household)
    unknown = set(details) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"beneficiary_register does not take {sorted(unknown)}")
    who = identity(id_number=id_number, no_id_reason=no_id_reason, gender=gender, birth_date=birth_date)
    check_not_registered(who.id_hash)
    categories = _checked_categories(categories)
    if relation == Relation.HEAD and household.members.current().filter(relation=Relation.HEAD).exists():
        raise ValidationError({"relation": "该户已有户主，请选择与户主的关系。"})
    beneficiary = Beneficiary(
        household=household,
        relation=relation,
        name=name.strip(),
        id_number=who.number,
        id_hash=who.id_hash,
        id_masked=who.masked,
        id_tail=who.tail,
        no_id_reason=who.no_id_reason,
        gender=who.gender,
        birth_date=who.birth_date,
        station=household.station,
        point=household.point,
        region_code=household.region_code,
        registered_on=registered_on or timezone.localdate(),
        registered_by=actor,
        **details,
    )
    _set_umbrellas(beneficiary, categories)
    _save_new(beneficiary)
    _link_categories(beneficiary, categories)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=beneficiary,
        changes={"类别": [None, [c.name for c in categories]], "身份证号": [None, who.masked or "（无）"]},
    )
    return beneficiary


@transaction.atomic
def household_register(
    *,
    actor: User,
    village: Region,
    head: dict[str, Any],
    address: str = "",
    phone: str = "",
    latitude=None,
    longitude=None,
    notes: str = "",
) -> Household:
    """A household in a village, with its head registered at once (a household is never empty)."""
    require(actor, "beneficiary.edit")
    station, point = placement(village)
    require(actor, "beneficiary.edit", station)
    household = Household(
        village=village,
        region_code=village.code,
        station=station,
        point=point,
        address=address.strip(),
        phone=phone.strip(),
        latitude=latitude,
        longitude=longitude,
        notes=notes,
    )
    household.full_clean()
    household.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=household)
    beneficiary_register(actor=actor, household=household, relation=Relation.HEAD, **head)
    return household


@transaction.atomic
def household_update(*, actor: User, household: Household, version: int, **changes: Any) -> Household:
    unknown = set(changes) - set(HOUSEHOLD_FIELDS)
    if unknown:
        raise TypeError(f"household_update cannot change {sorted(unknown)}")
    require(actor, "beneficiary.edit", household)
    return update_versioned(
        household, actor=actor, expected_version=version, changes=changes, redact=redact_changes
    )


def redact_changes(diff: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """An audit diff fit to keep: sensitive values replaced by a word, phone numbers masked."""
    for name, text in SENSITIVE_FIELDS.items():
        if name in diff:
            diff[name] = [None, text]
    for name in PHONE_FIELDS:
        if name in diff:
            diff[name] = [mask_phone(value or "") for value in diff[name]]
    return diff


@transaction.atomic
def beneficiary_update(
    *,
    actor: User,
    beneficiary: Beneficiary,
    version: int,
    categories: Iterable[Category] | None = None,
    id_number: str | None = None,
    no_id_reason: str | None = None,
    gender: str | None = None,
    birth_date: date | None = None,
    **changes: Any,
) -> Beneficiary:
    """Change a person's record. A stale version is refused; identity and categories are checked as at
    registration; the audit row names what changed, with the ID number masked."""
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"beneficiary_update cannot change {sorted(unknown)}")
    require(actor, "beneficiary.edit", beneficiary)
    if beneficiary.merged_into_id:
        raise ValidationError("该记录已合并到另一条记录，不能再修改。")
    locked = Beneficiary.objects.held(beneficiary).select_for_update().filter(version=version).first()
    if locked is None:
        raise ValidationError(STALE_MESSAGE, code="stale")
    before = {name: getattr(beneficiary, name) for name in changes}
    audit_extra: dict[str, list[Any]] = {}
    if id_number is not None or no_id_reason is not None or gender is not None or birth_date is not None:
        who = identity(
            id_number=beneficiary.id_number if id_number is None else id_number,
            no_id_reason=beneficiary.no_id_reason if no_id_reason is None else no_id_reason,
            gender=beneficiary.gender if gender is None else gender,
            birth_date=beneficiary.birth_date if birth_date is None else birth_date,
        )
        if who.id_hash != beneficiary.id_hash:
            check_not_registered(who.id_hash, exclude_pk=beneficiary.pk)
            audit_extra["身份证号"] = [beneficiary.id_masked or "（无）", who.masked or "（无）"]
        for name, value in (
            ("id_number", who.number),
            ("id_hash", who.id_hash),
            ("id_masked", who.masked),
            ("id_tail", who.tail),
            ("no_id_reason", who.no_id_reason),
        ):
            setattr(beneficiary, name, value)
        for name, value in (("gender", who.gender), ("birth_date", who.birth_date)):
            before[name] = getattr(beneficiary, name)
            changes[name] = value
    if (
        "relation" in changes
        and changes["relation"] == Relation.HEAD != beneficiary.relation
        and (
            beneficiary.household.members.current()
            .filter(relation=Relation.HEAD)
            .exclude(pk=beneficiary.pk)
            .exists()
        )
    ):
        raise ValidationError({"relation": "该户已有户主。"})
    if (
        changes.get("relation", Relation.HEAD) != Relation.HEAD
        and beneficiary.relation == Relation.HEAD
        and beneficiary.household.members.current().exclude(pk=beneficiary.pk).exists()
    ):
        # A household with members keeps a head: name the new head's record 户主 once this one is changed.
        raise ValidationError({"relation": "此人是户主，户内还有其他成员；户主不能直接改为其他关系。"})
    if categories is not None:
        held = beneficiary.category_links.values_list("category_id", flat=True)
        new = _checked_categories(categories, held=held)
        old = set(beneficiary.categories.all())
        if set(new) != old:
            beneficiary.category_links.exclude(category__in=new).delete()
            _link_categories(beneficiary, [c for c in new if c not in old])
            _set_umbrellas(beneficiary, new)  # saved with the other changes below
            audit_extra["类别"] = [sorted(c.name for c in old), sorted(c.name for c in new)]
    for name, value in changes.items():
        setattr(beneficiary, name, value)
    beneficiary.version = version + 1
    beneficiary.full_clean(exclude=["id_hash"])
    beneficiary.save()
    diff = redact_changes(field_changes(before, changes)) | audit_extra
    if diff:
        audit_record(actor=actor, action=AuditAction.CHANGE, obj=beneficiary, changes=diff)
    return beneficiary


@transaction.atomic
def beneficiary_exit(
    *, actor: User, beneficiary: Beneficiary, version: int, reason: str, on_date: date, note: str = ""
) -> Beneficiary:
    """退出: the record stays, with the reason and date; from that date the person no longer counts."""
    require(actor, "beneficiary.edit", beneficiary)
    if beneficiary.status != Status.ACTIVE:
        raise ValidationError("该服务对象已是退出状态。")
    if on_date > timezone.localdate():
        raise ValidationError({"on_date": "退出日期不能晚于今天。"})
    if on_date < beneficiary.registered_on:
        raise ValidationError(
            {"on_date": f"退出日期不能早于建档日期（{day_label(beneficiary.registered_on)}）。"}
        )
    update_versioned(
        beneficiary,
        actor=actor,
        expected_version=version,
        changes={
            "status": Status.EXITED,
            "exit_reason": reason,
            "exited_on": on_date,
            "exit_note": note.strip(),
        },
        action=AuditAction.RETIRE,
    )
    _sync_links(beneficiary)
    return beneficiary


@transaction.atomic
def beneficiary_reinstate(*, actor: User, beneficiary: Beneficiary, version: int) -> Beneficiary:
    """Back into the register (an exit recorded by mistake); the exit stays in the audit log."""
    require(actor, "beneficiary.edit", beneficiary)
    if beneficiary.status != Status.EXITED:
        raise ValidationError("该服务对象在册，无需恢复。")
    update_versioned(
        beneficiary,
        actor=actor,
        expected_version=version,
        changes={"status": Status.ACTIVE, "exit_reason": "", "exited_on": None, "exit_note": ""},
    )
    _sync_links(beneficiary)
    return beneficiary


@transaction.atomic
def beneficiary_change_levels(
    *,
    actor: User,
    beneficiary: Beneficiary,
    reason: str,
    risk_level: str | None = None,
    follow_up_level: int | None = None,
) -> Beneficiary:
    """A change of risk or follow-up level decided at a visit: no version check (the visit is the decision,
    and it names the reason), takes effect at once, audited with the reason."""
    require(actor, "beneficiary.edit", beneficiary)
    changes: dict[str, Any] = {}
    if risk_level and risk_level != beneficiary.risk_level:
        changes["risk_level"] = risk_level
    if follow_up_level and follow_up_level != beneficiary.follow_up_level:
        changes["follow_up_level"] = follow_up_level
    if not changes:
        return beneficiary
    if not reason.strip():
        raise ValidationError({"change_reason": "调整风险等级或跟进级别时，请填写调整原因。"})
    current = Beneficiary.objects.held(beneficiary).select_for_update().get()
    return update_versioned(
        current,
        actor=actor,
        expected_version=current.version,
        changes=changes,
        redact=lambda diff: diff | {"原因": reason.strip()},
    )


def beneficiary_reveal_id(*, actor: User, beneficiary: Beneficiary) -> str:
    """The full ID number, for a role allowed to see it; every reveal is audited."""
    require(actor, "beneficiary.reveal_id", beneficiary)
    audit_record(
        actor=actor, action=AuditAction.REVEAL, obj=beneficiary, changes={"身份证号": beneficiary.id_masked}
    )
    return beneficiary.id_number


def beneficiary_call(*, actor: User, beneficiary: Beneficiary) -> str:
    """The phone number a worker in scope taps to call (电话回访); it reaches only the tel: link, and each tap
    is audited like a reveal."""
    require(actor, "visit.record", beneficiary.household)
    number = beneficiary.phone or beneficiary.household.phone
    if not number:
        raise ValidationError("没有登记联系电话。")
    audit_record(
        actor=actor,
        action=AuditAction.REVEAL,
        obj=beneficiary,
        object_repr=f"{beneficiary.name} 拨打电话",
        changes={"联系电话": mask_phone(number)},
    )
    return number


@transaction.atomic
def beneficiaries_merge(*, actor: User, keep: Beneficiary, merge: Beneficiary) -> Beneficiary:
    """Merge a duplicate record into the one kept: categories are united, every record that points at the
    duplicate (history of later modules too) is moved to the kept one, and the duplicate stays, marked merged.
    Both rows are locked and checked again inside the transaction, and both versions move on, so a merge
    racing another merge or an edit opened before it is refused rather than half-applied."""
    require(actor, "beneficiary.edit")
    if keep.pk == merge.pk:
        raise ValidationError("不能与自身合并。")
    locked = {b.pk: b for b in Beneficiary.objects.held(keep, merge).select_for_update().order_by("pk")}
    keep, merge = locked[keep.pk], locked[merge.pk]
    require(actor, "beneficiary.edit", keep)
    require(actor, "beneficiary.edit", merge)
    if keep.merged_into_id or merge.merged_into_id:
        raise ValidationError("其中一条记录已被合并。")
    if keep.station_id != merge.station_id:
        raise ValidationError("只能合并同一社工站的记录；跨站的请先转站。")
    if merge.has_id and keep.has_id:
        raise ValidationError("两条记录都有身份证号且不同，不是同一人，不能合并。")
    if merge.has_id and not keep.has_id:
        raise ValidationError("请保留有身份证号的那条记录。")
    if (
        merge.relation == Relation.HEAD
        and merge.household_id != keep.household_id
        and merge.household.members.current().exclude(pk=merge.pk).exists()
    ):
        raise ValidationError("被合并的记录是户主，且该户还有其他成员，请先为该户指定新的户主。")
    held = set(keep.category_links.values_list("category_id", flat=True))
    added = [
        link.category
        for link in merge.category_links.select_related("category")
        if link.category_id not in held
    ]
    _link_categories(keep, added)
    umbrellas_refresh(Beneficiary.objects.held(keep))
    moved = _repoint_history(merge, keep)
    now = timezone.now()
    Beneficiary.objects.held(merge).update(merged_into=keep, version=merge.version + 1, updated_at=now)
    Beneficiary.objects.held(keep).update(version=keep.version + 1, updated_at=now)
    merge.merged_into, merge.version, keep.version = keep, merge.version + 1, keep.version + 1
    _sync_links(merge)
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=keep,
        changes={
            "合并": [f"{merge.name}（编号{merge.pk}）", f"并入编号{keep.pk}"],
            "类别增加": [c.name for c in added],
        }
        | ({"转移记录": moved} if moved else {}),
    )
    return keep


def _repoint_history(source: Beneficiary, target: Beneficiary) -> dict[str, int]:
    """Every foreign key to Beneficiary in the project (visits, cases... as they are added), except the
    registry's own bookkeeping, moved from `source` to `target`."""
    moved = {}
    # include_hidden: a foreign key declared with related_name="+" is history too
    relations = [
        f for f in Beneficiary._meta.get_fields(include_hidden=True) if f.auto_created and not f.concrete
    ]
    for relation in relations:
        model = relation.related_model
        if model in (BeneficiaryCategory, Beneficiary) or not relation.one_to_many:
            continue
        changes = {relation.field.name: target}
        # a person's own records (assistance, hand-outs) also name their household: the kept record's
        if source.household_id != target.household_id and any(
            f.name == "household" and f.related_model is Household for f in model._meta.concrete_fields
        ):
            changes["household"] = target.household
        try:
            with transaction.atomic():
                count = model._base_manager.filter(**{relation.field.name: source}).update(**changes)
        except IntegrityError:
            raise ValidationError(
                f"两条记录都有不能并存的“{model._meta.verbose_name}”（如各有一个未结案的个案，或参加了同一次活动），"
                "请先处理其中一条再合并。"
            ) from None
        if count:
            moved[model._meta.verbose_name] = count
    return moved


# ---------------------------------------------------------------------------------------------- catalogue


@transaction.atomic
def category_create(
    *, actor: User, code: str, name: str, umbrella: str, sort_order: int = 100, health_watch: bool = False
) -> Category:
    require(actor, "catalogue.manage")
    category = Category(
        code=code.strip(),
        name=name.strip(),
        umbrella=umbrella,
        sort_order=sort_order,
        health_watch=health_watch,
    )
    category.full_clean()
    category.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=category, region_code=actor.home_region_code)
    return category


@transaction.atomic
def category_update(*, actor: User, category: Category, version: int, **changes: Any) -> Category:
    require(actor, "catalogue.manage")
    unknown = set(changes) - {"name", "umbrella", "sort_order", "active", "health_watch"}
    if unknown:
        raise TypeError(f"category_update cannot change {sorted(unknown)}")
    umbrella = category.umbrella
    category = update_versioned(category, actor=actor, expected_version=version, changes=changes)
    if category.umbrella != umbrella:
        people = Beneficiary.objects.unscoped("a category's umbrella changed for everyone holding it")
        umbrellas_refresh(people.filter(category_links__category=category))
    return category
