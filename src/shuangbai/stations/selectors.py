from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from shuangbai.core.models import User
from shuangbai.core.scoping import code_range, get_visible_or_404
from shuangbai.regions.models import Region
from shuangbai.staff.models import Staff, StaffStatus

from .models import Point, Station


def _count_subquery(queryset, field: str):
    return Coalesce(
        Subquery(
            queryset.filter(**{field: OuterRef("pk")})
            .order_by()
            .values(field)
            .annotate(n=Count("id"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def station_list(
    user: User, *, region: Region | None = None, status: str = "", q: str = "", include_retired: bool = False
) -> QuerySet[Station]:
    stations = Station.objects.visible_to(user).select_related("town")
    if not include_retired:
        stations = stations.active()
    if region is not None:
        low, high = code_range(region.prefix)
        stations = stations.filter(region_code__gte=low, region_code__lte=high)
    if status:
        stations = stations.filter(status=status)
    if q:
        stations = stations.filter(Q(name__contains=q) | Q(town__name__contains=q) | Q(address__contains=q))
    return stations.annotate(
        point_count=_count_subquery(Point.objects.active(), "station"),
        staff_count=_count_subquery(Staff.objects.filter(status=StaffStatus.IN_POST), "station"),
    )


def get_station_for_user(user: User, pk: int) -> Station:
    return get_visible_or_404(Station.objects.select_related("town"), user, pk=pk)


def get_point_for_user(user: User, pk: int) -> Point:
    return get_visible_or_404(
        Point.objects.select_related("station", "village", "station__town"), user, pk=pk
    )


def station_points(station: Station, *, include_retired: bool = False) -> QuerySet[Point]:
    points = station.points.select_related("village")
    if not include_retired:
        points = points.active()
    return points.annotate(
        staff_count=_count_subquery(Staff.objects.filter(status=StaffStatus.IN_POST), "point")
    )


def station_staff(station: Station) -> QuerySet[Staff]:
    return station.staff.in_post().select_related("point").order_by("position", "name", "id")


def villages_for_station(station: Station) -> QuerySet[Region]:
    low, high = code_range(station.region_code[:9])
    return Region.objects.filter(level="village", code__gte=low, code__lte=high)
