from __future__ import annotations

from collections.abc import Mapping

from django.db.models import Q, QuerySet
from django.http import Http404

from shuangbai.core.models import User
from shuangbai.core.scoping import code_range, get_visible_or_404
from shuangbai.regions.models import Region

from .models import Point, Station


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
    return stations


def get_station_for_user(user: User, pk: int) -> Station:
    return get_visible_or_404(Station.objects.select_related("town"), user, pk=pk)


def station_from_query(user: User, query: Mapping[str, str]) -> Station | None:
    """The station a page's `?station=<pk>` names: None when absent or blank; a 404 when it is no whole number
    or names a station the user may not see (the same 404 as a station that does not exist)."""
    value = query.get("station", "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        raise Http404
    return get_station_for_user(user, int(value))


def get_point_for_user(user: User, pk: int) -> Point:
    return get_visible_or_404(
        Point.objects.select_related("station", "village", "station__town"), user, pk=pk
    )


def station_points(station: Station, *, include_retired: bool = False) -> QuerySet[Point]:
    points = station.points.select_related("village")
    if not include_retired:
        points = points.active()
    return points


def villages_for_station(station: Station) -> QuerySet[Region]:
    low, high = code_range(station.region_code[:9])
    return Region.objects.filter(level="village", code__gte=low, code__lte=high)
