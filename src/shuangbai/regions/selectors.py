from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.functions import Substr

from shuangbai.core.models import User
from shuangbai.core.scoping import code_range, get_visible_or_404, scope_of

from .models import PREFIX_LENGTH, Level, Region
from .pages import ChildCount, child_counts


def get_region_for_user(user: User, code: str) -> Region:
    return get_visible_or_404(Region.objects.select_related("parent"), user, code=code)


def region_from_query(user: User, query: Mapping[str, str]) -> Region | None:
    """The region a page's `?region=<code>` names: None when absent or blank; a 404 when no region has that code
    or it lies outside the user's scope (the same 404 for both)."""
    code = query.get("region", "").strip()
    return get_region_for_user(user, code) if code else None


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
    counts: list[tuple[ChildCount, int]] = field(default_factory=list)  # the columns, in order


def counts_by_prefix(queryset, length: int, subtree_prefix: str) -> dict[str, int]:
    """{child prefix: rows} of a (scoped) queryset of rows with a region code, over a subtree's children."""
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
    """Children of a region with the counts the apps register under each (stations, points, staff in post):
    one query for the children and one per count."""
    child_level = region.child_level
    if child_level is None:
        return []
    length = PREFIX_LENGTH[Level(child_level)]
    children = list(Region.objects.visible_to(user).filter(parent=region))
    columns = [(count, count.counts(user, region.prefix, length)) for count in child_counts()]
    return [
        ChildSummary(region=child, counts=[(count, found.get(child.prefix, 0)) for count, found in columns])
        for child in children
    ]
