from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from shuangbai.core.audit import audit_record
from shuangbai.core.forms import apply_service_errors
from shuangbai.core.models import AuditAction
from shuangbai.core.permissions import require_manage_org, require_personal_data
from shuangbai.stations.selectors import get_station_for_user

from . import services
from .forms import (
    PersonForm,
    StaffCreateForm,
    StaffEditForm,
    StaffLeaveForm,
    StaffMoveForm,
    SupervisorCreateForm,
)
from .models import Kind, StaffStatus
from .selectors import get_staff_for_user, placement_choices, staff_history, staff_list, supervisor_choices


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    require_personal_data(request.user)
    status = request.GET.get("status", StaffStatus.IN_POST)
    if status not in StaffStatus.values:
        status = ""
    kind = request.GET.get("kind", "")
    if kind not in Kind.values:
        kind = ""
    q = request.GET.get("q", "").strip()[:50]
    station = None
    if request.GET.get("station", "").isdigit():
        station = get_station_for_user(request.user, int(request.GET["station"]))
    staff = staff_list(
        request.user, station_id=station.pk if station else None, status=status, kind=kind, q=q
    )
    page = Paginator(staff, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "staff/staff_list.html",
        {
            "page": page,
            "status": status,
            "kind": kind,
            "q": q,
            "station": station,
            "statuses": StaffStatus.choices,
            "kinds": Kind.choices,
        },
    )


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_personal_data(request.user)
    staff = get_staff_for_user(request.user, pk)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=staff)
    return render(
        request, "staff/staff_detail.html", {"person": staff, "history": list(staff_history(staff))}
    )


@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    require_personal_data(request.user)
    station = None
    if request.GET.get("station", "").isdigit():
        station = get_station_for_user(request.user, int(request.GET["station"]))
    require_manage_org(request.user)
    form = StaffCreateForm(
        request.POST or None,
        initial={"station": station, "position": "worker", "qualification": "none"},
        **placement_choices(request.user, station),
    )
    if request.method == "POST" and form.is_valid():
        try:
            person = services.staff_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"已登记社工：{person.name}。")
            return redirect(person)
    return render(request, "core/form.html", {"form": form, "title": "登记社工", "back_url": "staff:index"})


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_personal_data(request.user)
    person = get_staff_for_user(request.user, pk)
    require_manage_org(request.user)
    initial = {name: getattr(person, name) for name in PersonForm.base_fields} | {"version": person.version}
    form = StaffEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.staff_update(actor=request.user, staff=person, version=version, **data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "已保存。")
            return redirect(person)
    return render(request, "core/form.html", {"form": form, "title": f"编辑：{person.name}", "back": person})


@require_http_methods(["GET", "POST"])
def move(request: HttpRequest, pk: int) -> HttpResponse:
    require_personal_data(request.user)
    person = get_staff_for_user(request.user, pk)
    require_manage_org(request.user)
    form = StaffMoveForm(
        request.POST or None,
        initial={"version": person.version, "station": person.station_id, "position": person.position},
        **placement_choices(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.staff_move(
                actor=request.user,
                staff=person,
                version=data["version"],
                station=data["station"],
                point=data["point"],
                position=data["position"],
                on_date=data["on_date"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{person.name}已调动，原岗位记录已保留。")
            return redirect(person)
    return render(request, "core/form.html", {"form": form, "title": f"调动：{person.name}", "back": person})


@require_http_methods(["GET", "POST"])
def leave(request: HttpRequest, pk: int) -> HttpResponse:
    require_personal_data(request.user)
    person = get_staff_for_user(request.user, pk)
    require_manage_org(request.user)
    form = StaffLeaveForm(request.POST or None, initial={"version": person.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.staff_leave(
                actor=request.user,
                staff=person,
                version=data["version"],
                on_date=data["on_date"],
                reason=data["reason"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"已办理{person.name}离职。")
            return redirect(person)
    return render(
        request,
        "core/form.html",
        {
            "form": form,
            "title": f"办理离职：{person.name}",
            "back": person,
            "submit": "确认离职",
            "danger": True,
        },
    )


@require_http_methods(["GET", "POST"])
def create_supervisor(request: HttpRequest) -> HttpResponse:
    require_personal_data(request.user)
    require_manage_org(request.user)
    form = SupervisorCreateForm(
        request.POST or None, **supervisor_choices(request.user), initial={"qualification": "social_worker"}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        chosen = data.pop("stations")
        try:
            person = services.staff_create(actor=request.user, kind=Kind.SUPERVISOR, **data)
            services.supervisor_assign(
                actor=request.user, supervisor=person, stations=list(chosen), on_date=person.hired_on
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"已登记督导：{person.name}，督导{len(chosen)}个社工站。")
            return redirect(person)
    return render(request, "core/form.html", {"form": form, "title": "登记督导", "back_url": "staff:index"})
