"""Operations that change cases, referrals and the agency catalogue. Each is atomic, validates (answering in
Chinese, naming the field) and audits. `actor` None is the system (the demo loader).

Who does what: the station's own people (station head, workers) open and work their station's cases; a
supervisor assigned to the station reviews them; bureau roles read. The province and city bureaus keep the
agency catalogue.

De-identification (优秀案例): a write-up is refused when it holds the person's name, their ID number (or any
15- or 18-digit number shaped like one), their phone or a phone of their household, or the household's exact
address. `suggest_write_up` drafts one from the case that passes the check.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from shuangbai.core.audit import audit_record
from shuangbai.core.dates import day_label
from shuangbai.core.models import AuditAction, User
from shuangbai.core.permissions import require
from shuangbai.core.versioning import update_versioned
from shuangbai.regions.models import Level, Region
from shuangbai.registry.models import Beneficiary, RiskLevel, Status
from shuangbai.registry.services import household_register
from shuangbai.staff.models import Staff
from shuangbai.stations.models import Station

from .models import (
    FINISHED,
    Agency,
    AgencyKind,
    Case,
    CaseNote,
    CaseStatus,
    Goal,
    GoalStatus,
    Outcome,
    Referral,
    ReferralStep,
    Review,
    Source,
    StepStatus,
)

# What the intake and assessment form may change on an open case.
CASE_FIELDS = (
    "source",
    "presenting_problem",
    "worker",
    "problems",
    "strengths",
    "risk_level",
    "assessment_notes",
    "assessed_on",
)
SENSITIVE_FIELDS = {"assessment_notes": "（评估说明已修改）", "presenting_problem": "（求助问题已修改）"}


# -------------------------------------------------------------------------------------------------- access


def _not_future(day: date | None, field: str, what: str) -> None:
    if day is not None and day > timezone.localdate():
        raise ValidationError({field: f"{what}不能晚于今天。"})


def _require_open(case: Case) -> None:
    if not case.is_open:
        raise ValidationError(f"该个案已于{day_label(case.closed_on)}结案，不能再修改。")


def _not_before_opening(case: Case, day: date, field: str, what: str) -> None:
    if day < case.opened_on:
        raise ValidationError({field: f"{what}不能早于接案日期（{day_label(case.opened_on)}）。"})


def _text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _check_worker(station: Station, worker: Staff | None, field: str = "worker") -> None:
    if worker is not None and worker.station_id != station.pk:
        raise ValidationError({field: f"{worker.name}不是{station.name}的社工。"})


def _locked(case: Case) -> Case:
    """The case row, locked for the rest of the transaction: two writes to one case happen one after the
    other, so a note is never added to a case closed meanwhile."""
    return Case.objects.held(case).select_for_update(of=("self",)).select_related("station").get()


# ---------------------------------------------------------------------------------------------- opening


@transaction.atomic
def case_open(
    *,
    actor: User,
    beneficiary: Beneficiary,
    opened_on: date,
    source: str,
    presenting_problem: str,
    worker: Staff | None = None,
) -> Case:
    """Open a case (接案) for a registered person in the register. A person has one open case at a time. The
    responsible worker defaults to the actor's own staff record."""
    station = beneficiary.station
    require(actor, "case.work", station)
    if beneficiary.merged_into_id is not None:
        raise ValidationError("该记录已并入另一条记录，请在合并后的记录上开案。")
    if beneficiary.status != Status.ACTIVE:
        raise ValidationError(f"{beneficiary.name}已退出登记，不能开案。")
    if source not in Source.values:
        raise ValidationError({"source": "请选择个案来源。"})
    _not_future(opened_on, "opened_on", "接案日期")
    presenting_problem = _text(
        presenting_problem, "presenting_problem", "请填写求助问题：服务对象为何需要个案服务。"
    )
    if worker is None and actor.staff_id:
        worker = actor.staff
    _check_worker(station, worker)
    if (
        Case.objects.unscoped("one open case per person")
        .filter(beneficiary=beneficiary, status=CaseStatus.OPEN)
        .exists()
    ):
        raise ValidationError(f"{beneficiary.name}已有在案个案，请在该个案中继续服务。")
    case = Case(
        beneficiary=beneficiary,
        station=station,
        region_code=beneficiary.region_code,
        worker=worker,
        opened_on=opened_on,
        source=source,
        presenting_problem=presenting_problem,
        opened_by=actor,
        risk_level=beneficiary.risk_level,
    )
    case.full_clean()
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:  # a second case opened for the person at the same moment
        raise ValidationError(f"{beneficiary.name}已有在案个案，请在该个案中继续服务。") from None
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=case,
        object_repr=f"{beneficiary.name} {case}",
        changes={"来源": [None, case.get_source_display()]},
    )
    return case


@transaction.atomic
def case_open_for_new_person(
    *,
    actor: User,
    station: Station,
    village: Region,
    person: dict[str, Any],
    opened_on: date,
    source: str,
    presenting_problem: str,
    address: str = "",
    phone: str = "",
    worker: Staff | None = None,
) -> Case:
    """A person not yet registered: register them (a new household in a village of the station's town, they
    its head, through the registry's services) and open their case, all or nothing."""
    require(actor, "case.work", station)
    if village.level != Level.VILLAGE or village.code[:9] != station.region_code[:9]:
        raise ValidationError({"village": f"请选择{station.name}所在镇（街）的村（居）。"})
    person = dict(person)
    person.setdefault("registered_on", opened_on)
    household = household_register(actor=actor, village=village, head=person, address=address, phone=phone)
    beneficiary = household.members.get()
    if beneficiary.station_id != station.pk:
        raise ValidationError({"village": f"该村（居）属{beneficiary.station.name}，不属{station.name}。"})
    return case_open(
        actor=actor,
        beneficiary=beneficiary,
        opened_on=opened_on,
        source=source,
        presenting_problem=presenting_problem,
        worker=worker,
    )


def _redact(diff: dict[str, list[Any]]) -> dict[str, list[Any]]:
    return {
        name: (["", SENSITIVE_FIELDS[name]] if name in SENSITIVE_FIELDS else values)
        for name, values in diff.items()
    }


@transaction.atomic
def case_update(*, actor: User, case: Case, version: int, **changes: Any) -> Case:
    """Change the intake and the assessment of an open case (optimistic version check)."""
    require(actor, "case.work", case.station)
    unknown = set(changes) - set(CASE_FIELDS)
    if unknown:
        raise TypeError(f"case_update cannot change {sorted(unknown)}")
    _require_open(case)
    if "source" in changes and changes["source"] not in Source.values:
        raise ValidationError({"source": "请选择个案来源。"})
    if "presenting_problem" in changes:
        changes["presenting_problem"] = _text(
            changes["presenting_problem"], "presenting_problem", "请填写求助问题。"
        )
    if changes.get("risk_level") and changes["risk_level"] not in RiskLevel.values:
        raise ValidationError({"risk_level": "风险等级无效。"})
    if changes.get("assessed_on") is not None:
        _not_future(changes["assessed_on"], "assessed_on", "评估日期")
        _not_before_opening(case, changes["assessed_on"], "assessed_on", "评估日期")
    if "worker" in changes:
        _check_worker(case.station, changes["worker"])
    for name in ("problems", "strengths", "assessment_notes"):
        if name in changes:
            changes[name] = (changes[name] or "").strip()
    return update_versioned(case, actor=actor, expected_version=version, changes=changes, redact=_redact)


# ------------------------------------------------------------------------------------------------- plan


@transaction.atomic
def goal_add(*, actor: User, case: Case, text: str, target_on: date | None = None) -> Goal:
    require(actor, "case.work", case.station)
    case = _locked(case)
    _require_open(case)
    text = _text(text, "text", "请填写目标内容。")
    if target_on is not None:
        _not_before_opening(case, target_on, "target_on", "目标日期")
    goal = Goal(case=case, text=text, target_on=target_on)
    goal.full_clean()
    goal.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=goal, region_code=case.region_code)
    return goal


@transaction.atomic
def goal_update(*, actor: User, goal: Goal, status: str, target_on: date | None = None) -> Goal:
    """Set a goal's status (and move its target date)."""
    case = goal.case
    require(actor, "case.work", case.station)
    case = _locked(case)
    _require_open(case)
    if status not in GoalStatus.values:
        raise ValidationError({"status": "请选择目标状态。"})
    if target_on is not None:
        _not_before_opening(case, target_on, "target_on", "目标日期")
    before = {"状态": goal.get_status_display(), "目标日期": goal.target_on}
    goal.status, goal.target_on = status, target_on
    goal.full_clean()
    goal.save(update_fields=["status", "target_on"])
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=goal,
        region_code=case.region_code,
        changes={
            "状态": [before["状态"], goal.get_status_display()],
            "目标日期": [
                before["目标日期"] and before["目标日期"].isoformat(),
                target_on and target_on.isoformat(),
            ],
        },
    )
    return goal


# ------------------------------------------------------------------------------------------- notes, reviews


@transaction.atomic
def case_note_add(
    *, actor: User, case: Case, written_on: date, text: str, worker: Staff | None = None
) -> CaseNote:
    """A dated case note by a worker of the station: the actor's own staff record (the system names one)."""
    require(actor, "case.work", case.station)
    case = _locked(case)
    _require_open(case)
    if actor.staff_id:
        worker = actor.staff
    elif not actor.is_superuser:  # the system account (the demo, loaders) names the worker
        raise ValidationError("您的账号没有关联人员档案，不能记录个案记录。请联系管理员关联。")
    if worker is None:
        raise ValidationError({"worker": "请指明记录的社工。"})
    _check_worker(case.station, worker)
    _not_future(written_on, "written_on", "服务日期")
    _not_before_opening(case, written_on, "written_on", "服务日期")
    text = _text(text, "text", "请填写记录内容。")
    note = CaseNote(
        case=case,
        written_on=written_on,
        worker=worker,
        text=text,
        recorded_by=actor,
    )
    note.full_clean()
    note.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=note, region_code=case.region_code)
    return note


@transaction.atomic
def review_add(*, actor: User, case: Case, reviewed_on: date, comment: str) -> Review:
    """A supervisor's review of a case of a station they are assigned to (also of a closed case)."""
    require(actor, "case.review", case.station)
    _not_future(reviewed_on, "reviewed_on", "督导日期")
    _not_before_opening(case, reviewed_on, "reviewed_on", "督导日期")
    comment = _text(comment, "comment", "请填写督导意见。")
    review = Review(case=case, reviewer=actor, reviewed_on=reviewed_on, comment=comment)
    review.full_clean()
    review.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=review, region_code=case.region_code)
    return review


# ---------------------------------------------------------------------------------------------- closure


@transaction.atomic
def case_close(*, actor: User, case: Case, closed_on: date, outcome: str, reason: str, version: int) -> Case:
    """Close a case (结案) with its outcome and reason. Final: a new need opens a new case."""
    require(actor, "case.work", case.station)
    _require_open(case)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": "请选择结案类别。"})
    _not_future(closed_on, "closed_on", "结案日期")
    _not_before_opening(case, closed_on, "closed_on", "结案日期")
    reason = _text(reason, "reason", "请填写结案说明。")
    if outcome == Outcome.REFERRED and not case.referrals.exists():
        raise ValidationError({"outcome": "该个案没有转介记录，不能以“转介结案”结案。"})
    last_step = ReferralStep.objects.unscoped("the steps of a held case's referrals")
    last_step = last_step.filter(referral__case=case).order_by("-on_date").first()
    if last_step is not None and last_step.on_date > closed_on:
        raise ValidationError(
            {"closed_on": f"结案日期不能早于最后一次转介进展（{day_label(last_step.on_date)}）。"}
        )
    last_note = case.notes.order_by("-written_on").first()
    if last_note is not None and last_note.written_on > closed_on:
        raise ValidationError(
            {"closed_on": f"结案日期不能早于最后一条个案记录（{day_label(last_note.written_on)}）。"}
        )
    case = update_versioned(
        case,
        actor=actor,
        expected_version=version,
        changes={
            "status": CaseStatus.CLOSED,
            "closed_on": closed_on,
            "outcome": outcome,
            "close_reason": reason,
            "closed_by": actor,
        },
    )
    return case


# ------------------------------------------------------------------------------------------- referrals


def _check_agency(agency: Agency | None, field: str = "agency") -> Agency:
    if agency is None:
        raise ValidationError({field: "请选择机构。"})
    if not agency.active:
        raise ValidationError({field: f"机构“{agency.name}”已停用。"})
    return agency


@transaction.atomic
def referral_create(
    *,
    actor: User,
    case: Case,
    agency: Agency,
    purpose: str,
    referred_on: date,
    notes: str = "",
    first_agency: Agency | None = None,
) -> Referral:
    """Refer an open case to an agency: the referral and its first step (已转出), at the referral's agency or,
    where the case first passes through another (a 救助站 that hands it on), at `first_agency`."""
    require(actor, "case.work", case.station)
    case = _locked(case)
    _require_open(case)
    _check_agency(agency)
    if first_agency is not None:
        _check_agency(first_agency, "first_agency")
    purpose = _text(purpose, "purpose", "请填写转介事由。")
    _not_future(referred_on, "referred_on", "转介日期")
    _not_before_opening(case, referred_on, "referred_on", "转介日期")
    referral = Referral(
        case=case,
        station=case.station,
        region_code=case.region_code,
        agency=agency,
        purpose=purpose,
        referred_on=referred_on,
    )
    referral.full_clean()
    referral.save()
    ReferralStep.objects.create(
        referral=referral,
        agency=first_agency or agency,
        on_date=referred_on,
        status=StepStatus.SENT,
        notes=(notes or "").strip(),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=referral,
        changes={"转介机构": [None, agency.name], "事由": [None, purpose]},
    )
    return referral


@transaction.atomic
def referral_step_add(
    *,
    actor: User,
    referral: Referral,
    status: str,
    on_date: date,
    notes: str = "",
    agency: Agency | None = None,
) -> ReferralStep:
    """The next step of a referral (已转出, 已接收, 已办结, 已拒绝), at the referral's agency or at the next
    agency of a chain. Steps follow in date order; a referral done or declined takes no more steps. A referral
    still under way when its case was closed (转介结案) goes on taking steps: the agency's work goes on."""
    case = referral.case
    require(actor, "case.work", case.station)
    current = Referral.objects.held(referral).select_for_update(of=("self",)).get()
    if current.status in FINISHED:
        raise ValidationError(
            f"该转介已{current.get_status_display()}，不能再添加进展。如需再次转介，请新建转介。"
        )
    if status not in StepStatus.values:
        raise ValidationError({"status": "请选择进展状态。"})
    agency = _check_agency(agency or referral.agency)
    _not_future(on_date, "on_date", "进展日期")
    last = current.steps.order_by("-on_date", "-id").first()
    if last is not None and on_date < last.on_date:
        raise ValidationError({"on_date": f"进展日期不能早于上一步（{day_label(last.on_date)}）。"})
    step = ReferralStep(
        referral=current,
        agency=agency,
        on_date=on_date,
        status=status,
        notes=(notes or "").strip(),
        recorded_by=actor,
    )
    step.full_clean()
    step.save()
    current.status = status
    current.finished_on = on_date if status in FINISHED else None
    current.save(update_fields=["status", "finished_on"])
    referral.status, referral.finished_on = current.status, current.finished_on
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=current,
        changes={"进展": [None, f"{agency.name} {step.get_status_display()}"]},
    )
    return step


# ----------------------------------------------------------------------------------------- exemplary cases

ID_LIKE = re.compile(r"(?<!\d)(\d{17}[\dXx]|\d{15})(?![\dXx])")
MOBILE_LIKE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
# A name that is itself an alias (小Q, 阿陈, 老李, 陈某): a record registered under it identifies nobody.
ALIAS = re.compile(r"^(?:[小阿老][\u4e00-\u9fffA-Za-z]{1,2}|.*某.*)$")
MIN_ADDRESS = 4  # an address shorter than this (a bare number) is not looked for


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def _squeezed(text: str) -> str:
    return re.sub(r"[\s\-—·、，,。.（）()]", "", text or "")


def is_alias(name: str) -> bool:
    return bool(ALIAS.match((name or "").strip()))


def find_identifiers(case: Case, text: str) -> list[str]:
    """The identifying facts of the case's person found in `text`, as phrases for the error message."""
    person = case.beneficiary
    household = person.household
    found: list[str] = []
    # full-width digits and letters (１３８…, Ｘ) are the same number to a reader
    text = unicodedata.normalize("NFKC", text)
    plain = _squeezed(text)
    digits = _digits(text)
    name = person.name.strip()
    if name and not is_alias(name):
        if name in plain:
            found.append(f"服务对象的姓名“{name}”")
        elif len(name) >= 3 and name[-2:] in plain:
            found.append(f"服务对象的名字“{name[-2:]}”")
    number = (person.id_number or "").strip().upper()
    if number and number in re.sub(r"[^\dXx]", "", text).upper():
        found.append("服务对象的身份证号")
    elif ID_LIKE.search(re.sub(r"[\s\-]", "", text)):
        found.append("身份证号（15位或18位号码）")
    phones = {
        _digits(p) for p in (person.phone, household.phone, person.guardian_phone) if len(_digits(p)) >= 7
    }
    if any(p in digits for p in phones):
        found.append("服务对象或其家庭的电话号码")
    elif MOBILE_LIKE.search(re.sub(r"[\s\-]", "", text)):
        found.append("手机号码")
    address = _squeezed(household.address)
    if len(address) >= MIN_ADDRESS and address in plain:
        found.append(f"家庭的详细住址“{household.address.strip()}”")
    else:
        # the house itself: the address after the village name (路、巷 and number), or its last characters
        village = household.village.name if household.village_id else ""
        rest = address.split(village, 1)[1] if village and village in address else address[-MIN_ADDRESS:]
        if len(rest) >= 3 and re.search(r"\d", rest) and rest in plain:
            found.append(f"家庭住址中的门牌“{rest}”")
    return found


def check_de_identified(case: Case, *, nickname: str, title: str, text: str) -> None:
    """Refuse (ValidationError naming the field and what was found) a write-up that identifies the person."""
    errors = {}
    for field, value, label in (
        ("nickname", nickname, "化名"),
        ("title", title, "案例标题"),
        ("text", text, "案例正文"),
    ):
        found = find_identifiers(case, value)
        if found:
            errors[field] = f"{label}中含有{'、'.join(found)}，请删去或改用化名，再保存。"
    if errors:
        raise ValidationError(errors)


def default_nickname(person: Beneficiary) -> str:
    name = person.name.strip()
    if is_alias(name):
        return name
    return f"小{name[0]}" if name else "小某"


def _de_identify(case: Case, text: str, nickname: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    person = case.beneficiary
    household = person.household
    name = person.name.strip()
    if name and not is_alias(name):
        text = text.replace(name, nickname)
        if len(name) >= 3:
            text = text.replace(name[-2:], nickname)
    if household.address.strip():
        text = text.replace(household.address.strip(), f"{household.village.name}某处")
    for number in filter(None, [person.id_number, person.phone, household.phone, person.guardian_phone]):
        text = text.replace(number.strip(), "（已隐去）")
    text = ID_LIKE.sub("（已隐去）", text)
    return MOBILE_LIKE.sub("（已隐去）", text)


def suggest_write_up(case: Case, nickname: str = "") -> dict[str, str]:
    """A first draft of the publishable write-up from the case (problem, assessment, plan, notes, referrals,
    outcome), the person called by `nickname` and what could identify them taken out. The worker edits it."""
    nickname = (nickname or case.nickname or default_nickname(case.beneficiary)).strip()
    station = case.station.name
    parts = [f"{nickname}的困难：{case.presenting_problem}"]
    if case.problems:
        parts.append(f"社工评估发现：{case.problems}")
    if case.strengths:
        parts.append(f"{nickname}的优势与资源：{case.strengths}")
    goals = [goal.text for goal in case.goals.all()]
    if goals:
        parts.append("服务目标：" + "；".join(goals) + "。")
    notes = [note.text for note in case.notes.order_by("written_on", "id")]
    if notes:
        parts.append("服务过程：" + " ".join(notes))
    for referral in case.referrals.order_by("referred_on", "id").prefetch_related("steps__agency"):
        chain = "、".join(dict.fromkeys(step.agency.name for step in referral.steps.all()))
        parts.append(f"社工联动{chain}，{referral.purpose}（{referral.get_status_display()}）。")
    if not case.is_open:
        parts.append(f"服务成效：{case.get_outcome_display()}。{case.close_reason}")
    text = "\n".join(_de_identify(case, part, nickname) for part in parts)
    title = f"{station}社工助力{nickname}"
    return {"nickname": nickname, "title": title, "text": text}


@transaction.atomic
def case_set_exemplary(
    *, actor: User, case: Case, nickname: str, title: str, text: str, version: int
) -> Case:
    """Mark a case exemplary (优秀案例) with its publishable write-up, refused unless de-identified."""
    require(actor, "case.work", case.station)
    nickname, title, text = (nickname or "").strip(), (title or "").strip(), (text or "").strip()
    errors = {}
    if not nickname:
        errors["nickname"] = "请填写化名，如“小Q”“小陈”。"
    if not title:
        errors["title"] = "请填写案例标题。"
    if not text:
        errors["text"] = "请填写案例正文。"
    if errors:
        raise ValidationError(errors)
    check_de_identified(case, nickname=nickname, title=title, text=text)
    return update_versioned(
        case,
        actor=actor,
        expected_version=version,
        changes={"exemplary": True, "nickname": nickname, "write_up_title": title, "write_up": text},
    )


@transaction.atomic
def case_unset_exemplary(*, actor: User, case: Case, version: int) -> Case:
    """No longer an exemplary case; the write-up is kept for a later use."""
    require(actor, "case.work", case.station)
    return update_versioned(case, actor=actor, expected_version=version, changes={"exemplary": False})


# -------------------------------------------------------------------------------------------- agencies


@transaction.atomic
def agency_create(*, actor: User, name: str, kind: str, region: Region | None = None) -> Agency:
    require(actor, "catalogue.manage")
    name = _text(name, "name", "请填写机构名称。")
    if kind not in AgencyKind.values:
        raise ValidationError({"kind": "请选择机构类型。"})
    if Agency.objects.filter(name=name).exists():
        raise ValidationError({"name": f"机构“{name}”已在目录中（停用的机构可重新启用）。"})
    agency = Agency(name=name, kind=kind, region=region)
    agency.full_clean()
    agency.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=agency, region_code=actor.home_region_code)
    return agency


@transaction.atomic
def agency_update(
    *, actor: User, agency: Agency, name: str, kind: str, region: Region | None, active: bool
) -> Agency:
    require(actor, "catalogue.manage")
    name = _text(name, "name", "请填写机构名称。")
    if kind not in AgencyKind.values:
        raise ValidationError({"kind": "请选择机构类型。"})
    if Agency.objects.filter(name=name).exclude(pk=agency.pk).exists():
        raise ValidationError({"name": f"机构“{name}”已在目录中。"})
    before = {
        "名称": agency.name,
        "类型": agency.get_kind_display(),
        "区域": str(agency.region or ""),
        "启用": agency.active,
    }
    agency.name, agency.kind, agency.region, agency.active = name, kind, region, active
    agency.full_clean()
    agency.save()
    after = {
        "名称": agency.name,
        "类型": agency.get_kind_display(),
        "区域": str(agency.region or ""),
        "启用": active,
    }
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=agency,
        region_code=actor.home_region_code,
        changes={k: [before[k], v] for k, v in after.items() if before[k] != v},
    )
    return agency
