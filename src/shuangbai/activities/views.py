"""Activity, volunteer and partner pages. A record outside the user's scope is a 404 (also on POST), before any
role check; pages with names are a 404 for the read-only viewer, who may open the activity list (no names)."""

from __future__ import annotations

import logging

from cryptography.exceptions import InvalidTag
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from shuangbai.core.audit import audit_record, audited
from shuangbai.core.forms import submit
from shuangbai.core.models import AuditAction
from shuangbai.core.permissions import has_perm, require_page, requires
from shuangbai.regions.models import Region
from shuangbai.regions.selectors import region_from_query
from shuangbai.stations.models import Station
from shuangbai.stations.selectors import station_from_query, station_points

from . import photos as photo_store
from . import selectors, services
from .forms import (
    VOLUNTEER_ROWS,
    ActivityEditForm,
    ActivityFilterForm,
    ActivityForm,
    PartnerEditForm,
    PartnerForm,
    VolunteerEditForm,
    VolunteerForm,
    VolunteerServiceForm,
)
from .models import Activity, PartnerKind

logger = logging.getLogger(__name__)


def _station_arg(request: HttpRequest) -> Station | None:
    """`?station=` (404 outside scope), else the user's own station."""
    return station_from_query(request.user, request.GET) or request.user.scope_station


# ---------------------------------------------------------------------------------------------- activities


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Activities of a station, a region or the whole scope, by theme and month. No names: the viewer too."""
    station = _station_arg(request)
    region = region_from_query(request.user, request.GET) if station is None else None
    form = ActivityFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    activities = selectors.activity_list(
        request.user,
        selectors.ActivityFilter(
            station=station, region=region, theme=data.get("theme", ""), month=data.get("month")
        ),
    )
    page = Paginator(activities, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "activities/activity_list.html",
        {
            "station": station,
            "region": region,
            "form": form,
            "page": page,
            "totals": selectors.activity_totals(activities),
            "names": has_perm(request.user, "activity.view"),
        },
    )


def _activity_form(request: HttpRequest, station: Station, form_class, activity: Activity | None = None):
    include_partners = list(activity.partners.all()) if activity else []
    include_volunteers = [link.volunteer for link in activity.volunteer_links.all()] if activity else []
    rows = len(include_volunteers) + VOLUNTEER_ROWS
    kwargs = {
        "points": station_points(station, include_retired=activity is not None),
        "partners": selectors.partner_choices(request.user, station, include=include_partners),
        "people": selectors.station_people(request.user, station),
        "volunteers": selectors.volunteer_choices(request.user, station, include=include_volunteers),
        "volunteer_rows": rows,
    }
    if request.method == "POST":
        return form_class(request.POST, request.FILES, **kwargs)
    if activity is not None:
        return form_class(initial=form_class.initial_for(activity), **kwargs)
    return form_class(initial={"held_on": timezone.localdate(), "kind": "community"}, **kwargs)


@require_http_methods(["GET", "POST"])
@requires("activity.view")
def create(request: HttpRequest) -> HttpResponse:
    station = _station_arg(request)
    if station is None:
        messages.info(request, "请先选择一个社工站，再记录活动。")
        return redirect("stations:index")
    require_page(request.user, "activity.record", station)
    form = _activity_form(request, station, ActivityForm)
    status = 200
    if request.method == "POST":
        if done := submit(
            form,
            lambda data: services.activity_record(
                actor=request.user, station=station, **form.activity_values()
            ),
        ):
            messages.success(request, f"已记录活动“{done.value.title}”。")
            return redirect(done.value)
        status = 422
    return render(
        request,
        "activities/activity_form.html",
        {"station": station, "form": form, "activity": None},
        status=status,
    )


@require_GET
@requires("activity.view")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.get_activity_for_user(request.user, pk)
    people = list(selectors.activity_people(activity))
    if people:
        audit_record(actor=request.user, action=AuditAction.VIEW, obj=activity)
    return render(
        request,
        "activities/activity_detail.html",
        {
            "activity": activity,
            "people": people,
            "volunteers": list(selectors.activity_volunteers(activity)),
            "partners": list(selectors.activity_partners(activity)),
            "photos": list(activity.photos.all()),
            "can_edit": has_perm(request.user, "activity.record", activity.station),
        },
    )


@require_http_methods(["GET", "POST"])
@requires("activity.view")
@audited("修改社区活动")
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.get_activity_for_user(request.user, pk)
    require_page(request.user, "activity.record", activity.station)
    station = activity.station
    form = _activity_form(request, station, ActivityEditForm, activity)
    status = 200
    if request.method == "POST":
        if submit(
            form,
            lambda data: services.activity_update(
                actor=request.user, activity=activity, version=data["version"], **form.activity_values()
            ),
        ):
            messages.success(request, "活动记录已修改。")
            return redirect(activity)
        status = 422
    return render(
        request,
        "activities/activity_form.html",
        {"station": station, "form": form, "activity": activity},
        status=status,
    )


@require_GET
@requires("activity.view")
@audited("查找服务对象（活动）")
def people(request: HttpRequest) -> HttpResponse:
    """The search beside the activity form: a station's people by name or ID tail, as boxes to tick."""
    station = _station_arg(request)
    if station is None:
        raise Http404
    found = selectors.people_search(request.user, station, request.GET.get("q", ""))
    return render(
        request,
        "activities/partials/people_results.html",
        {"found": found, "q": request.GET.get("q", ""), "limit": selectors.SEARCH_LIMIT},
    )


@require_GET
@requires("activity.view")
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    picture = selectors.get_photo_for_user(request.user, pk)
    try:
        content = photo_store.load(picture.path)
    except (OSError, ValueError, InvalidTag):
        logger.exception("activity photo %s cannot be read", picture.pk)
        raise Http404 from None
    response = HttpResponse(content, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


# ---------------------------------------------------------------------------------------------- volunteers


@require_GET
@requires("activity.view")
def volunteers(request: HttpRequest) -> HttpResponse:
    station = _station_arg(request)
    region = region_from_query(request.user, request.GET) if station is None else None
    q = request.GET.get("q", "")
    rows = selectors.volunteer_list(request.user, station=station, region=region, q=q)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "activities/volunteer_list.html",
        {
            "station": station,
            "region": region,
            "q": q,
            "page": page,
            "can_record": has_perm(request.user, "volunteer.edit"),
        },
    )


def _placement(request: HttpRequest) -> tuple[Station | None, Region | None]:
    """Where a new volunteer or partner belongs: `?station=`, else `?region=`, else the user's own station;
    neither for a user with no station who named none."""
    station = station_from_query(request.user, request.GET)
    region = region_from_query(request.user, request.GET) if station is None else None
    if station is None and region is None:
        station = request.user.scope_station
    return station, region


@require_http_methods(["GET", "POST"])
@requires("activity.view")
def volunteer_create(request: HttpRequest) -> HttpResponse:
    station, region = _placement(request)
    if station is None and region is None:
        messages.info(request, "请先选择一个社工站或区域，再登记志愿者。")
        return redirect("activities:volunteers")
    require_page(request.user, "volunteer.edit")
    partners = (
        selectors.partner_choices(request.user, station)
        if station
        else selectors.partners_in_scope(request.user)
    )
    form = VolunteerForm(request.POST or None, partners=partners)
    if done := submit(
        form,
        lambda data: services.volunteer_create(actor=request.user, station=station, region=region, **data),
    ):
        messages.success(request, f"已登记志愿者{done.value.name}。")
        return redirect(done.value)
    place = station.name if station else region.name
    return render(
        request,
        "core/form.html",
        {"title": f"登记志愿者 · {place}", "form": form, "back_url": "activities:volunteers"},
    )


@require_GET
@requires("activity.view")
def volunteer(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.get_volunteer_for_user(request.user, pk)
    may_edit = has_perm(request.user, "volunteer.edit", person)
    return render(
        request,
        "activities/volunteer_detail.html",
        {
            "volunteer": person,
            "record": selectors.volunteer_record(request.user, person),
            "can_edit": may_edit,
            "service_form": VolunteerServiceForm(initial={"served_on": timezone.localdate()})
            if may_edit
            else None,
        },
    )


@require_http_methods(["GET", "POST"])
@requires("activity.view")
def volunteer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.get_volunteer_for_user(request.user, pk)
    require_page(request.user, "volunteer.edit", person)
    partners = selectors.partners_in_scope(request.user, include=person.partner_id)
    initial = {
        "name": person.name,
        "partner": person.partner_id,
        "organisation": person.organisation,
        "phone": person.phone,
        "active": person.active,
        "version": person.version,
    }
    form = VolunteerEditForm(request.POST or None, initial=initial, partners=partners)
    if submit(form, lambda data: services.volunteer_update(actor=request.user, volunteer=person, **data)):
        messages.success(request, "志愿者信息已修改。")
        return redirect(person)
    return render(
        request,
        "core/form.html",
        {"title": f"修改志愿者 · {person.name}", "form": form, "back": person},
    )


@require_http_methods(["GET", "POST"])
@requires("activity.view")
def volunteer_service(request: HttpRequest, pk: int) -> HttpResponse:
    """Hours a volunteer served outside a recorded activity."""
    person = selectors.get_volunteer_for_user(request.user, pk)
    require_page(request.user, "volunteer.edit", person)
    form = VolunteerServiceForm(request.POST or None, initial={"served_on": timezone.localdate()})
    if submit(
        form, lambda data: services.volunteer_service_record(actor=request.user, volunteer=person, **data)
    ):
        messages.success(request, f"已记录{person.name}的志愿服务。")
        return redirect(person)
    return render(
        request,
        "core/form.html",
        {"title": f"记录志愿服务 · {person.name}", "form": form, "back": person},
    )


# ---------------------------------------------------------------------------------------------- partners


@require_GET
@requires("activity.view")
def partners(request: HttpRequest) -> HttpResponse:
    station = _station_arg(request)
    region = region_from_query(request.user, request.GET) if station is None else None
    kind = request.GET.get("kind", "")
    if kind not in PartnerKind.values:
        kind = ""
    rows = selectors.partner_list(request.user, station=station, region=region, kind=kind)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "activities/partner_list.html",
        {
            "station": station,
            "region": region,
            "kind": kind,
            "kinds": PartnerKind.choices,
            "page": page,
            "can_record": has_perm(request.user, "volunteer.edit"),
        },
    )


@require_http_methods(["GET", "POST"])
@requires("activity.view")
def partner_create(request: HttpRequest) -> HttpResponse:
    station, region = _placement(request)
    if station is None and region is None:
        messages.info(request, "请先选择一个社工站或区域，再登记合作单位。")
        return redirect("activities:partners")
    require_page(request.user, "volunteer.edit")
    form = PartnerForm(request.POST or None)
    if done := submit(
        form,
        lambda data: services.partner_create(actor=request.user, station=station, region=region, **data),
    ):
        messages.success(request, f"已登记合作单位：{done.value.name}。")
        return redirect(done.value)
    place = station.town.name if station else region.name
    return render(
        request,
        "core/form.html",
        {"title": f"登记合作单位 · {place}", "form": form, "back_url": "activities:partners"},
    )


@require_GET
@requires("activity.view")
def partner(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.get_partner_for_user(request.user, pk)
    return render(
        request,
        "activities/partner_detail.html",
        {
            "partner": organisation,
            "activities": list(selectors.partner_activities(request.user, organisation)[:100]),
            "volunteers": list(selectors.partner_volunteers(request.user, organisation)),
            "can_edit": has_perm(request.user, "volunteer.edit", organisation),
        },
    )


@require_http_methods(["GET", "POST"])
@requires("activity.view")
def partner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.get_partner_for_user(request.user, pk)
    require_page(request.user, "volunteer.edit", organisation)
    initial = {
        "name": organisation.name,
        "kind": organisation.kind,
        "contact_person": organisation.contact_person,
        "phone": organisation.phone,
        "notes": organisation.notes,
        "active": organisation.active,
        "version": organisation.version,
    }
    form = PartnerEditForm(request.POST or None, initial=initial)
    if submit(form, lambda data: services.partner_update(actor=request.user, partner=organisation, **data)):
        messages.success(request, "合作单位信息已修改。")
        return redirect(organisation)
    return render(
        request,
        "core/form.html",
        {"title": f"修改合作单位 · {organisation.name}", "form": form, "back": organisation},
    )
