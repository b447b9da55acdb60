from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from shuangbai.core.scoping import scope_of
from shuangbai.stations.selectors import station_list

from .selectors import get_region_for_user, region_children_summary, top_regions_for_user


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    roots = top_regions_for_user(request.user)
    if len(roots) == 1:
        return redirect(roots[0])
    return render(request, "regions/index.html", {"roots": roots})


@require_GET
def detail(request: HttpRequest, code: str) -> HttpResponse:
    region = get_region_for_user(request.user, code)
    scope = scope_of(request.user)
    context = {
        "region": region,
        # Breadcrumbs: ancestors outside the user's scope are shown as plain text, not links.
        "ancestors": [(a, scope.covers_code(a.code)) for a in region.ancestors()],
        "children": region_children_summary(request.user, region),
    }
    if region.level == "town":
        context["stations"] = list(station_list(request.user, region=region, include_retired=True))
    return render(request, "regions/detail.html", context)
