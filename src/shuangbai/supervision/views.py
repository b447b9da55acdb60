"""Inspection pages. Findings are internal records: the viewer gets the 404 of a page that does not exist, as
for personal data; a record outside the user's scope is a 404 too, before any role check."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from shuangbai.core.forms import submit
from shuangbai.core.permissions import has_perm, require_page, requires
from shuangbai.regions.selectors import region_from_query
from shuangbai.stations.selectors import station_from_query

from . import selectors, services
from .forms import CheckItemForm, DoneForm, InspectionForm
from .models import CheckItem


@require_GET
@requires("inspection.view")
def index(request: HttpRequest) -> HttpResponse:
    """Inspections of a station (`?station=`), a region (`?region=`) or the whole scope, newest first."""
    station = station_from_query(request.user, request.GET)
    region = region_from_query(request.user, request.GET) if station is None else None
    inspections = selectors.inspection_list(request.user, station=station, region=region)
    page = Paginator(inspections, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/inspection_list.html",
        {
            "station": station,
            "region": region,
            "page": page,
        },
    )


@require_http_methods(["GET", "POST"])
@requires("inspection.view")
def create(request: HttpRequest) -> HttpResponse:
    station = station_from_query(request.user, request.GET)
    if station is None:
        messages.info(request, "请先选择一个社工站，再记录督导检查。")
        return redirect("stations:index")
    require_page(request.user, "inspection.record", station)
    kwargs = {"items": selectors.check_items(), "leads": selectors.lead_choices(station)}
    if request.method == "POST":
        form = InspectionForm(request.POST, **kwargs)
        if done := submit(
            form,
            lambda data: services.inspection_record(
                actor=request.user,
                station=station,
                kind=data["kind"],
                visited_on=data["visited_on"],
                team=data["team"],
                methods=data["methods"],
                findings=data["findings"],
                scores=form.score_rows(),
                recommendations=form.recommendation_values(),
                lead=data["lead"],
            ),
        ):
            inspection = done.value
            messages.success(request, f"已保存{station.name}的{inspection.get_kind_display()}记录。")
            return redirect(inspection)
    else:
        initial = {"visited_on": timezone.localdate(), "kind": "inspection", "methods": ["site"]}
        if request.user.staff_id and kwargs["leads"].filter(pk=request.user.staff_id).exists():
            initial["lead"] = request.user.staff_id  # a supervisor recording their own visit
        form = InspectionForm(initial=initial, **kwargs)
    return render(request, "supervision/inspection_form.html", {"station": station, "form": form})


@require_GET
@requires("inspection.view")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.get_inspection_for_user(request.user, pk)
    can_follow_up = has_perm(request.user, "recommendation.follow_up", inspection.station)
    recommendations = [
        (r, DoneForm(auto_id=f"r{r.pk}_%s") if can_follow_up and r.is_open else None)
        for r in selectors.inspection_recommendations(inspection)
    ]
    return render(
        request,
        "supervision/inspection_detail.html",
        {
            "inspection": inspection,
            "scores": list(selectors.inspection_scores(inspection)),
            "recommendations": recommendations,
        },
    )


def _next_url(request: HttpRequest, default: str) -> str:
    wanted = request.POST.get("next") or request.GET.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts=None):
        return wanted  # a path of this site only
    return default


@require_http_methods(["GET", "POST"])
@requires("inspection.view")
def recommendation_done(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a recommendation done: a page of its own on a phone, the inline form of the inspection page."""
    recommendation = selectors.get_recommendation_for_user(request.user, pk)
    require_page(request.user, "recommendation.follow_up", recommendation.station)
    after = _next_url(request, recommendation.inspection.get_absolute_url())
    if not recommendation.is_open:
        messages.info(request, "该意见建议已标记完成。")
        return redirect(after)
    form = DoneForm(request.POST or None)
    if submit(
        form,
        lambda data: services.recommendation_done(
            actor=request.user, recommendation=recommendation, done_on=data["done_on"], note=data["note"]
        ),
    ):
        messages.success(request, "已标记完成。")
        return redirect(after)
    return render(
        request,
        "supervision/recommendation_done.html",
        {"recommendation": recommendation, "form": form, "next": after},
    )


@require_http_methods(["GET", "POST"])
@requires("catalogue.manage")
def items(request: HttpRequest) -> HttpResponse:
    """The check-item catalogue: the province and city bureaus list, add and deactivate items."""
    form = CheckItemForm(request.POST or None)
    if done := submit(
        form,
        lambda data: services.check_item_create(
            actor=request.user, name=data["name"], sort_order=data["sort_order"]
        ),
    ):
        messages.success(request, f"已新增检查项目：{done.value.name}。")
        return redirect("supervision:items")
    return render(
        request,
        "supervision/items.html",
        {"items": selectors.check_items(include_inactive=True), "form": form},
    )


@require_http_methods(["GET", "POST"])
def item_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(CheckItem, pk=pk)  # the catalogue is shared, not scoped programme data
    require_page(request.user, "catalogue.manage")
    verb = "停用" if item.active else "启用"
    if request.method == "POST":
        services.check_item_set_active(actor=request.user, item=item, active=not item.active)
        messages.success(request, f"已{verb}检查项目：{item.name}。")
        return redirect(reverse("supervision:items"))
    return render(
        request,
        "supervision/item_toggle.html",
        {"item": item, "verb": verb},
    )
