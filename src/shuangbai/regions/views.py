from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from .pages import child_counts, region_panels
from .selectors import breadcrumbs, get_region_for_user, region_children_summary, top_regions_for_user


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    roots = top_regions_for_user(request.user)
    if len(roots) == 1:
        return redirect(roots[0])
    return render(request, "regions/index.html", {"roots": roots})


@require_GET
def detail(request: HttpRequest, code: str) -> HttpResponse:
    region = get_region_for_user(request.user, code)
    context = {
        "region": region,
        "ancestors": breadcrumbs(request.user, region, include_self=False),
        "children": region_children_summary(request.user, region),
        "child_counts": child_counts(),
        "panels": region_panels(request, region),
    }
    return render(request, "regions/detail.html", context)
