"""What the apps above add to the station pages, so this app knows none of them (the staff app: the head and
the staff in post; supervision: the open recommendations). Filled from the apps' AppConfig.ready(), like the
station figures.

- A **site fact** is a value per station or point row: a column of the station list and of a station's points
  table; a count (it has a `unit`) also goes on the region page's station cards, any other fact among the
  facts at the top of a station's page. `values` gets the ids of the rows on a page, which the reader was
  already allowed to see (they came from `.visible_to(user)`), and answers {id: value} with ONE query that
  says so with `.unscoped("why")`; ids it does not answer get `default`.
- A **station panel** is a section of a station's page, after the points table. `context(user, station)` does
  its own scoping from `user` (start from `.visible_to(user)`, or a related manager of the station) and
  returns the template's context, or None when this reader is not shown the panel. The template also gets
  `station`, and `user` from the request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, Sum
from django.http import HttpRequest
from django.template.loader import render_to_string

from shuangbai.core.permissions import has_perm

from .models import Point, Station

if TYPE_CHECKING:
    from shuangbai.core.models import User


@dataclass(frozen=True)
class SiteFact:
    key: str  # also set as an attribute of each row: "head", "staff_count"
    label: str  # the column heading: 站长, 在岗社工
    of: str  # "station" | "point"
    values: Callable[[list[int]], Mapping[int, object]]
    default: object = None  # shown as "—" when None
    unit: str = ""  # a count's unit (个, 人): right-aligned, and shown on the region page's station cards
    order: int = 100  # column position
    permission: str | None = None  # what a reader must hold to be shown it (a person's name: staff.view)


SITE_FACTS: list[SiteFact] = []


def register_site_fact(fact: SiteFact) -> SiteFact:
    """Add a value to each station or point row; call from the app's AppConfig.ready()."""
    if fact not in SITE_FACTS:
        SITE_FACTS.append(fact)
    return fact


def site_facts(user: User, of: str, *, counts: bool | None = None) -> list[SiteFact]:
    """The facts of stations or points this reader is shown, in column order; `counts` True: only counts,
    False: only the others."""
    facts = [
        fact
        for fact in SITE_FACTS
        if fact.of == of
        and (counts is None or bool(fact.unit) == counts)
        and (fact.permission is None or has_perm(user, fact.permission))
    ]
    return sorted(facts, key=lambda fact: fact.order)


def with_facts(user: User, rows: Iterable, of: str, *, counts: bool | None = None) -> list:
    """The rows (stations or points the reader may see), each given `facts`, [(fact, value), ...] in column
    order, and each value as the attribute `fact.key`. One query per fact, whatever the number of rows."""
    rows = list(rows)
    facts = site_facts(user, of, counts=counts)
    values = {fact: fact.values([row.pk for row in rows]) if rows else {} for fact in facts}
    for row in rows:
        row.facts = []
        for fact in facts:
            value = values[fact].get(row.pk, fact.default)
            row.facts.append((fact, value))
            setattr(row, fact.key, value)
    return rows


def active_point_counts(station_ids: list[int]) -> dict[int, int]:
    return dict(
        Point.objects.unscoped("the points of stations on a page the reader may open")
        .active()
        .filter(station_id__in=station_ids)
        .values("station_id")
        .annotate(n=Count("id"))
        .values_list("station_id", "n")
    )


# the stations' own column, between the staff app's 站长 and 在岗社工
register_site_fact(
    SiteFact("point_count", "社工点", "station", active_point_counts, default=0, unit="个", order=20)
)


@dataclass(frozen=True)
class StationPanel:
    template: str
    context: Callable[[User, Station], dict | None]
    order: int = 100


STATION_PANELS: list[StationPanel] = []


def register_station_panel(panel: StationPanel) -> StationPanel:
    """Add a section to a station's page; call from the app's AppConfig.ready()."""
    if panel not in STATION_PANELS:
        STATION_PANELS.append(panel)
    return panel


def station_panels(request: HttpRequest, station: Station) -> list[str]:
    """The panels this reader is shown on a station's page, rendered, in order."""
    rendered = []
    for panel in sorted(STATION_PANELS, key=lambda panel: panel.order):
        context = panel.context(request.user, station)
        if context is not None:
            rendered.append(
                render_to_string(panel.template, {"station": station, **context}, request=request)
            )
    return rendered


def service_areas(station_ids: list[int]) -> dict[int, str]:
    """What a station's active points cover: 共覆盖4个村（居）963人 (seed 001's 河口街道), with the villages
    whose population is not recorded said so, never counted as none."""
    rows = (
        Point.objects.unscoped("the points of stations on a page the reader may open")
        .active()
        .filter(station_id__in=station_ids, village__isnull=False)
        .values("station_id")
        .annotate(
            villages=Count("village_id", distinct=True),
            people=Sum("population"),
            unknown=Count("id", filter=Q(population__isnull=True)),
        )
    )
    areas = {}
    for row in rows:
        text = f"共覆盖{row['villages']}个村（居）"
        if row["people"] is not None:
            text += f"{row['people']}人"
        if row["unknown"]:
            text += f"（{row['unknown']}个点未登记人口）"
        areas[row["station_id"]] = text
    return areas


register_site_fact(SiteFact("service_area", "服务范围", "station", service_areas, order=30))
