"""The landing pages: what each role sees first is a project decision, so it lives above the apps."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from shuangbai import home as pages
from shuangbai.core.audit import audited
from shuangbai.core.models import Role
from shuangbai.core.permissions import has_perm
from shuangbai.dashboards.views import dashboard_context
from shuangbai.menu import grouped, menu_for


@require_GET
@audited("首页")
def home(request: HttpRequest) -> HttpResponse:
    """今日 for a station's worker, the station's month for its head, the stations of a supervisor, the region
    of a bureau or the viewer (the dashboard), each with the way to everything else they may open."""
    user = request.user
    station = user.scope_station if user.scope_station_id else None
    if station is not None and user.role == Role.STATION_HEAD:
        return render(request, "home/station_month.html", {"m": pages.station_month(user, station)})
    if station is not None:
        return render(request, "home/today.html", {"t": pages.worker_today(user, station)})
    if user.role == Role.SUPERVISOR:
        return render(request, "home/supervisor.html", {"stations": pages.supervised(user)})
    if has_perm(user, "dashboard.view"):
        context = dashboard_context(request) | {"groups_menu": grouped(menu_for(user))}
        return render(request, "dashboards/dashboard.html", context)
    return render(
        request,
        "home/region.html",
        {"summary": pages.region_summary(user), "groups": grouped(menu_for(user))},
    )


@require_GET
def more(request: HttpRequest) -> HttpResponse:
    """全部功能: every page the user may open, by group."""
    return render(request, "home/more.html", {"groups": grouped(menu_for(request.user))})
