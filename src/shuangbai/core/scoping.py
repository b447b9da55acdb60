"""The one access rule: every scoped queryset answers `.visible_to(user)`.

A user's scope is a set of region-code prefixes (the subtree of a city or county) and, for station roles,
the set of stations they belong to. Scoped models carry `region_code` (the 12-digit code of the region node
they belong to) so that a scope check is one indexed range filter, never a join up the tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.http import Http404

if TYPE_CHECKING:
    from .models import User

CODE_LENGTH = 12


def code_range(prefix: str) -> tuple[str, str]:
    """Lowest and highest 12-digit codes under a prefix (a subtree, as an index range)."""
    return prefix.ljust(CODE_LENGTH, "0"), prefix.ljust(CODE_LENGTH, "9")


@dataclass(frozen=True)
class Scope:
    prefixes: tuple[str, ...] = ()
    station_ids: frozenset[int] | None = None  # None: every station under the prefixes
    everything: bool = False

    def covers_code(self, code: str) -> bool:
        return self.everything or any(code.startswith(prefix) for prefix in self.prefixes)


NOTHING = Scope(prefixes=(), station_ids=frozenset())


def scope_of(user: User) -> Scope:
    """Computed once per request and kept on the user object."""
    cached = getattr(user, "_scope_cache", None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    if user.is_authenticated:
        user._scope_cache = scope
    return scope


def _compute_scope(user: User) -> Scope:
    from .models import REGION_ROLES, STATION_ROLES, Role

    if not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return Scope(everything=True)
    if user.role in REGION_ROLES:
        if user.scope_region is None:
            return NOTHING
        return Scope(prefixes=(user.scope_region.prefix,))
    if user.role in STATION_ROLES:
        station = user.scope_station
        if station is None:
            return NOTHING
        return Scope(prefixes=(station.region_code[:9],), station_ids=frozenset({station.pk}))
    if user.role == Role.SUPERVISOR:
        from shuangbai.staff.selectors import supervised_stations

        stations = supervised_stations(user)
        return Scope(
            prefixes=tuple(sorted({code[:9] for code in stations.values()})),
            station_ids=frozenset(stations),
        )
    return NOTHING


class ScopedQuerySet(models.QuerySet):
    """Base for every queryset of programme data. Subclasses name the fields that place a row."""

    scope_region_field: str = "region_code"
    scope_station_field: str | None = "station_id"

    def visible_to(self, user: User) -> ScopedQuerySet:
        scope = scope_of(user)
        if scope.everything:
            return self.all()
        if scope.station_ids is not None and self.scope_station_field:
            return self.filter(**{f"{self.scope_station_field}__in": sorted(scope.station_ids)})
        if not scope.prefixes:
            return self.none()
        condition = Q()
        for prefix in scope.prefixes:
            low, high = code_range(prefix)
            condition |= Q(
                **{f"{self.scope_region_field}__gte": low, f"{self.scope_region_field}__lte": high}
            )
        return self.filter(condition)


def get_visible_or_404(queryset: ScopedQuerySet, user: User, **lookup):
    """The same 404 for 'missing' and 'outside your scope'."""
    try:
        return queryset.visible_to(user).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None
