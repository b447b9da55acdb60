"""Read queries for cases and referrals, always scoped. Cases are personal data: the read-only viewer sees
none of them (the views answer 404, the selectors return nothing)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from shuangbai.core.models import User
from shuangbai.core.permissions import has_perm
from shuangbai.core.scoping import code_range, get_visible_or_404
from shuangbai.regions.models import Region
from shuangbai.stations.models import Station

from .models import Agency, Case, CaseStatus, Goal, Referral, ReferralStep

STATUS_FILTERS = {"open": "在案", "closed": "已结案", "exemplary": "优秀案例", "all": "全部"}


@dataclass(frozen=True)
class CaseCounts:
    open: int
    closed: int
    exemplary: int

    @property
    def total(self) -> int:
        return self.open + self.closed


def _cases(user: User, *, station: Station | None = None, region: Region | None = None) -> QuerySet[Case]:
    cases = Case.objects.visible_to(user)
    if not has_perm(user, "case.view"):
        return cases.none()
    if station is not None:
        cases = cases.filter(station=station)
    if region is not None:
        low, high = code_range(region.prefix)
        cases = cases.filter(region_code__gte=low, region_code__lte=high)
    return cases


def case_list(
    user: User, *, station: Station | None = None, region: Region | None = None, status: str = "open"
) -> QuerySet[Case]:
    """A station's, a region's or the whole scope's cases (open by default), newest first; never the
    encrypted assessment notes."""
    cases = _cases(user, station=station, region=region)
    if status in (CaseStatus.OPEN, CaseStatus.CLOSED):
        cases = cases.filter(status=status)
    elif status == "exemplary":
        cases = cases.filter(exemplary=True)
    return (
        cases.select_related("beneficiary", "station", "worker")
        .defer("assessment_notes", "write_up", "presenting_problem", "problems", "strengths", "close_reason")
        .annotate(note_count=Count("notes", distinct=True), referral_count=Count("referrals", distinct=True))
        .order_by("-opened_on", "-id")
    )


def case_counts(user: User, *, station: Station | None = None, region: Region | None = None) -> CaseCounts:
    counts = _cases(user, station=station, region=region).aggregate(
        open=Count("pk", filter=Q(status=CaseStatus.OPEN)),
        closed=Count("pk", filter=Q(status=CaseStatus.CLOSED)),
        exemplary=Count("pk", filter=Q(exemplary=True)),
    )
    return CaseCounts(**counts)


def get_case_for_user(user: User, pk: int) -> Case:
    return get_visible_or_404(
        Case.objects.select_related(
            "beneficiary",
            "beneficiary__household",
            "beneficiary__household__village",
            "station",
            "worker",
            "opened_by",
            "closed_by",
        ),
        user,
        pk=pk,
    )


def get_goal_for_user(user: User, pk: int) -> Goal:
    goal = Goal.objects.visible_to(user).select_related("case", "case__station").filter(pk=pk).first()
    if goal is None:
        raise Http404
    return goal


def get_referral_for_user(user: User, pk: int) -> Referral:
    return get_visible_or_404(
        Referral.objects.select_related("case", "case__station", "case__beneficiary", "agency"), user, pk=pk
    )


def case_referrals(case: Case) -> list[Referral]:
    """The case's referrals, each with its steps in order (the timeline of the case page)."""
    steps = ReferralStep.objects.unscoped("prefetched for the referrals of a case found in scope")
    steps = steps.select_related("agency", "recorded_by").order_by("on_date", "id")
    return list(
        case.referrals.select_related("agency")
        .prefetch_related(Prefetch("steps", queryset=steps))
        .order_by("referred_on", "id")
    )


def case_notes(case: Case):
    return case.notes.select_related("worker").order_by("-written_on", "-id")


def case_reviews(case: Case):
    return case.reviews.select_related("reviewer").order_by("-reviewed_on", "-id")


def case_goals(case: Case):
    return case.goals.order_by("id")


def agency_choices() -> QuerySet[Agency]:
    return Agency.objects.filter(active=True).select_related("region").order_by("kind", "name")


def agencies(*, include_inactive: bool = False) -> QuerySet[Agency]:
    found = Agency.objects.select_related("region").order_by("kind", "name")
    return found if include_inactive else found.filter(active=True)
