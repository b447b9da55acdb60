from __future__ import annotations

from django.db.models import Q, QuerySet

from shuangbai.core.models import User
from shuangbai.core.scoping import get_visible_or_404

from .models import Assignment, Kind, Position, Staff


def supervised_stations(user: User) -> dict[int, str]:
    """{station id: region code} of the stations a supervisor account is assigned to now."""
    if not user.staff_id:
        return {}
    return dict(
        Assignment.objects.filter(
            staff_id=user.staff_id, position=Position.SUPERVISOR, ended_on__isnull=True
        ).values_list("station_id", "station__region_code")
    )


def staff_list(
    user: User,
    *,
    station_id: int | None = None,
    status: str | None = None,
    kind: str | None = None,
    q: str = "",
) -> QuerySet[Staff]:
    staff = Staff.objects.visible_to(user).select_related("station", "point")
    if station_id:
        staff = staff.filter(station_id=station_id)
    if status:
        staff = staff.filter(status=status)
    if kind:
        staff = staff.filter(kind=kind)
    if q:
        staff = staff.filter(Q(name__contains=q) | Q(station__name__contains=q) | Q(point__name__contains=q))
    return staff


def get_staff_for_user(user: User, pk: int) -> Staff:
    return get_visible_or_404(Staff.objects.select_related("station", "point"), user, pk=pk)


def staff_history(staff: Staff) -> QuerySet[Assignment]:
    return staff.assignments.select_related("station", "point").order_by("-started_on", "-id")


def station_heads(station_ids: list[int]) -> dict[int, Staff]:
    heads = Staff.objects.in_post().filter(
        station_id__in=station_ids, position=Position.HEAD, kind=Kind.WORKER
    )
    return {staff.station_id: staff for staff in heads}


def placement_choices(user: User, station=None) -> dict[str, QuerySet]:
    """The stations and points a user may place a worker at (the points of `station` only, when given)."""
    from shuangbai.stations.models import Point, Station

    points = Point.objects.visible_to(user).active().select_related("station")
    if station is not None:
        points = points.filter(station=station)
    return {"stations": Station.objects.visible_to(user).active().order_by("region_code"), "points": points}


def supervisor_choices(user: User) -> dict[str, QuerySet]:
    """The regions a supervisor may belong to and the stations they may supervise, in the user's scope."""
    from shuangbai.regions.models import Level, Region
    from shuangbai.stations.models import Station

    return {
        "regions": Region.objects.visible_to(user).filter(level__in=[Level.CITY, Level.COUNTY]),
        "stations": Station.objects.visible_to(user).active().select_related("town").order_by("region_code"),
    }
