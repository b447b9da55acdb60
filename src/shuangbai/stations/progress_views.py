"""The progress table's pages: the table, the sites behind a county's cells, checklists and county reports."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from shuangbai.core.forms import submit
from shuangbai.core.permissions import has_perm, require_page, requires
from shuangbai.core.scoping import scope_of
from shuangbai.core.spreadsheets import xlsx_response
from shuangbai.regions.models import Level, Region
from shuangbai.regions.selectors import get_region_for_user, region_from_query

from . import services
from .exports import progress_workbook
from .forms import EquipmentForm, ProgressReportForm, ProgressTableForm
from .models import EquipmentItem, Point, Station
from .progress import (
    checklist_history,
    county_sites,
    progress_cities,
    progress_report_history,
    progress_table,
    province_table,
    reports_in_force,
)
from .selectors import get_point_for_user, get_station_for_user

TABLE_LEVELS = (Level.PROVINCE, Level.CITY, Level.COUNTY)


def _table_region(request: HttpRequest) -> Region | None:
    """The city or county asked for (404 outside the scope); the user's own city or county by default."""
    region = region_from_query(request.user, request.GET)
    if region is None:
        home = request.user.scope_region
        if home is not None and home.level in TABLE_LEVELS:
            region = get_region_for_user(request.user, home.code)
        elif progress_cities(request.user):
            return None  # everything in scope (a superuser): pick a city
        else:
            raise Http404  # station roles and supervisors have no city or county table
    if region.level not in TABLE_LEVELS:
        raise Http404
    return region


def _as_of(request: HttpRequest) -> tuple[ProgressTableForm, date | None, date | None]:
    data = request.GET.copy()
    data.setdefault("as_of", timezone.localdate().isoformat())
    form = ProgressTableForm(data)
    if not form.is_valid():
        return form, None, None
    return form, form.cleaned_data["as_of"], form.cleaned_data["start"]


def _visible_table(request: HttpRequest, region: Region, as_of: date, start: date | None):
    """The city's table, cut to the rows the reader may see: a county reads its own row, without 合计. A
    province's: one row per city."""
    if region.level == Level.PROVINCE:
        table = province_table(region, as_of, start=start)
        return table, table.rows, True
    city = region if region.level == Level.CITY else region.parent
    table = progress_table(city, as_of, start=start)
    scope = scope_of(request.user)
    rows = [row for row in table.rows if scope.covers_code(row.region.code)]
    if region.level == Level.COUNTY:
        rows = [row for row in rows if row.region == region]
    return table, rows, region.level == Level.CITY and len(rows) == len(table.rows)


@require_GET
@requires("progress.view")
def progress(request: HttpRequest) -> HttpResponse:
    region = _table_region(request)
    form, as_of, start = _as_of(request)
    context = {
        "form": form,
        "region": region,
        "cities": progress_cities(request.user) if region is None else [],
    }
    if region is not None and as_of is not None:
        table, rows, with_total = _visible_table(request, region, as_of, start)
        context |= {
            "table": table,
            "rows": rows,
            "with_total": with_total,
            "query": f"region={region.code}&as_of={as_of.isoformat()}"
            + (f"&start={start.isoformat()}" if start else ""),
            "can_report": has_perm(request.user, "progress.report"),
        }
    return render(request, "stations/progress.html", context)


@require_GET
@requires("progress.view")
def progress_export(request: HttpRequest) -> HttpResponse:
    region = _table_region(request)
    form, as_of, start = _as_of(request)
    if region is None or as_of is None:
        raise Http404
    table, rows, with_total = _visible_table(request, region, as_of, start)
    filename = f"{region.name}建设进度一览表_{as_of.isoformat()}.xlsx"
    return xlsx_response(progress_workbook(table, rows, with_total=with_total), filename)


@require_GET
@requires("progress.view")
def progress_sites(request: HttpRequest) -> HttpResponse:
    """The sites behind a county's (or a city's) cells on the day: what each has, what it lacks, its staff."""
    county = region_from_query(request.user, request.GET)
    if county is None or county.level not in (Level.CITY, Level.COUNTY):
        raise Http404
    form, as_of, _ = _as_of(request)
    kind = request.GET.get("kind", "")
    if kind not in ("社工站", "社工点"):
        kind = ""
    lines = county_sites(county, as_of, user=request.user) if as_of else []
    if kind:
        lines = [line for line in lines if line.kind == kind]
    return render(
        request,
        "stations/progress_sites.html",
        {"county": county, "as_of": as_of, "lines": lines, "kind": kind, "form": form},
    )


def _equipment(request: HttpRequest, station: Station, point: Point | None) -> HttpResponse:
    site = point or station
    allowed = has_perm(request.user, "equipment.record", station) and not site.is_retired
    history = checklist_history(site)
    current = history[0] if history else None
    form = EquipmentForm(
        request.POST or None,
        initial={"items": current.items if current else [], "effective_on": timezone.localdate()},
    )
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied
        if submit(
            form,
            lambda data: services.equipment_record(
                actor=request.user,
                station=station,
                point=point,
                items=data["items"],
                effective_on=data["effective_on"],
            ),
        ):
            messages.success(request, f"已更新{site.name}的设备设施清单。")
            return redirect(request.path)
    labels = dict(EquipmentItem.choices)
    return render(
        request,
        "stations/equipment.html",
        {
            "site": site,
            "station": station,
            "point": point,
            "form": form if allowed else None,
            "current": current,
            "present": [labels[i] for i in current.items] if current else [],
            "missing": [labels[i] for i in EquipmentItem.values if not current or i not in current.items],
            "history": history,
            "labels": labels,
        },
    )


@require_http_methods(["GET", "POST"])
def station_equipment(request: HttpRequest, pk: int) -> HttpResponse:
    return _equipment(request, get_station_for_user(request.user, pk), None)


@require_http_methods(["GET", "POST"])
def point_equipment(request: HttpRequest, pk: int) -> HttpResponse:
    point = get_point_for_user(request.user, pk)
    return _equipment(request, point.station, point)


@require_http_methods(["GET", "POST"])
@requires("progress.view")
def progress_report(request: HttpRequest, code: str) -> HttpResponse:
    """A county's (or the city level's) plan, mechanisms and funding: the history, and a new record."""
    region = get_region_for_user(request.user, code)
    if region.level not in (Level.CITY, Level.COUNTY):
        raise Http404
    current = reports_in_force(region.code, region.code, timezone.localdate()).get(region.code)
    form = ProgressReportForm(request.POST or None, initial=_report_initial(current))
    if request.method == "POST":
        require_page(request.user, "progress.report", region)
        if submit(
            form, lambda data: services.progress_report_record(actor=request.user, region=region, **data)
        ):
            messages.success(request, f"已记录{region.name}的建设推进情况。")
            return redirect(f"{reverse('stations:progress')}?region={_table_code(request.user, region)}")
    history = progress_report_history(request.user, region)
    return render(
        request,
        "stations/progress_report.html",
        {
            "region": region,
            "label": "市本级" if region.level == Level.CITY else region.name,
            "form": form if has_perm(request.user, "progress.report", region) else None,
            "history": history,
        },
    )


def _table_code(user, region: Region) -> str:
    """The table to go back to: the city's where the reader sees the city, else the county's own."""
    if region.level == Level.COUNTY and scope_of(user).covers_code(region.parent.code):
        return region.parent.code
    return region.code


def _report_initial(current) -> dict:
    initial = {"effective_on": timezone.localdate()}
    if current is not None:
        initial |= {name: getattr(current, name) for name in services.PROGRESS_FIELDS}
    return initial
