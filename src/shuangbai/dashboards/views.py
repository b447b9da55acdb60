"""The dashboard, the data screen and the screen's JSON: counts for a region node and a period.

The node is `?region=` (404 outside the scope), else the user's one top region; the period is the coverage
page's `period=month|quarter|year` parameters, the last full month by default. Bad period input is answered on
the page, in Chinese.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from shuangbai.core.periods import Period, last_full_month, parse_period
from shuangbai.core.permissions import requires
from shuangbai.regions.models import Region
from shuangbai.regions.selectors import breadcrumbs, default_region, region_from_query, top_regions_for_user

from . import selectors

PERIOD_KINDS = [("month", "按月"), ("quarter", "按季度"), ("year", "按年")]
SCREEN_REFRESH_SECONDS = 300
PAGE_SIZE = 50


def _region(request: HttpRequest) -> Region | None:
    return region_from_query(request.user, request.GET) or default_region(request.user)


def _period(request: HttpRequest) -> tuple[Period, str]:
    """The period asked for, or the last full month with the reason the asked one was refused."""
    today = timezone.localdate()
    if not request.GET.get("period") or request.GET.get("period") == "dates":
        return last_full_month(today), ""
    try:
        return parse_period(request.GET, today=today), ""
    except ValidationError as error:
        return last_full_month(today), error.messages[0]


def dashboard_context(request: HttpRequest) -> dict:
    """The dashboard's context (the bureau's and the viewer's home renders it too)."""
    region = _region(request)
    period, error = _period(request)
    context = {"region": region, "period": period, "error": error, "kinds": PERIOD_KINDS}
    if region is None:
        context["roots"] = top_regions_for_user(request.user)
        return context
    board = selectors.dashboard(request.user, region, period)
    context |= {
        "board": board,
        "chart": selectors.chart_data(board),
        "crumbs": breadcrumbs(request.user, region),
        "groups": selectors.GROUPS,
        "levels": selectors.LEVEL_NAMES,
    }
    return context


@require_GET
@requires("dashboard.view")
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboards/dashboard.html", dashboard_context(request))


def _screen_board(request: HttpRequest):
    region = _region(request)
    if region is None:
        roots = top_regions_for_user(request.user)
        if not roots:
            raise Http404
        region = roots[0]
    period, _ = _period(request)
    return selectors.dashboard(request.user, region, period)


@require_GET
@requires("dashboard.view")
def screen(request: HttpRequest) -> HttpResponse:
    board = _screen_board(request)
    return render(
        request,
        "dashboards/screen.html",
        {
            "board": board,
            "data": selectors.screen_data(request.user, board),
            "refresh_ms": SCREEN_REFRESH_SECONDS * 1000,
        },
    )


@require_GET
@requires("dashboard.view")
def screen_data(request: HttpRequest) -> JsonResponse:
    board = _screen_board(request)
    return JsonResponse(selectors.screen_data(request.user, board), json_dumps_params={"ensure_ascii": False})


@require_GET
@requires("dashboard.view_names")
def high_risk(request: HttpRequest) -> HttpResponse:
    """The 一级 people of the node overdue by more than twice their interval: the names behind 需要关注's count."""
    region = _region(request)
    if region is None:
        raise Http404
    people = selectors.high_risk_overdue(request.user, region, today=timezone.localdate())
    page = Paginator(
        people.select_related("station", "household", "household__village", "household__follow_up")
        .only(
            "id",
            "name",
            "registered_on",
            "region_code",
            "station__name",
            "household__address",
            "household__village__name",
            "household__follow_up__last_home_visit_on",
        )
        .order_by("station__region_code", "region_code", "id"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "dashboards/high_risk.html",
        {
            "region": region,
            "page": page,
            "interval": selectors.high_risk_interval(region),
            "crumbs": breadcrumbs(request.user, region),
        },
    )
