"""The service map (用脚画地图): a station's households for those who serve them, a region's stations and points
for everyone. The pages carry no household: their markers come from the station's JSON, a household's names
from its card, each behind the same permission and scope."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from shuangbai.core.audit import audit_record
from shuangbai.core.models import AuditAction
from shuangbai.core.permissions import has_perm, requires
from shuangbai.regions.selectors import breadcrumbs, region_from_query, top_regions_for_user
from shuangbai.registry.selectors import get_household_for_user
from shuangbai.stations.selectors import get_station_for_user

from . import selectors
from .geo import base_map, tile_origins


def _map_config(**extra) -> dict:
    return {"tiles": base_map()} | extra


def _with_tiles(response: HttpResponse) -> HttpResponse:
    """A map page may load the configured tiles: their origin joins its Content-Security-Policy (django-csp)."""
    origins = tile_origins()
    if origins:
        response._csp_update = {"img-src": origins}
    return response


@require_GET
@requires("map.view")
def index(request: HttpRequest) -> HttpResponse:
    """服务地图: a station's own people open their station's map; everyone else (and anyone naming a region) the
    map of a region: the user's own, or `?region=`."""
    user = request.user
    region = region_from_query(user, request.GET)
    if region is None and user.scope_station_id and has_perm(user, "map.households"):
        return redirect("maps:station", user.scope_station_id)
    roots = top_regions_for_user(user)
    region = region or (roots[0] if roots else None)
    if region is None:
        raise Http404
    found = selectors.region_map(user, region)
    return _with_tiles(
        render(
            request,
            "maps/region.html",
            {
                "region": region,
                "crumbs": breadcrumbs(user, region, include_self=False),
                "roots": roots if len(roots) > 1 else [],
                "map": found,
                "config": _map_config(cluster=False),
                "data": found.payload(),
                "station_maps": has_perm(user, "map.households"),
            },
        )
    )


@require_GET
@requires("map.households")
def station(request: HttpRequest, pk: int) -> HttpResponse:
    station = get_station_for_user(request.user, pk)
    return _with_tiles(
        render(
            request,
            "maps/station.html",
            {
                "station": station,
                "config": _map_config(
                    data=reverse("maps:station_data", args=[station.pk]),
                    card=reverse("maps:household", args=[0]),
                    cluster=True,
                ),
                "levels": selectors.level_names(station),
            },
        )
    )


@require_GET
@requires("map.households")
def station_data(request: HttpRequest, pk: int) -> JsonResponse:
    """The station's markers: ids, places, levels and states only."""
    station = get_station_for_user(request.user, pk)
    found = selectors.station_map(request.user, station)
    response = JsonResponse(
        found.payload(), json_dumps_params={"separators": (",", ":"), "ensure_ascii": False}
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@requires("map.households")
def household(request: HttpRequest, pk: int) -> HttpResponse:
    """A household's card, fetched when its marker is tapped."""
    found = get_household_for_user(request.user, pk)
    audit_record(
        actor=request.user, action=AuditAction.VIEW, obj=found
    )  # names and levels, as its page shows
    return render(request, "maps/partials/card.html", {"card": selectors.household_card(found)})


@require_GET
@requires("map.households")
def station_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The station's map on one A4 page, for the bulletin's stories: households as dots, no names."""
    station = get_station_for_user(request.user, pk)
    found = selectors.station_map(request.user, station)
    return _with_tiles(
        render(
            request,
            "maps/print.html",
            {
                "station": station,
                "config": _map_config(cluster=False, print=True),
                "data": found.payload(),
                "counts": found.counts(),
                "levels": found.level_names,
                "today": timezone.localdate(),
            },
        )
    )
