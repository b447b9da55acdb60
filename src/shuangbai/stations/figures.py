"""The station figures (站点工作数据): for a station or any region node and a period, the counts the bulletins
quote — visits, households visited, cases opened and closed, referrals, each kind of assistance (people and
households), goods handed out per item, activities and participants, volunteers and hours, people newly
identified by category.

Each app that records work registers a source here (`@register_figures_source`), so this module knows none
of them. A source is called with the code range of the node (`low`, `high`: 12-digit region codes, a subtree
as an index range, see core.scoping.code_range) and the period's first and last day, and yields `Figure`s
counted with a fixed number of set-based queries (never one per record): it must stay fast for a county's year.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from shuangbai.core.db import no_jit
from shuangbai.core.scoping import code_range, unscoped
from shuangbai.regions.models import Region


@dataclass(frozen=True)
class Figure:
    section: (
        str  # the heading it is listed under: 走访, 个案, 转介, 资源链接, 物资发放, 活动, 志愿服务, 新识别
    )
    label: str  # what is counted, as the bulletins say it: 协助申请残疾人补贴, 链接救助金和生活物资 ...
    value: int | Decimal
    unit: str  # 人, 户, 次, 个, 份, 件, 小时 ...
    key: str  # stable name for --json and tests: "assistance.disability_subsidy.people"


FiguresSource = Callable[[str, str, date, date], Iterable[Figure]]
FIGURES_SOURCES: list[FiguresSource] = []
# The order sections are shown in; a section not named here comes after, in the order sources yield it.
SECTIONS = ["走访", "新识别", "个案", "转介", "资源链接", "物资发放", "活动", "志愿服务"]


def register_figures_source(source: FiguresSource) -> FiguresSource:
    """Add a kind of work to the station figures; usable as a decorator (in the app's AppConfig.ready)."""
    if source not in FIGURES_SOURCES:
        FIGURES_SOURCES.append(source)
    return source


@dataclass
class FiguresSection:
    name: str
    figures: list[Figure]


@dataclass
class FiguresTable:
    region: Region
    start: date
    end: date
    sections: list[FiguresSection]

    def value(self, key: str) -> int | Decimal | None:
        """A figure by its key (None when no source reports it)."""
        for section in self.sections:
            for figure in section.figures:
                if figure.key == key:
                    return figure.value
        return None

    def as_dict(self) -> dict:
        return {
            "region": self.region.code,
            "name": self.region.name,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "sections": [
                {
                    "section": section.name,
                    "figures": [
                        {
                            "key": f.key,
                            "label": f.label,
                            "value": f.value if isinstance(f.value, int) else str(f.value),
                            "unit": f.unit,
                        }
                        for f in section.figures
                    ],
                }
                for section in self.sections
            ],
        }


def station_figures(region: Region, start: date, end: date) -> FiguresTable:
    """Every source's figures for the subtree of `region` (a station's own: its town) from `start` to `end`.
    Callers check the reader may see the region."""
    low, high = code_range(region.prefix)
    by_section: dict[str, list[Figure]] = {}
    # no_jit: a county's year of visits looks costly enough to JIT-compile, which takes longer than it runs
    with no_jit(), unscoped("figures count a region the caller may see"):
        for source in FIGURES_SOURCES:
            for figure in source(low, high, start, end):
                by_section.setdefault(figure.section, []).append(figure)
    order = {name: i for i, name in enumerate(SECTIONS)}
    names = sorted(by_section, key=lambda name: order.get(name, len(SECTIONS)))
    return FiguresTable(
        region=region,
        start=start,
        end=end,
        sections=[FiguresSection(name, by_section[name]) for name in names],
    )
