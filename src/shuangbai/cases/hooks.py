"""The casework in the rest of the system, registered from CasesConfig.ready():

- coverage (服务覆盖率): a case opened (intake), a case note or a referral step in the person's window is a
  service to the case's beneficiary;
- the beneficiary's timeline: case opened, notes, referral steps, closed;
- the station figures: 个案 (新开个案, 结案, 在案 at the period's end) and 转介 (转介, 已办结).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q

from shuangbai.core.periods import Period
from shuangbai.registry.models import Beneficiary
from shuangbai.registry.timeline import Event, timeline_provider
from shuangbai.stations.figures import Figure, register_figures_source
from shuangbai.visits.coverage import register_service_source

from .models import Case, CaseNote, Referral, ReferralStep, StepStatus

TIMELINE_NOTE_CHARS = 40


@register_service_source
def casework_services(period: Period) -> Q:
    """Intake, a case note or a referral step dated in the person's window."""
    return (
        Exists(
            Case.objects.filter(
                beneficiary=OuterRef("pk"),
                opened_on__gte=OuterRef("cov_from"),
                opened_on__lte=OuterRef("cov_to"),
            )
        )
        | Exists(
            CaseNote.objects.filter(
                case__beneficiary=OuterRef("pk"),
                written_on__gte=OuterRef("cov_from"),
                written_on__lte=OuterRef("cov_to"),
            )
        )
        | Exists(
            ReferralStep.objects.filter(
                referral__case__beneficiary=OuterRef("pk"),
                on_date__gte=OuterRef("cov_from"),
                on_date__lte=OuterRef("cov_to"),
            )
        )
    )


@timeline_provider
def case_events(person: Beneficiary) -> Iterable[Event]:
    cases = list(person.cases.select_related("worker").order_by("opened_on", "id"))
    if not cases:
        return
    by_id = {case.pk: case for case in cases}
    for case in cases:
        url = case.get_absolute_url()
        worker = f"，负责社工：{case.worker.name}" if case.worker_id else ""
        yield Event(
            case.opened_on, "开案", f"{case.get_source_display()}：{case.presenting_problem}{worker}", url
        )
        if case.closed_on:
            yield Event(case.closed_on, "结案", f"{case.get_outcome_display()}：{case.close_reason}", url)
    for note in CaseNote.objects.filter(case_id__in=by_id).select_related("worker").order_by("written_on"):
        text = note.text if len(note.text) <= TIMELINE_NOTE_CHARS else note.text[:TIMELINE_NOTE_CHARS] + "…"
        yield Event(
            note.written_on,
            "个案记录",
            f"{text}（{note.worker.name}）",
            by_id[note.case_id].get_absolute_url(),
        )
    steps = ReferralStep.objects.filter(referral__case_id__in=by_id).select_related("agency", "referral")
    for step in steps.order_by("on_date", "id"):
        notes = f"：{step.notes}" if step.notes else ""
        yield Event(
            step.on_date,
            "转介",
            f"{step.agency.name}{step.get_status_display()}（{step.referral.purpose}）{notes}",
            by_id[step.referral.case_id].get_absolute_url(),
        )


@register_figures_source
def casework_figures(low: str, high: str, start: date, end: date) -> Iterable[Figure]:
    """Two aggregate queries, one over the cases and one over the referrals of the code range."""
    cases = Case.objects.filter(region_code__gte=low, region_code__lte=high, opened_on__lte=end).aggregate(
        opened=Count("pk", filter=Q(opened_on__gte=start)),
        closed=Count("pk", filter=Q(closed_on__gte=start, closed_on__lte=end)),
        open=Count("pk", filter=Q(closed_on__isnull=True) | Q(closed_on__gt=end)),
    )
    yield Figure("个案", "新开个案", cases["opened"], "个", "cases.opened")
    yield Figure("个案", "结案", cases["closed"], "个", "cases.closed")
    yield Figure("个案", "在案（期末）", cases["open"], "个", "cases.open")
    referrals = (
        Referral.objects.filter(region_code__gte=low, region_code__lte=high)
        .filter(
            Q(referred_on__gte=start, referred_on__lte=end) | Q(finished_on__gte=start, finished_on__lte=end)
        )
        .aggregate(
            sent=Count("pk", filter=Q(referred_on__gte=start, referred_on__lte=end)),
            done=Count("pk", filter=Q(status=StepStatus.DONE, finished_on__gte=start, finished_on__lte=end)),
        )
    )
    yield Figure("转介", "转介", referrals["sent"], "次", "referrals.sent")
    yield Figure("转介", "已办结", referrals["done"], "次", "referrals.done")
