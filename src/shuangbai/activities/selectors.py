"""Read queries for activities, volunteers and partners, always scoped. The activity list names no person and
is open to the read-only viewer; everything with names (an activity's page, volunteers, partners' contacts) is
not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404

from shuangbai.core.models import User
from shuangbai.core.scoping import code_range, get_visible_or_404
from shuangbai.regions.models import Region
from shuangbai.registry.models import Beneficiary
from shuangbai.registry.selectors import TAIL
from shuangbai.stations.models import Station

from .models import (
    Activity,
    ActivityPerson,
    ActivityPhoto,
    ActivityVolunteer,
    Partner,
    Volunteer,
    VolunteerService,
    codes_above,
)

SEARCH_LIMIT = 20


@dataclass(frozen=True)
class ActivityFilter:
    station: Station | None = None
    region: Region | None = None
    theme: str = ""
    month: date | None = None  # its first day


def _in_region(queryset: QuerySet, region: Region) -> QuerySet:
    low, high = code_range(region.prefix)
    return queryset.filter(region_code__gte=low, region_code__lte=high)


def _count(links: QuerySet, field: str = "activity"):
    return Coalesce(
        Subquery(
            links.filter(**{field: OuterRef("pk")})
            .order_by()
            .values(field)
            .annotate(n=Count("id"))
            .values("n")[:1]
        ),
        0,
    )


def activity_list(user: User, filters: ActivityFilter = ActivityFilter()) -> QuerySet[Activity]:
    """Newest first, each with its counts of registered participants and volunteers."""
    activities = Activity.objects.visible_to(user)
    if filters.station is not None:
        activities = activities.filter(station=filters.station)
    if filters.region is not None:
        activities = _in_region(activities, filters.region)
    if filters.theme:
        activities = activities.filter(theme=filters.theme)
    if filters.month is not None:
        first = filters.month.replace(day=1)
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        activities = activities.filter(held_on__gte=first, held_on__lt=following)
    return (
        activities.select_related("station", "point")
        .annotate(
            people_count=_count(ActivityPerson.objects.all()),
            volunteer_count=_count(ActivityVolunteer.objects.all()),
        )
        .order_by("-held_on", "-id")
    )


def activity_totals(activities: QuerySet[Activity]) -> dict:
    return activities.order_by().aggregate(n=Count("id"), participants=Coalesce(Sum("participants"), 0))


def get_activity_for_user(user: User, pk: int) -> Activity:
    return get_visible_or_404(
        Activity.objects.select_related("station", "station__town", "point", "recorded_by"), user, pk=pk
    )


def activity_people(activity: Activity) -> QuerySet[Beneficiary]:
    return (
        activity.people.defer("id_number", "health_notes")
        .select_related("household__village")
        .order_by("region_code", "name", "id")
    )


def activity_volunteers(activity: Activity) -> QuerySet[ActivityVolunteer]:
    return activity.volunteer_links.select_related("volunteer", "volunteer__partner").order_by("id")


def activity_partners(activity: Activity) -> QuerySet[Partner]:
    return activity.partners.order_by("activity_links__id")


def get_photo_for_user(user: User, pk: int) -> ActivityPhoto:
    """A photo is seen by whoever may see its activity."""
    photo = ActivityPhoto.objects.visible_to(user).filter(pk=pk).first()
    if photo is None:
        raise Http404
    return photo


def station_people(user: User, station: Station) -> QuerySet[Beneficiary]:
    """The people an activity of the station may name: its current beneficiaries the user may see (the service
    checks each one's register dates against the activity's day)."""
    return (
        Beneficiary.objects.visible_to(user)
        .current()
        .filter(station=station)
        .defer("id_number", "health_notes")
    )


def people_search(user: User, station: Station, q: str) -> list[Beneficiary]:
    """A name (or part of one) or the last four characters of the ID number, within the station."""
    q = (q or "").strip()
    if not q:
        return []
    people = station_people(user, station).filter(status="active")
    people = people.filter(id_tail=q.upper()) if TAIL.match(q) else people.filter(name__contains=q)
    return list(people.select_related("household__village").order_by("name", "id")[:SEARCH_LIMIT])


def _reach(queryset: QuerySet, station: Station) -> QuerySet:
    prefix = station.region_code[:9]
    low, high = code_range(prefix)
    return queryset.filter(
        Q(region_code__gte=low, region_code__lte=high) | Q(region_code__in=codes_above([prefix]))
    )


def volunteer_choices(user: User, station: Station, *, include=()) -> QuerySet[Volunteer]:
    """Volunteers a station's activity may name: of its town or registered above it, active (or already named)."""
    chosen = [v.pk for v in include]
    volunteers = _reach(Volunteer.objects.visible_to(user), station)
    return volunteers.filter(Q(active=True) | Q(pk__in=chosen)).order_by("region_code", "name", "id")


def partner_choices(user: User, station: Station, *, include=()) -> QuerySet[Partner]:
    chosen = [p.pk for p in include]
    partners = _reach(Partner.objects.visible_to(user), station)
    return partners.filter(Q(active=True) | Q(pk__in=chosen)).order_by("-region_code", "name", "id")


# ---------------------------------------------------------------------------------- volunteers and partners


def volunteer_list(
    user: User, *, station: Station | None = None, region: Region | None = None, q: str = ""
) -> QuerySet[Volunteer]:
    """Volunteers in scope (a station's: those of its town), each with activities and hours in total."""
    volunteers = Volunteer.objects.visible_to(user)
    if station is not None:
        volunteers = _reach(volunteers, station)
    elif region is not None:
        volunteers = _in_region(volunteers, region)
    if q.strip():
        volunteers = volunteers.filter(Q(name__contains=q.strip()) | Q(organisation__contains=q.strip()))
    hours = (
        ActivityVolunteer.objects.filter(volunteer=OuterRef("pk"))
        .order_by()
        .values("volunteer")
        .annotate(h=Sum("hours"))
        .values("h")[:1]
    )
    other = (
        VolunteerService.objects.filter(volunteer=OuterRef("pk"))
        .order_by()
        .values("volunteer")
        .annotate(h=Sum("hours"))
        .values("h")[:1]
    )
    return (
        volunteers.select_related("partner", "station")
        .annotate(
            activity_count=_count(ActivityVolunteer.objects.all(), "volunteer"),
            activity_hours=Coalesce(Subquery(hours), Decimal(0)),
            other_hours=Coalesce(Subquery(other), Decimal(0)),
        )
        .order_by("-active", "region_code", "name", "id")
    )


def get_volunteer_for_user(user: User, pk: int) -> Volunteer:
    return get_visible_or_404(Volunteer.objects.select_related("partner", "station"), user, pk=pk)


def volunteer_record(user: User, volunteer: Volunteer) -> dict:
    """A volunteer's activities (those the user may see) and services outside them, with the hours."""
    links = list(
        ActivityVolunteer.objects.filter(volunteer=volunteer, activity__in=Activity.objects.visible_to(user))
        .select_related("activity", "activity__station")
        .order_by("-held_on", "-id")
    )
    services = list(volunteer.services.select_related("recorded_by").order_by("-served_on", "-id"))
    return {
        "links": links,
        "services": services,
        "hours": sum((link.hours for link in links), Decimal(0))
        + sum((s.hours for s in services), Decimal(0)),
    }


def partner_list(
    user: User, *, station: Station | None = None, region: Region | None = None, kind: str = ""
) -> QuerySet[Partner]:
    partners = Partner.objects.visible_to(user)
    if station is not None:
        partners = _reach(partners, station)
    elif region is not None:
        partners = _in_region(partners, region)
    if kind:
        partners = partners.filter(kind=kind)
    return partners.annotate(
        activity_count=_count(Activity.partners.through.objects.all(), "partner")
    ).order_by("-active", "region_code", "name", "id")


def partners_in_scope(user: User, *, include: int | None = None) -> QuerySet[Partner]:
    """Active partners the user sees (and the one a record already names), for a volunteer's organisation."""
    return (
        Partner.objects.visible_to(user)
        .filter(Q(active=True) | Q(pk=include))
        .order_by("region_code", "name")
    )


def get_partner_for_user(user: User, pk: int) -> Partner:
    return get_visible_or_404(Partner.objects.all(), user, pk=pk)


def partner_activities(user: User, partner: Partner) -> QuerySet[Activity]:
    return (
        Activity.objects.visible_to(user).filter(partner_links__partner=partner).select_related("station")
    ).order_by("-held_on", "-id")


def partner_volunteers(user: User, partner: Partner) -> QuerySet[Volunteer]:
    return Volunteer.objects.visible_to(user).filter(partner=partner).order_by("name", "id")
