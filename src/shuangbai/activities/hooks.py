"""What activities add to the rest of the system: a registered person's part in an activity is a service on its
day (服务覆盖率), an event on their timeline, and the station figures count activities, participants, volunteers
and their hours, and the partners engaged."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Sum

from shuangbai.core.periods import Period
from shuangbai.registry.models import Beneficiary
from shuangbai.registry.timeline import Event, timeline_provider
from shuangbai.stations.figures import Figure, register_figures_source
from shuangbai.visits.coverage import register_service_source

from .models import Activity, ActivityPartner, ActivityPerson, ActivityVolunteer, VolunteerService


@register_service_source
def activity_participation(period: Period) -> Exists:
    """The person took part in an activity in their window (one seek of `activity_person_day`)."""
    return Exists(
        ActivityPerson.objects.filter(
            beneficiary=OuterRef("pk"),
            held_on__gte=OuterRef("cov_from"),
            held_on__lte=OuterRef("cov_to"),
        )
    )


@timeline_provider
def _activity_events(person: Beneficiary) -> Iterable[Event]:
    links = (
        ActivityPerson.objects.filter(beneficiary=person)
        .select_related("activity__station")
        .order_by("-held_on", "-id")[:50]
    )
    for link in links:
        activity = link.activity
        yield Event(
            link.held_on,
            "活动",
            f"参加{activity.station.name}的{activity.get_kind_display()}“{activity.title}”",
            activity.get_absolute_url(),
        )


@register_figures_source
def activity_figures(low: str, high: str, start: date, end: date) -> Iterable[Figure]:
    """Six queries for any region and period: activities and participants, distinct beneficiaries, volunteer
    people and hours from the activities, the same from services outside them, and distinct partners."""
    activities = Activity.objects.filter(
        region_code__gte=low, region_code__lte=high, held_on__range=(start, end)
    )
    totals = activities.aggregate(n=Count("id"), participants=Sum("participants"))
    people = (
        ActivityPerson.objects.filter(
            region_code__gte=low, region_code__lte=high, held_on__range=(start, end)
        )
        .values("beneficiary_id")
        .distinct()
        .count()
    )
    in_activities = ActivityVolunteer.objects.filter(
        region_code__gte=low, region_code__lte=high, held_on__range=(start, end)
    )
    outside = VolunteerService.objects.filter(
        region_code__gte=low, region_code__lte=high, served_on__range=(start, end)
    )
    volunteer_ids = (
        in_activities.order_by().values("volunteer_id").union(outside.order_by().values("volunteer_id"))
    )
    hours = (in_activities.aggregate(h=Sum("hours"))["h"] or Decimal(0)) + (
        outside.aggregate(h=Sum("hours"))["h"] or Decimal(0)
    )
    partners = (
        ActivityPartner.objects.filter(activity__in=activities.values("id"))
        .values("partner_id")
        .distinct()
        .count()
    )
    yield Figure("活动", "开展活动", totals["n"], "次", "activities.count")
    yield Figure("活动", "参与人次", totals["participants"] or 0, "人次", "activities.participants")
    yield Figure("活动", "服务对象参与", people, "人", "activities.beneficiaries")
    yield Figure("活动", "联动合作单位", partners, "个", "partners.count")
    yield Figure("志愿服务", "志愿者", volunteer_ids.count(), "人", "volunteers.people")
    yield Figure("志愿服务", "志愿服务时长", hours, "小时", "volunteers.hours")
