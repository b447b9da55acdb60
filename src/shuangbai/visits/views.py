from __future__ import annotations

import json
import logging

from cryptography.exceptions import InvalidTag
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from shuangbai.core.audit import audit_record, audited
from shuangbai.core.forms import submit
from shuangbai.core.models import AuditAction, User
from shuangbai.core.permissions import has_perm, require_page, requires
from shuangbai.registry.selectors import get_household_for_user, household_members
from shuangbai.stations.models import Point, Station
from shuangbai.stations.selectors import station_from_query, station_points

from . import photos as photo_store
from . import selectors, services
from .forms import LevelsForm, VisitAmendForm, VisitFilterForm, VisitForm
from .models import VisitKind

logger = logging.getLogger(__name__)


def _station_for(request: HttpRequest) -> Station | None:
    """The station a page is about: `?station=`, or the user's own. None for a bureau user who named none."""
    return station_from_query(request.user, request.GET) or request.user.scope_station


def _own_point(user: User, station: Station) -> Point | None:
    staff = user.staff if user.staff_id else None
    if staff and staff.point_id and staff.station_id == station.pk:
        return staff.point
    return None


@require_GET
@requires("visit.view")
def due(request: HttpRequest) -> HttpResponse:
    """Today's list: overdue households first, then due today, then within the week."""
    station = _station_for(request)
    if station is None:
        messages.info(request, "请先选择一个社工站，再查看其到期走访。")
        return redirect("stations:index")
    points = list(station_points(station))
    wanted = request.GET.get("point", "")
    point = None
    if wanted == "" and "point" not in request.GET:
        point = _own_point(request.user, station)
    elif wanted not in ("", "all"):
        point = next((p for p in points if str(p.pk) == wanted), None)
        if point is None:
            raise Http404
    rows = selectors.due_households(request.user, station, point=point)
    by_village = request.GET.get("by") == "village"
    if by_village:  # a day's round through the villages: each village's households, the most overdue first
        rows = sorted(rows, key=lambda row: (row.village, -row.days_overdue))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "visits/due.html",
        {
            "station": station,
            "points": points,
            "point": point,
            "page": page,
            "counts": selectors.section_counts(rows),
            "today": timezone.localdate(),
            "by_village": by_village,
        },
    )


def _form_context(household, form, **extra) -> dict:
    return {"household": household, "form": form, "members": list(household_members(household))} | extra


@require_http_methods(["GET", "POST"])
@requires("visit.view")
@audited("走访表单")
def create(request: HttpRequest) -> HttpResponse:
    """The visit form for one household, filled with who and where. Answers a script's save with JSON (201),
    so the browser clears its draft only once the server has the visit."""
    try:
        household = get_household_for_user(request.user, int(request.GET.get("household", "")))
    except ValueError:
        raise Http404 from None
    require_page(request.user, "visit.record", household)
    staff, members = selectors.visit_form_choices(household)
    level_names = selectors.schedule(household.region_code).names
    kwargs = {"household": household, "staff": staff, "members": members, "level_names": level_names}
    if request.method == "POST":
        form = VisitForm(request.POST, request.FILES, **kwargs)
        if done := submit(
            form,
            lambda data: services.visit_record(
                actor=request.user, household=household, **form.visit_values()
            ),
        ):
            after = _after_save_url(request, household)
            messages.success(request, f"已保存{household.place}的走访记录。")
            if request.headers.get("X-Requested-With") == "fetch":
                return JsonResponse({"visit": done.value.pk, "url": after}, status=201)
            return redirect(after)
        status = 422
    else:
        now = timezone.localtime()
        own = [request.user.staff] if request.user.staff_id and staff.filter(pk=request.user.staff_id) else []
        wanted = [m for m in members if str(m.pk) == request.GET.get("beneficiary")]
        form = VisitForm(
            initial={
                "visited_on": now.date(),
                "visited_time": now.time().replace(second=0, microsecond=0),
                "kind": request.GET.get("kind") if request.GET.get("kind") in VisitKind.values else "home",
                "workers": own,
                "met": wanted,
            },
            **kwargs,
        )
        status = 200
    context = _form_context(
        household,
        form,
        draft_key=f"{request.user.pk}:visit-new-{household.pk}",
        next=request.GET.get("next", ""),
    )
    return render(request, "visits/visit_form.html", context, status=status)


def _after_save_url(request: HttpRequest, household) -> str:
    wanted = request.GET.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts=None):
        return wanted  # a path of this site only
    if request.user.scope_station_id:
        return reverse("visits:due")
    return household.get_absolute_url()


@require_GET
@requires("visit.view")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.get_visit_for_user(request.user, pk)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=visit)
    revisions = [
        {"revision": r, "snapshot": json.loads(r.snapshot)}
        for r in visit.revisions.select_related("changed_by").order_by("-version")
    ]
    return render(
        request,
        "visits/visit_detail.html",
        {
            "visit": visit,
            "workers": list(visit.workers.all()),
            "met": list(visit.met.all()),
            "photos": list(visit.photos.all()),
            "revisions": revisions,
        },
    )


@require_http_methods(["GET", "POST"])
@requires("visit.view")
@audited("修改走访记录")
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.get_visit_for_user(request.user, pk)
    require_page(request.user, "visit.amend", visit)
    household = visit.household
    staff, members = selectors.visit_form_choices(household, visit)
    kwargs = {"household": household, "staff": staff, "members": members}
    if request.method == "POST":
        form = VisitAmendForm(request.POST, **kwargs)
        if submit(
            form,
            lambda data: services.visit_amend(
                actor=request.user,
                visit=visit,
                version=data["version"],
                reason=data["reason"],
                workers=list(data["workers"]),
                met=list(data["met"]),
                **form.visit_values(),
            ),
        ):
            messages.success(request, "走访记录已修改，修改前的内容已保留。")
            if request.headers.get("X-Requested-With") == "fetch":
                return JsonResponse({"visit": visit.pk, "url": visit.get_absolute_url()}, status=201)
            return redirect(visit)
        status = 422
    else:
        form = VisitAmendForm(initial=VisitAmendForm.initial_for(visit), **kwargs)
        status = 200
    context = _form_context(
        household, form, visit=visit, draft_key=f"{request.user.pk}:visit-edit-{visit.pk}-{visit.version}"
    )
    return render(request, "visits/visit_form.html", context, status=status)


@require_GET
@requires("visit.view")
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    picture = selectors.get_photo_for_user(request.user, pk)
    try:
        content = photo_store.load(picture.path)
    except (OSError, ValueError, InvalidTag):
        logger.exception("visit photo %s cannot be read", picture.pk)
        raise Http404 from None
    response = HttpResponse(content, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
@requires("visit.view")
def index(request: HttpRequest) -> HttpResponse:
    """Visits recorded in scope (a station's, or all the user may see), newest first."""
    station = _station_for(request)
    household = None
    if request.GET.get("household"):
        try:
            household = get_household_for_user(request.user, int(request.GET["household"]))
        except ValueError:
            raise Http404 from None
    form = VisitFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    visits = selectors.visit_list(
        request.user,
        station_id=station.pk if station else None,
        household_id=household.pk if household else None,
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        kind=data.get("kind", ""),
    )
    page = Paginator(visits, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "visits/visit_list.html",
        {"station": station, "household": household, "form": form, "page": page},
    )


@require_GET
@requires("visit.view")
def health(request: HttpRequest) -> HttpResponse:
    """健康监测: high-risk and watched beneficiaries with their household's last visit and what it saw."""
    station = _station_for(request)
    people = selectors.health_watch(request.user, station=station)
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    visits = selectors.visits_by_id([p.last_visit_id for p in page])
    rows = [{"person": p, "visit": visits.get(p.last_visit_id)} for p in page]
    return render(request, "visits/health.html", {"station": station, "page": page, "rows": rows})


@require_http_methods(["GET", "POST"])
def levels(request: HttpRequest) -> HttpResponse:
    """A city's follow-up levels: everyone reads them; the city bureau (or the province) sets them."""
    user = request.user
    city_code, cities = selectors.schedule_city(user, request.GET.get("city", ""))
    plan = selectors.schedule(city_code)
    current = {level: (plan.names[level], plan.intervals[level]) for level in plan.intervals}
    may_edit = has_perm(user, "follow_up_level.edit", selectors.city_region(city_code))
    form = LevelsForm(request.POST or None, current=current)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if submit(
            form, lambda data: services.schedule_update(actor=user, city_code=city_code, levels=form.levels())
        ):
            messages.success(request, "跟进级别已保存，即时生效：各服务对象的下次走访日期已按新间隔计算。")
            return redirect(f"{reverse('visits:levels')}?city={city_code}")
    return render(
        request,
        "visits/levels.html",
        {
            "form": form,
            "current": current,
            "may_edit": may_edit,
            "city_code": city_code,
            "cities": cities,
        },
    )
