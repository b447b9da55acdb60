from functools import partial

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from shuangbai.core.forms import RetireForm, submit
from shuangbai.core.permissions import has_perm, require_page
from shuangbai.regions.models import Level
from shuangbai.regions.selectors import breadcrumbs, get_region_for_user, region_from_query

from . import services
from .forms import PointEditForm, PointForm, StationEditForm, StationForm
from .models import SiteStatus
from .pages import site_facts, station_panels, with_facts
from .progress import checklist_history
from .selectors import (
    get_point_for_user,
    get_station_for_user,
    station_list,
    station_points,
    villages_for_station,
)
from .services import SITE_FIELDS


def _site_initial(site) -> dict:
    return {name: getattr(site, name) for name in SITE_FIELDS} | {"version": site.version}


@require_GET
def station_index(request: HttpRequest) -> HttpResponse:
    region = region_from_query(request.user, request.GET)
    status = request.GET.get("status", "")
    if status not in SiteStatus.values:
        status = ""
    q = request.GET.get("q", "").strip()[:50]
    stations = station_list(request.user, region=region, status=status, q=q)
    page = Paginator(stations, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "stations/station_list.html",
        {
            "page": page,
            "rows": with_facts(request.user, page, "station"),
            "facts": site_facts(request.user, "station"),
            "region": region,
            "status": status,
            "q": q,
            "statuses": SiteStatus.choices,
        },
    )


@require_GET
def station_detail(request: HttpRequest, pk: int) -> HttpResponse:
    station = get_station_for_user(request.user, pk)
    with_facts(request.user, [station], "station", counts=False)
    history = checklist_history(station)
    return render(
        request,
        "stations/station_detail.html",
        {
            "station": station,
            "ancestors": breadcrumbs(request.user, station.town, include_self=False),
            "points": with_facts(request.user, station_points(station, include_retired=True), "point"),
            "point_facts": site_facts(request.user, "point"),
            "equipment": history[0] if history else None,
            "panels": station_panels(request, station),
        },
    )


@require_http_methods(["GET", "POST"])
def station_create(request: HttpRequest, code: str) -> HttpResponse:
    town = get_region_for_user(request.user, code)
    require_page(request.user, "station.manage", town)
    if town.level != Level.TOWN:
        raise Http404
    form = StationForm(
        request.POST or None, initial={"name": f"{town.name}社工站", "status": SiteStatus.PLANNED}
    )
    if done := submit(form, lambda data: services.station_create(actor=request.user, town=town, **data)):
        messages.success(request, f"已新建{done.value.name}。")
        return redirect(done.value)
    return render(
        request, "core/form.html", {"form": form, "title": f"新建社工站：{town.name}", "back": town}
    )


@require_http_methods(["GET", "POST"])
def station_edit(request: HttpRequest, pk: int) -> HttpResponse:
    station = get_station_for_user(request.user, pk)
    require_page(request.user, "station.manage", station)
    form = StationEditForm(request.POST or None, initial=_site_initial(station))
    if submit(form, lambda data: services.station_update(actor=request.user, station=station, **data)):
        messages.success(request, "已保存。")
        return redirect(station)
    return render(
        request, "core/form.html", {"form": form, "title": f"编辑：{station.name}", "back": station}
    )


def _retire(request: HttpRequest, site, retire, *, title: str, done) -> HttpResponse:
    """The retire form of a station or a point: a date and a reason, then the service."""
    form = RetireForm(request.POST or None, initial={"version": site.version})
    if submit(
        form,
        lambda data: retire(
            actor=request.user, version=data["version"], on_date=data["on_date"], reason=data["reason"]
        ),
    ):
        messages.success(request, f"已{title}。")
        return redirect(done)
    return render(
        request,
        "core/form.html",
        {"form": form, "title": title, "back": site, "submit": "确认撤销", "danger": True},
    )


@require_http_methods(["GET", "POST"])
def station_retire(request: HttpRequest, pk: int) -> HttpResponse:
    station = get_station_for_user(request.user, pk)
    require_page(request.user, "station.manage", station)
    retire = partial(services.station_retire, station=station)
    return _retire(request, station, retire, title=f"撤销社工站：{station.name}", done=station)


@require_http_methods(["GET", "POST"])
def point_create(request: HttpRequest, pk: int) -> HttpResponse:
    station = get_station_for_user(request.user, pk)
    require_page(request.user, "station.manage", station)
    form = PointForm(
        request.POST or None, villages=villages_for_station(station), initial={"status": "planned"}
    )
    if done := submit(form, lambda data: services.point_create(actor=request.user, station=station, **data)):
        messages.success(request, f"已新增社工点：{done.value.name}。")
        return redirect(station)
    return render(
        request, "core/form.html", {"form": form, "title": f"新增社工点：{station.name}", "back": station}
    )


@require_GET
def point_detail(request: HttpRequest, pk: int) -> HttpResponse:
    point = get_point_for_user(request.user, pk)
    staff = list(point.staff.in_post().order_by("name")) if has_perm(request.user, "staff.view") else []
    history = checklist_history(point)
    return render(
        request,
        "stations/point_detail.html",
        {
            "point": point,
            "staff": staff,
            "ancestors": breadcrumbs(request.user, point.station.town),
            "equipment": history[0] if history else None,
        },
    )


@require_http_methods(["GET", "POST"])
def point_edit(request: HttpRequest, pk: int) -> HttpResponse:
    point = get_point_for_user(request.user, pk)
    require_page(request.user, "station.manage", point)
    form = PointEditForm(
        request.POST or None,
        villages=villages_for_station(point.station),
        initial=_site_initial(point) | {"village": point.village_id, "population": point.population},
    )
    if submit(form, lambda data: services.point_update(actor=request.user, point=point, **data)):
        messages.success(request, "已保存。")
        return redirect(point)
    return render(request, "core/form.html", {"form": form, "title": f"编辑：{point.name}", "back": point})


@require_http_methods(["GET", "POST"])
def point_retire(request: HttpRequest, pk: int) -> HttpResponse:
    point = get_point_for_user(request.user, pk)
    require_page(request.user, "station.manage", point)
    retire = partial(services.point_retire, point=point)
    return _retire(request, point, retire, title=f"撤销社工点：{point.name}", done=point.station)
