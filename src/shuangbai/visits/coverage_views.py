"""Coverage pages: 入户率 and 服务覆盖率 with the drill-down, the 漏访 list and its export, 两个全覆盖.

The figures are counts (open to every role, the read-only viewer included); the 漏访 list names people
(personal data: the viewer gets the 404 of a page that does not exist). A region outside the user's scope is a
404 too. Bad period input is answered on the page, in Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from openpyxl.cell import WriteOnlyCell

from shuangbai.core.db import no_jit
from shuangbai.core.models import User
from shuangbai.core.periods import (
    Period,
    last_full_month,
    month_period,
    parse_period,
    quarter_period,
    year_period,
    year_to_date,
)
from shuangbai.core.permissions import require, requires
from shuangbai.core.scoping import scope_of
from shuangbai.core.spreadsheets import export_sheet, finish_export, safe_cell, xlsx_response
from shuangbai.regions.models import Level, Region
from shuangbai.regions.selectors import breadcrumbs, default_region, region_from_query, top_regions_for_user
from shuangbai.registry.models import FOLLOW_UP_LEVELS, NoIdReason, Umbrella
from shuangbai.stations.models import Point

from . import coverage as cov

PAGE_SIZE = 50
GROUPS = [("total", "全部"), ("hardship", Umbrella.HARDSHIP.label), ("special", Umbrella.SPECIAL.label)]
PERIOD_KINDS = [("month", "按月"), ("quarter", "按季度"), ("year", "按年"), ("dates", "自定义日期")]
LEVEL_NAMES = dict(FOLLOW_UP_LEVELS)


# ------------------------------------------------------------------------------------------------ parsing


@dataclass
class Node:
    """What a page is about: a region in scope and, under a town, perhaps one point or the station's own."""

    region: Region
    point: Point | None = None
    station_base: bool = False

    @property
    def name(self) -> str:
        if self.point is not None:
            return f"{self.region.name} · {self.point.name}"
        if self.station_base:
            return f"{self.region.name} · {cov.STATION_BASE_NAME}"
        return self.region.name

    @property
    def params(self) -> list[tuple[str, str]]:
        params = [("region", self.region.code)]
        if self.point is not None:
            params.append(("point", str(self.point.pk)))
        elif self.station_base:
            params.append(("point", cov.STATION_BASE))
        return params


def _node(request: HttpRequest) -> Node | None:
    """The `region` (and `point`) parameters, 404 outside the user's scope; without `region`, the user's one
    top region (None when they have several: the page asks which)."""
    region = region_from_query(request.user, request.GET) or default_region(request.user)
    if region is None:
        return None
    value = request.GET.get("point", "").strip()
    if not value:
        return Node(region)
    if region.level != Level.TOWN:
        raise Http404
    if value == cov.STATION_BASE:
        return Node(region, station_base=True)
    point = cov.point_in_town(request.user, region, value)
    if point is None:
        raise Http404
    return Node(region, point=point)


def _period(request: HttpRequest, *, default=None) -> tuple[Period | None, str]:
    """The period named by the query, or (None, the reason in Chinese)."""
    today = timezone.localdate()
    try:
        if default is not None and not request.GET.get("period"):
            return default(today), ""
        return parse_period(request.GET, today=today), ""
    except ValidationError as error:
        return None, error.messages[0]


def _period_form(request: HttpRequest, period: Period | None) -> dict:
    """The values the period form shows: the period's own, or what was typed when it was refused."""
    today = timezone.localdate()
    values = {
        "kind": "month",
        "month": f"{today:%Y-%m}",
        "year": str(today.year),
        "quarter": str((today.month - 1) // 3 + 1),
        "from": "",
        "to": "",
    }
    if period is not None:
        values["kind"] = period.kind
        values["from"], values["to"] = period.start.isoformat(), period.end.isoformat()
        values.update(dict(period.params))
        values.pop("period", None)
    else:
        values["kind"] = request.GET.get("period", "month")
        values.update(
            {
                key: request.GET[key]
                for key in ("month", "year", "quarter", "from", "to")
                if key in request.GET
            }
        )
    return values | {"kinds": PERIOD_KINDS, "quarters": ["1", "2", "3", "4"]}


def _quick_periods(today: date) -> list[Period]:
    last_month = today.replace(day=1) - timedelta(days=1)
    quarter = (today.month - 1) // 3 + 1
    last_quarter = (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)
    return [
        month_period(today.year, today.month),
        month_period(last_month.year, last_month.month),
        quarter_period(today.year, quarter),
        quarter_period(*last_quarter),
        year_period(today.year),
    ]


def _query(*parts) -> str:
    params: list[tuple[str, str]] = []
    for part in parts:
        params.extend(part)
    return urlencode(params)


# ------------------------------------------------------------------------------------------------ coverage


@dataclass
class TableRow:
    row: cov.CoverageRow
    figures: cov.Figures
    href: str
    missed_href: str


@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    """入户率, 服务覆盖率 and overdue counts of a node and its children, for a period; counts only."""
    node = _node(request)
    period, error = _period(request, default=last_full_month)
    group = request.GET.get("group", "total")
    if group not in dict(GROUPS):
        group = "total"
    context = {
        "node": node,
        "period": period,
        "error": error,
        "group": group,
        "groups": GROUPS,
        "form": _period_form(request, period),
        "quick": _quick_periods(timezone.localdate()),
        "running": period is not None and period.running(timezone.localdate()),
        "roots": top_regions_for_user(request.user) if node is None else [],
    }
    if node is not None:
        context["crumbs"] = breadcrumbs(
            request.user, node.region, include_self=bool(node.point or node.station_base)
        )
        context["node_query"] = _query(node.params)
    if node is not None and period is not None:
        table = cov.coverage_table(
            request.user, node.region, period, point=node.point, station_base=node.station_base
        )
        missed_url = reverse("visits:missed")
        summary = [(label, table.node.figures(key)) for key, label in GROUPS]
        rows = []
        for child in table.children:
            child_params = (
                [("region", child.region.code)]
                if child.region
                else [
                    ("region", node.region.code),
                    ("point", child.point_param),
                ]
            )
            rows.append(
                TableRow(
                    row=child,
                    figures=child.figures(group),
                    href="?" + _query(child_params, period.params, [("group", group)]),
                    missed_href=f"{missed_url}?"
                    + _query(child_params, period.params, [("umbrella", group)] if group != "total" else []),
                )
            )
        context |= {
            "table": table,
            "rows": rows,
            "summary": summary,
            "overdue_rows": [
                (LEVEL_NAMES[level], [figures.overdue[level] for _, figures in summary])
                for level in cov.LEVELS
            ],
            "period_query": period.query,
            "missed_href": f"{missed_url}?{_query(node.params, period.params)}",
            "city_code": node.region.code[:4].ljust(12, "0") if node.region.level != Level.PROVINCE else "",
        }
    return render(request, "visits/coverage.html", context)


# ---------------------------------------------------------------------------------------------------- 漏访


def _missed_query(request: HttpRequest):
    node = _node(request)
    if node is None:
        raise Http404
    period, error = _period(request)
    umbrella = request.GET.get("umbrella", "")
    if umbrella not in Umbrella.values:
        umbrella = ""
    return node, period, error, umbrella


def _describe(node: Node, period: Period, umbrella: str) -> str:
    parts = [node.name, f"{period.label}（{period.range_label}）"]
    if umbrella:
        parts.append(Umbrella(umbrella).label)
    return "；".join(parts)


@require_GET
@requires("visit.view")
def missed(request: HttpRequest) -> HttpResponse:
    """漏访: people in the register during the period never visited at home in it, 50 a page, IDs masked."""
    node, period, error, umbrella = _missed_query(request)
    context = {
        "node": node,
        "period": period,
        "error": error,
        "umbrella": umbrella,
        "umbrella_label": Umbrella(umbrella).label if umbrella else "",
        "crumbs": breadcrumbs(request.user, node.region, include_self=bool(node.point or node.station_base)),
    }
    if period is not None:
        people = cov.missed_people(
            request.user,
            node.region,
            period,
            point=node.point,
            station_base=node.station_base,
            umbrella=umbrella,
        )
        as_of = period.as_of(timezone.localdate())
        with no_jit():
            page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
            people_on_page = list(page.object_list)
        last = cov.last_home_visits([p.household_id for p in people_on_page], as_of)
        for person in people_on_page:
            person.last_home_visit = last.get(person.household_id)
        query = _query(node.params, period.params, [("umbrella", umbrella)] if umbrella else [])
        context |= {
            "page": page,
            "people": people_on_page,
            "as_of": as_of,
            "export_href": f"{reverse('visits:missed_export')}?{query}",
            "coverage_href": f"{reverse('visits:coverage')}?{_query(node.params, period.params)}",
        }
    return render(request, "visits/missed.html", context)


EXPORT_HEADERS = [
    ("姓名", 10),
    ("身份证号", 22),
    ("镇（街）", 12),
    ("村（居）", 12),
    ("住址", 24),
    ("社工站", 18),
    ("社工点", 14),
    ("跟进级别", 8),
    ("建档日期", 14),
    ("退出日期", 14),
    ("最近入户日期", 14),
]
EXPORT_FIELDS = (
    "name",
    "id_masked",
    "no_id_reason",
    "household__village__parent__name",
    "household__village__name",
    "household__address",
    "station__name",
    "point__name",
    "follow_up_level",
    "registered_on",
    "exited_on",
    "household_id",
)
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
CHUNK = 2000
NO_ID = dict(NoIdReason.choices)


def export_missed(*, actor: User, people, description: str, as_of: date) -> tuple[bytes, int]:
    """The 漏访 list as .xlsx: who exported and when on the first line, IDs masked, audited as an export.
    `people` comes from `missed_people` (scoped to `actor`); the last home visits are read a chunk at a time."""
    require(actor, "visit.view")
    workbook, sheet = export_sheet(
        actor=actor, title="漏访名单", headers=EXPORT_HEADERS, description=description
    )

    count = 0
    chunk: list[tuple] = []
    rows = people.select_related(None).values_list(*EXPORT_FIELDS)
    with no_jit():
        for row in rows.iterator(chunk_size=CHUNK):
            chunk.append(row)
            if len(chunk) == CHUNK:
                count += _write_missed(sheet, chunk, as_of)
                chunk = []
        if chunk:
            count += _write_missed(sheet, chunk, as_of)
    content = finish_export(workbook, actor=actor, description=description, count=count, what="漏访名单")
    return content, count


def _date_cell(sheet, value):
    cell = WriteOnlyCell(sheet, value=value)
    if value is not None:
        cell.number_format = DATE_FORMAT
    return cell


def _write_missed(sheet, chunk: list[tuple], as_of: date) -> int:
    last = cov.last_home_visits(list({row[-1] for row in chunk}), as_of)
    for (
        name,
        masked,
        no_id,
        town,
        village,
        address,
        station,
        point,
        level,
        registered,
        exited,
        household,
    ) in chunk:
        sheet.append(
            [
                safe_cell(name),
                masked or f"无（{NO_ID.get(no_id, '未填写原因')}）",
                safe_cell(town or ""),
                safe_cell(village or ""),
                safe_cell(address or ""),
                safe_cell(station or ""),
                safe_cell(point or cov.STATION_BASE_NAME),
                LEVEL_NAMES.get(level, ""),
                _date_cell(sheet, registered),
                _date_cell(sheet, exited),
                _date_cell(sheet, last.get(household)) if last.get(household) else "从未入户",
            ]
        )
    return len(chunk)


@require_GET
@requires("visit.view")
def missed_export(request: HttpRequest) -> HttpResponse:
    node, period, error, umbrella = _missed_query(request)
    if period is None:
        return render(request, "visits/missed.html", {"node": node, "error": error}, status=400)
    people = cov.missed_people(
        request.user, node.region, period, point=node.point, station_base=node.station_base, umbrella=umbrella
    )
    content, _ = export_missed(
        actor=request.user,
        people=people,
        description=_describe(node, period, umbrella),
        as_of=period.as_of(timezone.localdate()),
    )
    filename = f"漏访名单-{node.region.name}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
    return xlsx_response(content, filename)


# ------------------------------------------------------------------------------------------------ 两个全覆盖


@require_GET
def two_coverages(request: HttpRequest) -> HttpResponse:
    """两个全覆盖 of the city of `region`: station coverage and service coverage per county, the gaps named.
    The period (service coverage) defaults to this year up to today."""
    region = region_from_query(request.user, request.GET) or default_region(request.user)
    period, error = _period(request, default=year_to_date)
    context = {
        "region": region,
        "period": period,
        "error": error,
        "form": _period_form(request, period),
        "cities": [],
    }
    if region is None or region.level == Level.PROVINCE:
        context["cities"] = cov.cities_for(request.user)
    elif period is not None:
        result = cov.two_coverages(request.user, region, period)
        scope = scope_of(request.user)

        def link(place: Region) -> str:
            # A drill-down link only where the user may open it (a station user sees their county's row).
            if not scope.covers_code(place.code):
                return ""
            return f"{reverse('visits:coverage')}?{_query([('region', place.code)], period.params)}"

        context |= {
            "result": result,
            "rows": [(row, link(row.region)) for row in result.counties],
            "coverage_href": link(result.city),
        }
    return render(request, "visits/two_coverages.html", context)
