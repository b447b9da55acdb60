"""Operations that change inspections, recommendations and the check-item catalogue. Each is atomic,
validates (answering in Chinese, naming the field) and audits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from shuangbai.core.audit import audit_record
from shuangbai.core.models import AuditAction, User
from shuangbai.core.permissions import require
from shuangbai.staff.models import Kind, Staff, StaffStatus
from shuangbai.stations.models import Station

from .models import (
    MAX_SCORE,
    CheckItem,
    Inspection,
    InspectionKind,
    InspectionScore,
    Method,
    Recommendation,
)

MAX_RECOMMENDATIONS = 20

ScoreRow = tuple[CheckItem, Decimal | int | str | None, str]
RecommendationRow = tuple[str, date | None]


def lead_region_codes(station: Station) -> list[str]:
    """The codes of the region nodes above a station (province, city, county, town): a supervisor who belongs
    to one of them may lead an inspection there."""
    code = station.region_code
    return [code[:n].ljust(12, "0") for n in (2, 4, 6, 9)]


def _check_lead(station: Station, lead: Staff | None) -> None:
    if lead is None:
        return
    if lead.kind != Kind.SUPERVISOR or lead.status != StaffStatus.IN_POST:
        raise ValidationError({"lead": f"{lead.name}不是在岗督导，不能带队。"})
    assigned = lead.assignments.open().filter(station=station).exists()
    if not assigned and lead.region_code not in lead_region_codes(station):
        raise ValidationError({"lead": f"{lead.name}不负责{station.name}所在区域，不能带队。"})


def _check_methods(methods: Iterable[str]) -> list[str]:
    methods = list(dict.fromkeys(methods))
    if not methods:
        raise ValidationError({"methods": "请至少选择一种检查方式。"})
    unknown = [code for code in methods if code not in Method.values]
    if unknown:
        raise ValidationError({"methods": f"未知的检查方式：{'、'.join(unknown)}。"})
    return methods


def _score(value, item: CheckItem) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        score = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({"scores": f"“{item.name}”的评分应为数字。"}) from None
    if not score.is_finite() or score < 0 or score > MAX_SCORE:
        raise ValidationError({"scores": f"“{item.name}”的评分应在0到{MAX_SCORE}之间。"})
    if score != score.quantize(Decimal("0.1")):
        raise ValidationError({"scores": f"“{item.name}”的评分最多保留一位小数。"})
    return score


def _check_scores(rows: Iterable[ScoreRow]) -> list[tuple[CheckItem, Decimal | None, str]]:
    checked, seen = [], set()
    known = set(CheckItem.objects.filter(active=True).values_list("pk", flat=True))
    for item, value, verdict in rows:
        if not isinstance(item, CheckItem) or item.pk not in known:
            name = getattr(item, "name", item)
            raise ValidationError({"scores": f"检查项目“{name}”不在目录中，或已停用。"})
        if item.pk in seen:
            raise ValidationError({"scores": f"检查项目“{item.name}”重复填写。"})
        seen.add(item.pk)
        score, verdict = _score(value, item), (verdict or "").strip()
        if len(verdict) > 50:
            raise ValidationError({"scores": f"“{item.name}”的结论不能超过50个字。"})
        if score is None and not verdict:
            raise ValidationError({"scores": f"“{item.name}”：请填写评分或结论（至少一项）。"})
        checked.append((item, score, verdict))
    return checked


def _check_recommendations(
    rows: Iterable[RecommendationRow], visited_on: date
) -> list[tuple[str, date | None]]:
    checked = []
    for number, (text, deadline) in enumerate(rows, 1):
        text = (text or "").strip()
        if not text:
            raise ValidationError({"recommendations": f"第{number}条意见建议未填写内容。"})
        if deadline is not None and deadline < visited_on:
            raise ValidationError({"recommendations": f"第{number}条意见建议的整改期限不能早于检查日期。"})
        checked.append((text, deadline))
    if len(checked) > MAX_RECOMMENDATIONS:
        raise ValidationError({"recommendations": f"每次检查最多记录{MAX_RECOMMENDATIONS}条意见建议。"})
    return checked


@transaction.atomic
def inspection_record(
    *,
    actor: User,
    station: Station,
    kind: str,
    visited_on: date,
    team: str,
    methods: Iterable[str],
    findings: str = "",
    scores: Sequence[ScoreRow] = (),
    recommendations: Sequence[RecommendationRow] = (),
    lead: Staff | None = None,
) -> Inspection:
    """Record an inspection or an evaluation visit to a station, with its item scores and recommendations.
    `actor` None is the system (the demo loader)."""
    require(actor, "inspection.record", station)
    if kind not in InspectionKind.values:
        raise ValidationError({"kind": "请选择类型：督导检查或监测评估。"})
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": "检查日期不能晚于今天。"})
    if station.retired_on is not None and visited_on > station.retired_on:
        day = station.retired_on
        raise ValidationError(
            {"visited_on": f"检查日期晚于{station.name}的撤销日期（{day.year}年{day.month}月{day.day}日）。"}
        )
    team = (team or "").strip()
    if not team:
        raise ValidationError({"team": "请填写检查组：来检查的单位和人员。"})
    methods = _check_methods(methods)
    _check_lead(station, lead)
    checked_scores = _check_scores(scores)
    checked_recommendations = _check_recommendations(recommendations, visited_on)

    inspection = Inspection(
        kind=kind,
        station=station,
        region_code=station.region_code,
        visited_on=visited_on,
        team=team,
        lead=lead,
        methods=methods,
        findings=(findings or "").strip(),
        recorded_by=actor,
    )
    inspection.full_clean()
    inspection.save()
    InspectionScore.objects.bulk_create(
        InspectionScore(inspection=inspection, item=item, score=score, verdict=verdict)
        for item, score, verdict in checked_scores
    )
    Recommendation.objects.bulk_create(
        Recommendation(
            inspection=inspection,
            station=station,
            region_code=station.region_code,
            text=text,
            deadline=deadline,
        )
        for text, deadline in checked_recommendations
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=inspection,
        object_repr=f"{station.name} {inspection}",
        changes={
            "检查项目": [None, [item.name for item, _, _ in checked_scores]],
            "意见建议": [None, len(checked_recommendations)],
        },
    )
    return inspection


@transaction.atomic
def recommendation_done(
    *, actor: User, recommendation: Recommendation, done_on: date, note: str = ""
) -> Recommendation:
    """Mark a recommendation done. A second person marking it at the same time is refused, not overwriting."""
    station = recommendation.station
    require(actor, "recommendation.follow_up", station)
    current = (
        Recommendation.objects.held(recommendation)
        .select_for_update(of=("self",))
        .select_related("inspection")  # no outer join: PostgreSQL cannot lock its nullable side
        .get()
    )
    if current.done_on is not None:
        who = f"由{current.done_by}" if current.done_by_id else ""
        day = current.done_on
        raise ValidationError(f"该意见建议已{who}于{day.year}年{day.month}月{day.day}日标记完成。")
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": "完成日期不能晚于今天。"})
    if done_on < current.inspection.visited_on:
        raise ValidationError({"done_on": "完成日期不能早于检查日期。"})
    note = (note or "").strip()
    if len(note) > 200:
        raise ValidationError({"note": "落实情况不能超过200个字。"})
    current.done_on = done_on
    current.done_by = actor
    current.done_note = note
    current.full_clean()
    current.save(update_fields=["done_on", "done_by", "done_note"])
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=current,
        changes={"完成日期": [None, done_on.isoformat()], "落实情况": [None, note]},
    )
    recommendation.done_on, recommendation.done_by, recommendation.done_note = (
        current.done_on,
        current.done_by,
        current.done_note,
    )
    return current


# ---------------------------------------------------------------------------------------------- catalogue


@transaction.atomic
def check_item_create(*, actor: User, name: str, sort_order: int = 100) -> CheckItem:
    require(actor, "catalogue.manage")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写检查项目名称。"})
    if CheckItem.objects.filter(name=name).exists():
        raise ValidationError({"name": f"检查项目“{name}”已存在（停用的项目可重新启用）。"})
    item = CheckItem(name=name, sort_order=sort_order)
    item.full_clean()
    item.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=item, region_code=actor.home_region_code)
    return item


@transaction.atomic
def check_item_set_active(*, actor: User, item: CheckItem, active: bool) -> CheckItem:
    """Deactivate an item (new inspections no longer offer it; old scores keep it), or enable it again."""
    require(actor, "catalogue.manage")
    if item.active == active:
        return item
    item.active = active
    item.save(update_fields=["active"])
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=item,
        changes={"启用": [not active, active]},
        region_code=actor.home_region_code,
    )
    return item
