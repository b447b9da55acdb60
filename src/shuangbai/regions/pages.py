"""What the apps above add to a region's page, so this app knows none of them (stations: the stations and
points under each child and a town's stations; staff: the staff in post under each child). Filled from the
apps' AppConfig.ready(), like the station figures.

- A **child count** is a column of the children table: `counts(user, prefix, length)` answers
  {child prefix: n} for the subtree `prefix`, children's prefixes being `length` digits long, with ONE
  grouped query that starts from `.visible_to(user)` (see `regions.selectors.counts_by_prefix`).
- A **region panel** is a section after the children table. `context(user, region)` does its own scoping
  from `user` and returns the template's context, or None when the panel is not shown for this region or
  reader. The template also gets `region`, and `user` from the request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.template.loader import render_to_string

from .models import Region

if TYPE_CHECKING:
    from shuangbai.core.models import User


@dataclass(frozen=True)
class ChildCount:
    key: str  # "stations", "points", "staff"
    label: str  # the column heading: 社工站, 社工点, 在岗社工
    counts: Callable[[User, str, int], Mapping[str, int]]
    order: int = 100  # column position


CHILD_COUNTS: list[ChildCount] = []


def register_child_count(count: ChildCount) -> ChildCount:
    """Add a column to the children table of a region's page; call from the app's AppConfig.ready()."""
    if count not in CHILD_COUNTS:
        CHILD_COUNTS.append(count)
    return count


def child_counts() -> list[ChildCount]:
    return sorted(CHILD_COUNTS, key=lambda count: count.order)


@dataclass(frozen=True)
class RegionPanel:
    template: str
    context: Callable[[User, Region], dict | None]
    order: int = 100


REGION_PANELS: list[RegionPanel] = []


def register_region_panel(panel: RegionPanel) -> RegionPanel:
    """Add a section to a region's page; call from the app's AppConfig.ready()."""
    if panel not in REGION_PANELS:
        REGION_PANELS.append(panel)
    return panel


def region_panels(request: HttpRequest, region: Region) -> list[str]:
    """The panels this reader is shown on a region's page, rendered, in order."""
    rendered = []
    for panel in sorted(REGION_PANELS, key=lambda panel: panel.order):
        context = panel.context(request.user, region)
        if context is not None:
            rendered.append(render_to_string(panel.template, {"region": region, **context}, request=request))
    return rendered
