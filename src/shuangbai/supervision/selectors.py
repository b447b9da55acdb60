"""Read queries for inspections and recommendations, always scoped. Inspection findings are internal records:
the read-only viewer sees none of them (the views answer 404, the selectors return nothing)."""

from __future__ import annotations

from django.db.models import BooleanField, Case, Count, F, Q, QuerySet, Value, When
from django.utils import timezone

from shuangbai.core.models import User
from shuangbai.core.permissions import has_perm
from shuangbai.core.scoping import code_range, get_visible_or_404
from shuangbai.regions.models import Region
from shuangbai.staff.models import Kind, Staff, StaffStatus
from shuangbai.stations.models import Station

from .models import CheckItem, Inspection, InspectionScore, Recommendation
from .services import lead_region_codes


def inspection_list(
    user: User, *, station: Station | None = None, region: Region | None = None
) -> QuerySet[Inspection]:
    """Newest first, each with its count of open recommendations."""
    inspections = Inspection.objects.visible_to(user)
    if not has_perm(user, "inspection.view"):
        return inspections.none()
    if station is not None:
        inspections = inspections.filter(station=station)
    if region is not None:
        low, high = code_range(region.prefix)
        inspections = inspections.filter(region_code__gte=low, region_code__lte=high)
    return (
        inspections.select_related("station", "lead")
        .annotate(open_count=Count("recommendations", filter=Q(recommendations__done_on__isnull=True)))
        .order_by("-visited_on", "-id")
    )


def get_inspection_for_user(user: User, pk: int) -> Inspection:
    return get_visible_or_404(
        Inspection.objects.select_related("station", "lead", "recorded_by"), user, pk=pk
    )


def get_recommendation_for_user(user: User, pk: int) -> Recommendation:
    return get_visible_or_404(
        Recommendation.objects.select_related("inspection", "station", "done_by"), user, pk=pk
    )


def inspection_scores(inspection: Inspection) -> QuerySet[InspectionScore]:
    return inspection.scores.select_related("item").order_by("item__sort_order", "item_id")


def inspection_recommendations(inspection: Inspection) -> QuerySet[Recommendation]:
    return inspection.recommendations.select_related("done_by").order_by("id")


def open_recommendations(user: User, station: Station) -> QuerySet[Recommendation]:
    """A station's recommendations not yet done, nearest deadline first (none last), for the station page;
    `overdue` marks those past their deadline."""
    if not has_perm(user, "inspection.view"):
        return Recommendation.objects.none()
    today = timezone.localdate()
    return (
        Recommendation.objects.visible_to(user)
        .open()
        .filter(station=station)
        .select_related("inspection")
        .annotate(
            overdue=Case(
                When(deadline__lt=today, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        .order_by(F("deadline").asc(nulls_last=True), "inspection__visited_on", "id")
    )


def station_panel(user: User, station: Station) -> dict:
    """What the station page's supervision panel (supervision/partials/station_recommendations.html) needs."""
    return {
        "open_recommendations": list(open_recommendations(user, station)),
        "can_record_inspection": has_perm(user, "inspection.record", station),
    }


def check_items(*, include_inactive: bool = False) -> QuerySet[CheckItem]:
    items = CheckItem.objects.all()
    return items if include_inactive else items.filter(active=True)


def lead_choices(station: Station) -> QuerySet[Staff]:
    """Supervisors in post who may lead an inspection at a station: assigned to it, or belonging to a region
    above it."""
    return (
        Staff.objects.unscoped("supervisors who may lead an inspection at a station found in scope")
        .filter(kind=Kind.SUPERVISOR, status=StaffStatus.IN_POST)
        .filter(
            Q(region_code__in=lead_region_codes(station))
            | Q(assignments__station=station, assignments__ended_on__isnull=True)
        )
        .distinct()
        .order_by("name", "id")
    )
