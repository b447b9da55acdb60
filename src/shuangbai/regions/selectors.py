from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import Substr

from shuangbai.core.models import User
from shuangbai.core.scoping import code_range, get_visible_or_404, scope_of

from .models import PREFIX_LENGTH, Level, Region


def get_region_for_user(user: User, code: str) -> Region:
    return get_visible_or_404(Region.objects.select_related("parent"), user, code=code)


def breadcrumbs(user: User, region: Region, *, include_self: bool = True) -> list[tuple[Region, bool]]:
    """The path down to `region` as (region, linked): regions outside the user's scope are named, not linked."""
    scope = scope_of(user)
    path = region.ancestors() + ([region] if include_self else [])
    return [(node, scope.covers_code(node.code)) for node in path]


def top_regions_for_user(user: User) -> list[Region]:
    """The highest regions a user may open: their scope's root(s)."""
    scope = scope_of(user)
    if scope.everything:
        return list(Region.objects.filter(parent__isnull=True))
    codes = [prefix.ljust(12, "0") for prefix in scope.prefixes]
    return list(Region.objects.filter(code__in=codes))


def default_region(user: User) -> Region | None:
    """The node a user's coverage page opens on: their scope's one root (a station user: their town)."""
    roots = top_regions_for_user(user)
    return roots[0] if len(roots) == 1 else None


@dataclass
class ChildSummary:
    region: Region
    stations: int = 0
    points: int = 0
    staff: int = 0


def _counts_by_prefix(queryset, length: int, subtree_prefix: str) -> dict[str, int]:
    low, high = code_range(subtree_prefix)
    rows = (
        queryset.filter(region_code__gte=low, region_code__lte=high)
        .annotate(child=Substr("region_code", 1, length))
        .values("child")
        .annotate(n=Count("id"))
        .values_list("child", "n")
    )
    return dict(rows)


def region_children_summary(user: User, region: Region) -> list[ChildSummary]:
    """Children of a region with the stations, points and staff in post under each: four queries."""
    from shuangbai.staff.models import Staff
    from shuangbai.stations.models import Point, Station

    child_level = region.child_level
    if child_level is None:
        return []
    length = PREFIX_LENGTH[Level(child_level)]
    children = list(Region.objects.visible_to(user).filter(parent=region))
    stations = _counts_by_prefix(Station.objects.visible_to(user).active(), length, region.prefix)
    points = _counts_by_prefix(Point.objects.visible_to(user).active(), length, region.prefix)
    staff = _counts_by_prefix(
        Staff.objects.visible_to(user).in_post().filter(~Q(station=None)), length, region.prefix
    )
    return [
        ChildSummary(
            region=child,
            stations=stations.get(child.prefix, 0),
            points=points.get(child.prefix, 0),
            staff=staff.get(child.prefix, 0),
        )
        for child in children
    ]
