"""Assistance and distribution in the rest of the system: the beneficiary's timeline, the service coverage
(服务覆盖率) and the station figures (站点工作数据)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, Sum

from shuangbai.registry.models import Beneficiary
from shuangbai.registry.timeline import Event, timeline_provider
from shuangbai.stations.figures import Figure, register_figures_source
from shuangbai.visits.coverage import register_service_source

from .models import REACHED, AssistanceStep, AssistanceType, HandOut


@timeline_provider
def _assistance_events(person: Beneficiary) -> Iterable[Event]:
    steps = (
        AssistanceStep.objects.filter(beneficiary=person)
        .select_related("assistance", "type")
        .order_by("-on", "-id")[:50]
    )
    for step in steps:
        record = step.assistance
        source = record.get_party_display() + (f"·{record.giver}" if record.giver else "")
        note = f"：{step.note}" if step.note else ""
        yield Event(
            step.on,
            "资源链接",
            f"{step.type.name}：{step.get_status_display()}（{source}）{note}",
            record.get_absolute_url(),
        )
    for given in (
        HandOut.objects.filter(beneficiary=person)
        .select_related("batch", "worker")
        .order_by("-handed_on")[:50]
    ):
        batch = given.batch
        by = f"，发放社工：{given.worker.name}" if given.worker_id else ""
        yield Event(
            given.handed_on,
            "物资发放",
            f"领取{batch.item}{given.quantity}{batch.unit}（{batch.get_party_display()}"
            f"{'·' + batch.donor if batch.donor else ''}）{by}",
            batch.get_absolute_url(),
        )


@register_service_source
def assistance_service(period) -> Q:
    """Any step of an assistance record of the person, or goods handed to them, in their window."""
    return Q(
        Exists(
            AssistanceStep.objects.filter(
                beneficiary=OuterRef("pk"), on__gte=OuterRef("cov_from"), on__lte=OuterRef("cov_to")
            )
        )
    ) | Q(
        Exists(
            HandOut.objects.filter(
                beneficiary=OuterRef("pk"),
                handed_on__gte=OuterRef("cov_from"),
                handed_on__lte=OuterRef("cov_to"),
            )
        )
    )


@register_figures_source
def assistance_figures(low: str, high: str, start: date, end: date) -> Iterable[Figure]:
    """Per assistance type: the people whose record first reached 协助申请 or beyond in the period (helped to
    apply, or linked), and their households: a record counts once, in the period it got there, however many
    steps follow. Only types with someone counted are listed. One grouped query."""
    earlier = AssistanceStep.objects.filter(
        assistance=OuterRef("assistance"), status__in=REACHED, on__lt=OuterRef("on")
    )
    rows = (
        AssistanceStep.objects.filter(
            region_code__gte=low, region_code__lte=high, on__gte=start, on__lte=end, status__in=REACHED
        )
        .filter(~Exists(earlier))
        .values("type_id")
        .annotate(
            people=Count("beneficiary_id", distinct=True), households=Count("household_id", distinct=True)
        )
    )
    counts = {row["type_id"]: row for row in rows}
    for kind in AssistanceType.objects.filter(pk__in=list(counts)).order_by("sort_order", "id"):
        row = counts[kind.pk]
        yield Figure("资源链接", kind.figure_label, row["people"], "人", f"assistance.{kind.code}.people")
        yield Figure(
            "资源链接",
            f"{kind.figure_label}涉及户数",
            row["households"],
            "户",
            f"assistance.{kind.code}.households",
        )


@register_figures_source
def distribution_figures(low: str, high: str, start: date, end: date) -> Iterable[Figure]:
    """Per item: the quantity handed out in the period (in the batch's unit) and the households reached (the
    registered households, plus those of signed lists for people not on the register). One grouped query."""
    rows = (
        HandOut.objects.filter(
            region_code__gte=low, region_code__lte=high, handed_on__gte=start, handed_on__lte=end
        )
        .values("batch__item", "batch__unit")
        .annotate(
            quantity=Sum("quantity"),
            registered=Count("household_id", distinct=True),
            listed=Sum("households", filter=Q(beneficiary__isnull=True)),
        )
        .order_by("batch__item", "batch__unit")
    )
    rows = list(rows)
    items = [row["batch__item"] for row in rows]
    for row in rows:
        item, unit = row["batch__item"], row["batch__unit"]
        key = f"distribution.{item}" if items.count(item) == 1 else f"distribution.{item}.{unit}"
        yield Figure("物资发放", f"发放{item}", row["quantity"], unit, key)
        yield Figure(
            "物资发放",
            f"发放{item}受益户数",
            row["registered"] + (row["listed"] or 0),
            "户",
            f"{key}.households",
        )
