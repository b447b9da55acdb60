"""The one access rule: every scoped queryset answers `.visible_to(user)`.

A user's scope is a set of region-code prefixes (the subtree of a city or county) and, for station roles,
the set of stations they belong to. Scoped models carry `region_code` (the 12-digit code of the region node
they belong to) so that a scope check is one indexed range filter, never a join up the tree.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models, router
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


SupervisedStations = Callable[["User"], Mapping[int, str]]  # {station id: its 12-digit region code}
_supervised_stations: SupervisedStations | None = None


def register_supervised_stations(source: SupervisedStations) -> SupervisedStations:
    """Who answers "which stations does this supervisor account supervise now": the staff app, from its
    AppConfig.ready(). The source runs unscoped (it makes the scope); until one is registered a supervisor
    sees nothing."""
    global _supervised_stations
    _supervised_stations = source
    return source


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
        stations = _supervised_stations(user) if _supervised_stations is not None else {}  # fail closed
        return Scope(
            prefixes=tuple(sorted({code[:9] for code in stations.values()})),
            station_ids=frozenset(stations),
        )
    return NOTHING


# ---------------------------------------------------------------------------------------- the scope guard
#
# A query of programme data must say whose it is. Evaluating a ScopedQuerySet fails loudly unless it came
# from `.visible_to(user)`, from `.unscoped("why")`, from a row already held (a related manager such as
# `household.members`), or runs inside `with unscoped("why"):` (loaders, commands, tests). Requests always
# start guarded (ScopeGuardMiddleware), whatever the caller's context.


class ScopeError(Exception):
    """A query of programme data was evaluated without a scope."""


_unscoped_reason: contextvars.ContextVar[str | None] = contextvars.ContextVar("unscoped_reason", default=None)


@contextmanager
def unscoped(why: str) -> Iterator[None]:
    """Queries inside run unscoped; for loaders, commands, summaries and tests. Say why."""
    if not why.strip():
        raise ValueError("unscoped() needs a reason")
    token = _unscoped_reason.set(why)
    try:
        yield
    finally:
        _unscoped_reason.reset(token)


@contextmanager
def guarded() -> Iterator[None]:
    """Queries inside are guarded again, whatever the caller's context (a request inside a test)."""
    token = _unscoped_reason.set(None)
    try:
        yield
    finally:
        _unscoped_reason.reset(token)


class ScopeGuardMiddleware:
    """Every request starts guarded, even when the caller (a test, a command) runs unscoped."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with guarded():
            return self.get_response(request)


class ScopeGuardManager(models.Manager):
    def contribute_to_class(self, cls, name):
        super().contribute_to_class(cls, name)
        if self._queryset_class.guarded and not cls._meta.abstract and not issubclass(cls, ScopedModel):
            raise TypeError(f"{cls.__name__} has a guarded manager: make it a ScopedModel")

    def get_queryset(self):
        queryset = super().get_queryset()
        if getattr(self, "instance", None) is not None:
            # a related manager (household.members): reached from a row the caller already holds
            queryset._scoped = True
        return queryset


def _marks_scoped(visible_to):
    def wrapper(self, user):
        queryset = visible_to(self, user)
        queryset._scoped = True
        return queryset

    wrapper.__doc__ = visible_to.__doc__
    return wrapper


class ScopedQuerySet(models.QuerySet):
    """Base for every queryset of programme data. Subclasses name the fields that place a row.

    `guarded = False` for reference data that anyone may read (the region tree)."""

    scope_region_field: str = "region_code"
    scope_station_field: str | None = "station_id"
    guarded: bool = True
    _scoped: bool = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "visible_to" in cls.__dict__:  # an own rule: its result is scoped too, however it is built
            cls.visible_to = _marks_scoped(cls.__dict__["visible_to"])

    def as_manager(cls):
        manager = ScopeGuardManager.from_queryset(cls)()
        manager._built_with_as_manager = True
        return manager

    as_manager.queryset_only = True
    as_manager = classmethod(as_manager)

    def unscoped(self, why: str) -> ScopedQuerySet:
        """Every row, on purpose: a summary over a region already checked, a uniqueness rule, a loader."""
        if not why.strip():
            raise ValueError("unscoped() needs a reason")
        clone = self._chain()
        clone._scoped = True
        return clone

    def held(self, *rows: models.Model) -> ScopedQuerySet:
        """The rows of records the caller already holds (found in scope before): to lock, re-read or update
        them. No scope is added, since none is needed."""
        clone = self.filter(pk=rows[0].pk) if len(rows) == 1 else self.filter(pk__in=[row.pk for row in rows])
        clone._scoped = True
        return clone

    def none(self) -> ScopedQuerySet:
        clone = super().none()
        clone._scoped = True  # nothing is nobody's
        return clone

    def _clone(self):
        clone = super()._clone()
        clone._scoped = self._scoped
        return clone

    def _check_scope(self) -> None:
        if self._scoped or not self.guarded or _unscoped_reason.get() is not None:
            return
        raise ScopeError(
            f"{self.model.__name__} queried without a scope: start from .visible_to(user), or say "
            '.unscoped("why") where every row is meant'
        )

    def _fetch_all(self):
        if self._result_cache is None:
            self._check_scope()
        super()._fetch_all()

    def _iterator(self, use_chunked_fetch, chunk_size):
        self._check_scope()
        yield from super()._iterator(use_chunked_fetch, chunk_size)

    def count(self):
        if self._result_cache is None:
            self._check_scope()
        return super().count()

    def exists(self):
        if self._result_cache is None:
            self._check_scope()
        return super().exists()

    def aggregate(self, *args, **kwargs):
        self._check_scope()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs):
        self._check_scope()
        return super().update(**kwargs)

    def delete(self):
        self._check_scope()
        return super().delete()

    def explain(self, *, format=None, **options):
        self._check_scope()
        return super().explain(format=format, **options)

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


ScopedQuerySet.visible_to = _marks_scoped(ScopedQuerySet.visible_to)


class ChildQuerySet(ScopedQuerySet):
    """Rows that belong to a parent record (a case's notes, a visit's photos): seen by whoever sees the parent,
    by the parent's own rule."""

    parent_field: str = ""

    def visible_to(self, user: User) -> ScopedQuerySet:
        parent = self.model._meta.get_field(self.parent_field).related_model
        return self.filter(**{f"{self.parent_field}__in": parent.objects.visible_to(user)})


def child_of(parent_field: str) -> type[ChildQuerySet]:
    """The queryset class of a model whose rows belong to the record `parent_field` points at."""
    return type(f"ChildOf_{parent_field}", (ChildQuerySet,), {"parent_field": parent_field})


class ScopedModel(models.Model):
    """Programme data: uniqueness rules hold across every scope, so their checks read unscoped."""

    class Meta:
        abstract = True

    def validate_unique(self, exclude=None):
        with unscoped("uniqueness holds across every scope"):
            super().validate_unique(exclude=exclude)

    def validate_constraints(self, exclude=None):
        # As Django's own, with one change: a CheckConstraint is checked against only the fields its condition
        # names. Django hands it every field of the row, and compiling those into the check's query cost 5 ms a
        # save (40% of loading the demo); the answer is the same.
        exclude = set(exclude or ())
        using = router.db_for_write(type(self), instance=self)
        errors: dict = {}
        with unscoped("constraints hold across every scope"):
            for model, constraints in self.get_constraints():
                for constraint in constraints:
                    skip = exclude
                    if isinstance(constraint, models.CheckConstraint):
                        named = models.Q(constraint.condition).referenced_base_fields
                        unnamed = {f.name for f in model._meta.concrete_fields} | {"pk"}
                        skip = exclude | (unnamed - named)
                    try:
                        constraint.validate(model, self, exclude=skip, using=using)
                    except ValidationError as error:
                        fields = getattr(constraint, "fields", ())
                        if getattr(error, "code", None) == "unique" and len(fields) == 1:
                            errors.setdefault(fields[0], []).append(error)
                        else:
                            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


def get_visible_or_404(queryset: ScopedQuerySet, user: User, **lookup):
    """The same 404 for 'missing' and 'outside your scope'."""
    try:
        return queryset.visible_to(user).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None
