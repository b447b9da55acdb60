"""The station figures page: a region node (a station's town, a county, a city) and a period; counts only."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from shuangbai.core.periods import checked_period, dates_period, parse_day
from shuangbai.core.spreadsheets import xlsx_response
from shuangbai.regions.models import Region
from shuangbai.regions.selectors import breadcrumbs, default_region, region_from_query, top_regions_for_user

from .exports import figures_workbook
from .figures import station_figures
from .selectors import station_from_query


def _region(request: HttpRequest) -> Region | None:
    """`?station=<pk>` (its town) or `?region=<code>`, 404 outside the scope; else the user's one top region."""
    station = station_from_query(request.user, request.GET)
    if station is not None:
        return station.town
    return region_from_query(request.user, request.GET) or default_region(request.user)


def _period(request: HttpRequest) -> tuple[date, date, str]:
    """From and to (this year up to today by default), or the reason they were refused, in Chinese."""
    today = timezone.localdate()
    start_text = request.GET.get("from", "").strip() or date(today.year, 1, 1).isoformat()
    end_text = request.GET.get("to", "").strip() or today.isoformat()
    try:
        period = checked_period(
            dates_period(parse_day(start_text, "开始日期"), parse_day(end_text, "结束日期")),
            today=today,
        )
    except ValidationError as error:
        return None, None, error.messages[0]
    return period.start, period.end, ""


def _quick(today: date) -> list[tuple[str, date, date]]:
    first = today.replace(day=1)
    last_month_end = first - timedelta(days=1)
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    return [
        ("本月", first, today),
        ("上月", last_month_end.replace(day=1), last_month_end),
        ("本季度", quarter_start, today),
        ("本年", date(today.year, 1, 1), today),
        ("上年", date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
    ]


@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    region = _region(request)
    start, end, error = _period(request)
    context = {
        "region": region,
        "error": error,
        "start": start,
        "end": end,
        "typed": {"from": request.GET.get("from", ""), "to": request.GET.get("to", "")},
        "quick": _quick(timezone.localdate()),
        "roots": top_regions_for_user(request.user) if region is None else [],
    }
    if region is not None:
        context["crumbs"] = breadcrumbs(request.user, region)
    if region is not None and start is not None:
        context["table"] = station_figures(region, start, end)
    return render(request, "stations/figures.html", context)


@require_GET
def figures_export(request: HttpRequest) -> HttpResponse:
    region = _region(request)
    start, end, error = _period(request)
    if region is None or start is None:
        raise Http404
    table = station_figures(region, start, end)
    filename = f"{region.name}工作数据_{start.isoformat()}_{end.isoformat()}.xlsx"
    return xlsx_response(figures_workbook(table), filename)
