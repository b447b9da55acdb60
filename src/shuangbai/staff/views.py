from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from shuangbai.core.audit import audit_record
from shuangbai.core.dates import day_label
from shuangbai.core.forms import submit
from shuangbai.core.models import AuditAction
from shuangbai.core.permissions import has_perm, require_page, requires
from shuangbai.regions.models import Region
from shuangbai.regions.selectors import get_region_for_user, region_from_query
from shuangbai.stations.selectors import station_from_query

from . import services
from .forms import (
    ApplicantEditForm,
    ApplicantForm,
    ApplicantHireForm,
    ApplicantImportForm,
    CoverEndForm,
    CoverStartForm,
    PersonForm,
    RoundEditForm,
    RoundForm,
    StaffCreateForm,
    StaffEditForm,
    StaffLeaveForm,
    StaffMoveForm,
    SupervisorCreateForm,
    TrainingEditForm,
    TrainingForm,
)
from .models import Kind, StaffStatus, TrainingKind
from .recruitment_import import COLUMNS as IMPORT_COLUMNS
from .recruitment_import import REQUIRED as IMPORT_REQUIRED
from .selectors import (
    STAGES,
    applicant_stage,
    attendee_choices,
    cover_point_choices,
    get_applicant_for_user,
    get_round_for_user,
    get_staff_for_user,
    get_training_for_user,
    hire_station_choices,
    hours_in_year,
    manageable_cities,
    organiser_choices,
    placement_choices,
    position_regions,
    recruitment_rounds,
    recruitment_years,
    region_label,
    round_applicants,
    round_figures,
    staff_covers,
    staff_history,
    staff_list,
    staff_trainings,
    supervisor_choices,
    this_year,
    training_attendees,
    training_counts,
    training_list,
    training_organiser,
    training_years,
)


@require_GET
@requires("staff.view")
def index(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", StaffStatus.IN_POST)
    if status not in StaffStatus.values:
        status = ""
    kind = request.GET.get("kind", "")
    if kind not in Kind.values:
        kind = ""
    q = request.GET.get("q", "").strip()[:50]
    station = station_from_query(request.user, request.GET)
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
@requires("staff.view")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    staff = get_staff_for_user(request.user, pk)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=staff)
    trainings = list(staff_trainings(request.user, staff))
    covers = list(staff_covers(staff))
    manage_covers = (
        has_perm(request.user, "staff.cover", staff)
        and staff.status == StaffStatus.IN_POST
        and staff.kind == Kind.WORKER
    )
    return render(
        request,
        "staff/staff_detail.html",
        {
            "person": staff,
            "history": list(staff_history(staff)),
            "covers": covers,
            "manage_covers": manage_covers,
            "cover_form": CoverStartForm(points=cover_point_choices(request.user, staff))
            if manage_covers
            else None,
            "trainings": trainings,
            "year": this_year(),
            "hours_this_year": hours_in_year(trainings, this_year()),
        },
    )


@require_http_methods(["GET", "POST"])
@requires("staff.view")
def create(request: HttpRequest) -> HttpResponse:
    station = station_from_query(request.user, request.GET)
    require_page(request.user, "staff.manage", station)
    form = StaffCreateForm(
        request.POST or None,
        initial={"station": station, "position": "worker", "qualification": "none"},
        **placement_choices(request.user, station),
    )
    if done := submit(form, lambda data: services.staff_create(actor=request.user, **data)):
        messages.success(request, f"已登记社工：{done.value.name}。")
        return redirect(done.value)
    return render(request, "core/form.html", {"form": form, "title": "登记社工", "back_url": "staff:index"})


@require_http_methods(["GET", "POST"])
@requires("staff.view")
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_staff_for_user(request.user, pk)
    require_page(request.user, "staff.manage", person)
    initial = {name: getattr(person, name) for name in PersonForm.base_fields} | {"version": person.version}
    form = StaffEditForm(request.POST or None, initial=initial)
    if submit(form, lambda data: services.staff_update(actor=request.user, staff=person, **data)):
        messages.success(request, "已保存。")
        return redirect(person)
    return render(request, "core/form.html", {"form": form, "title": f"编辑：{person.name}", "back": person})


@require_http_methods(["GET", "POST"])
@requires("staff.view")
def move(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_staff_for_user(request.user, pk)
    require_page(request.user, "staff.manage", person)
    form = StaffMoveForm(
        request.POST or None,
        initial={"version": person.version, "station": person.station_id, "position": person.position},
        **placement_choices(request.user),
    )
    if submit(
        form,
        lambda data: services.staff_move(
            actor=request.user,
            staff=person,
            version=data["version"],
            station=data["station"],
            point=data["point"],
            position=data["position"],
            on_date=data["on_date"],
        ),
    ):
        messages.success(request, f"{person.name}已调动，原岗位记录已保留。")
        return redirect(person)
    return render(request, "core/form.html", {"form": form, "title": f"调动：{person.name}", "back": person})


@require_http_methods(["GET", "POST"])
@requires("staff.view")
def leave(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_staff_for_user(request.user, pk)
    require_page(request.user, "staff.manage", person)
    form = StaffLeaveForm(request.POST or None, initial={"version": person.version})
    if submit(
        form,
        lambda data: services.staff_leave(
            actor=request.user,
            staff=person,
            version=data["version"],
            on_date=data["on_date"],
            reason=data["reason"],
        ),
    ):
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
@requires("staff.manage")
def create_supervisor(request: HttpRequest) -> HttpResponse:
    form = SupervisorCreateForm(
        request.POST or None, **supervisor_choices(request.user), initial={"qualification": "social_worker"}
    )

    def register(data: dict):
        data = dict(data)
        chosen = data.pop("stations")
        person = services.staff_create(actor=request.user, kind=Kind.SUPERVISOR, **data)
        services.supervisor_assign(
            actor=request.user, supervisor=person, stations=list(chosen), on_date=person.hired_on
        )
        return person

    if done := submit(form, register):
        person, chosen = done.value, form.cleaned_data["stations"]
        messages.success(request, f"已登记督导：{person.name}，督导{len(chosen)}个社工站。")
        return redirect(person)
    return render(request, "core/form.html", {"form": form, "title": "登记督导", "back_url": "staff:index"})


# ---------------------------------------------------------------------------------------------- 兼任


def _cover_manager_staff(request: HttpRequest, pk: int):
    require_page(request.user, "staff.view")
    person = get_staff_for_user(request.user, pk)
    require_page(request.user, "staff.cover", person)
    return person


@require_http_methods(["GET", "POST"])
def cover_start(request: HttpRequest, pk: int) -> HttpResponse:
    person = _cover_manager_staff(request, pk)
    form = CoverStartForm(request.POST or None, points=cover_point_choices(request.user, person))
    if done := submit(
        form, lambda data: services.staff_cover_start(actor=request.user, staff=person, **data)
    ):
        assignment = done.value
        messages.success(
            request, f"{person.name}自{day_label(assignment.started_on)}兼任{assignment.point.name}。"
        )
        return redirect(person)
    return render(
        request,
        "core/form.html",
        {"form": form, "title": f"安排兼任：{person.name}", "back": person, "submit": "安排兼任"},
    )


@require_http_methods(["GET", "POST"])
def cover_end(request: HttpRequest, pk: int) -> HttpResponse:
    person = _cover_manager_staff(request, pk)
    form = CoverEndForm(request.POST or None, covers=staff_covers(person).visible_to(request.user))
    if done := submit(
        form,
        lambda data: services.staff_cover_end(
            actor=request.user, assignment=data["assignment"], ended_on=data["ended_on"]
        ),
    ):
        assignment = done.value
        messages.success(
            request,
            f"{person.name}兼任{assignment.point.name}已于{day_label(assignment.ended_on)}结束。",
        )
        return redirect(person)
    return render(
        request,
        "core/form.html",
        {"form": form, "title": f"结束兼任：{person.name}", "back": person, "submit": "结束兼任"},
    )


# ---------------------------------------------------------------------------------------------- trainings


@require_GET
@requires("training.view")
def training_index(request: HttpRequest) -> HttpResponse:
    station = station_from_query(request.user, request.GET)
    region = region_from_query(request.user, request.GET) if station is None else None
    kind = request.GET.get("kind", "")
    if kind not in TrainingKind.values:
        kind = ""
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and len(year) == 4 else None
    trainings = training_list(request.user, region=region, station=station, kind=kind, year=year)
    page = Paginator(trainings, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "staff/training_list.html",
        {
            "page": page,
            "counts": training_counts(trainings),
            "region": region,
            "station": station,
            "kind": kind,
            "year": year,
            "kinds": TrainingKind.choices,
            "years": training_years(request.user),
            "may_record": has_perm(request.user, "training.record"),
        },
    )


@require_GET
@requires("training.view")
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    training = get_training_for_user(request.user, pk)
    attendees, total = training_attendees(request.user, training)
    return render(
        request,
        "staff/training_detail.html",
        {
            "training": training,
            "attendees": attendees,
            "attendee_total": total,
            "may_edit": has_perm(request.user, "training.record", training_organiser(training)),
        },
    )


@require_http_methods(["GET", "POST"])
@requires("training.view")
def training_create(request: HttpRequest) -> HttpResponse:
    station = station_from_query(request.user, request.GET)
    require_page(request.user, "training.record", station)
    organisers = organiser_choices(request.user)
    if station is not None:
        default_unit = f"s:{station.pk}"
    elif has_perm(request.user, "training.record", request.user.scope_region):
        default_unit = f"r:{request.user.scope_region.code}"
    elif request.user.scope_station_id:
        default_unit = f"s:{request.user.scope_station_id}"
    else:
        default_unit = ""
    form = TrainingForm(
        request.POST or None,
        initial={"organiser_unit": default_unit, "kind": TrainingKind.PROFESSIONAL},
        organisers=organisers,
        attendee_groups=attendee_choices(request.user, station=station),
    )
    if done := submit(
        form, lambda data: services.training_record(actor=request.user, **form.service_kwargs())
    ):
        messages.success(request, f"已登记培训：{done.value.topic}。")
        return redirect(done.value)
    return render(
        request, "core/form.html", {"form": form, "title": "登记培训", "back_url": "staff:trainings"}
    )


@require_http_methods(["GET", "POST"])
@requires("training.view")
def training_edit(request: HttpRequest, pk: int) -> HttpResponse:
    training = get_training_for_user(request.user, pk)
    require_page(request.user, "training.record", training_organiser(training))
    current_attendees = list(training.attendees.all())
    if training.station_id:
        unit, current_unit = f"s:{training.station_id}", training.station
    else:
        current_unit = Region.objects.get(code=training.region_code)
        unit = f"r:{training.region_code}"
    initial = {name: getattr(training, name) for name in services.TRAINING_FIELDS} | {
        "version": training.version,
        "organiser_unit": unit,
        "attendees": [str(p.pk) for p in current_attendees],
    }
    form = TrainingEditForm(
        request.POST or None,
        initial=initial,
        organisers=organiser_choices(request.user, include=current_unit),
        attendee_groups=attendee_choices(request.user, station=training.station, include=current_attendees),
    )
    if submit(
        form,
        lambda data: services.training_update(actor=request.user, training=training, **form.service_kwargs()),
    ):
        messages.success(request, "已保存。")
        return redirect(training)
    return render(
        request, "core/form.html", {"form": form, "title": f"编辑培训：{training.topic}", "back": training}
    )


# ---------------------------------------------------------------------------------------------- 招聘


def _round_to_manage(request: HttpRequest, pk: int):
    require_page(request.user, "recruitment.view_names")
    round_ = get_round_for_user(request.user, pk)
    require_page(request.user, "recruitment.manage", round_.city)
    return round_


@require_GET
@requires("recruitment.view")
def recruitment_index(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and len(year) == 4 else None
    rounds = list(recruitment_rounds(request.user, year=year))
    return render(
        request,
        "staff/recruitment_list.html",
        {
            "rounds": rounds,
            "year": year,
            "years": recruitment_years(request.user),
            "may_create": bool(manageable_cities(request.user)),
        },
    )


@require_GET
@requires("recruitment.view")
def recruitment_round(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_for_user(request.user, pk)
    names = has_perm(request.user, "recruitment.view_names")
    context = {
        "round": round_,
        "figures": round_figures(request.user, round_),
        "may_manage": has_perm(request.user, "recruitment.manage", round_.city),
        "names": names,
    }
    if names:
        counties = [row.region for row in context["figures"].rows]
        county = None
        if request.GET.get("county", "").isdigit():
            county = next((r for r in counties if r.pk == int(request.GET["county"])), None)
        stage = request.GET.get("stage", "")
        if stage not in dict(STAGES):
            stage = ""
        q = request.GET.get("q", "").strip()[:50]
        applicants = round_applicants(
            request.user, round_, county_id=county.pk if county else None, stage=stage, q=q
        )
        page = Paginator(applicants, 50).get_page(request.GET.get("page"))
        full = {row.region.pk for row in context["figures"].rows if row.hired >= row.positions}
        for applicant in page:
            applicant.stage = applicant_stage(applicant, round_)
            applicant.county_label = region_label(applicant.county, round_)
            applicant.may_hire = not (
                applicant.hired_staff_id or applicant.withdrawn or applicant.county_id in full
            )
        context |= {
            "page": page,
            "counties": [(r, region_label(r, round_)) for r in counties],
            "county": county,
            "stage": stage,
            "stages": STAGES,
            "q": q,
        }
    return render(request, "staff/recruitment_round.html", context)


@require_http_methods(["GET", "POST"])
@requires("recruitment.manage")
def recruitment_create(request: HttpRequest) -> HttpResponse:
    cities = manageable_cities(request.user)
    if request.GET.get("city"):
        city = get_region_for_user(request.user, request.GET["city"])
        if city not in cities:
            raise Http404
    elif len(cities) == 1:
        city = cities[0]
    else:
        return render(request, "staff/recruitment_choose_city.html", {"cities": cities})
    form = RoundForm(
        request.POST or None,
        regions=position_regions(city),
        city=city,
        initial={"year": this_year(), "kind": Kind.WORKER},
    )
    if done := submit(
        form,
        lambda data: services.recruitment_round_create(
            actor=request.user, city=city, positions=form.positions(), **form.round_fields()
        ),
    ):
        messages.success(request, f"已登记招聘：{done.value.title}。")
        return redirect(done.value)
    return render(
        request,
        "core/form.html",
        {"form": form, "title": f"登记招聘：{city.name}", "back_url": "staff:recruitment"},
    )


@require_http_methods(["GET", "POST"])
def recruitment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_to_manage(request, pk)
    initial = {name: getattr(round_, name) for name in services.ROUND_FIELDS} | {"version": round_.version}
    initial |= {
        f"positions_{row.county.code}": row.positions for row in round_.positions.select_related("county")
    }
    form = RoundEditForm(
        request.POST or None, initial=initial, regions=position_regions(round_.city), city=round_.city
    )

    @transaction.atomic
    def save(data: dict) -> None:
        services.recruitment_round_update(actor=request.user, round_=round_, **form.round_fields())
        services.recruitment_positions_set(actor=request.user, round_=round_, positions=form.positions())

    if submit(form, save):
        messages.success(request, "已保存。")
        return redirect(round_)
    return render(
        request, "core/form.html", {"form": form, "title": f"编辑招聘：{round_.title}", "back": round_}
    )


@require_http_methods(["GET", "POST"])
def recruitment_import(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_to_manage(request, pk)
    form = ApplicantImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    # Not submit(): what the service refuses is a list of the file's row errors, shown beside the column guide,
    # not put on the form.
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            added = services.applicants_import(
                actor=request.user, round_=round_, data=upload.read(), filename=upload.name
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, f"已导入报名人员{added}人。")
            return redirect(round_)
    return render(
        request,
        "staff/recruitment_import.html",
        {
            "form": form,
            "round": round_,
            "errors": errors,
            "columns": IMPORT_COLUMNS,
            "required": IMPORT_REQUIRED,
        },
    )


@require_http_methods(["GET", "POST"])
def applicant_create(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_to_manage(request, pk)
    form = ApplicantForm(
        request.POST or None,
        counties=Region.objects.filter(pk__in=round_.positions.values("county_id")).order_by("code"),
        city_code=round_.region_code,
    )
    if done := submit(form, lambda data: services.applicant_add(actor=request.user, round_=round_, **data)):
        messages.success(request, f"已登记报名人员：{done.value.name}。")
        return redirect(round_)
    return render(
        request, "core/form.html", {"form": form, "title": f"登记报名人员：{round_.title}", "back": round_}
    )


@require_http_methods(["GET", "POST"])
@requires("recruitment.view_names")
def applicant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    applicant = get_applicant_for_user(request.user, pk)
    round_ = applicant.round
    require_page(request.user, "recruitment.manage", round_.city)
    initial = {name: getattr(applicant, name) for name in services.APPLICANT_FIELDS}
    form = ApplicantEditForm(request.POST or None, initial=initial | {"version": applicant.version})
    if submit(
        form, lambda data: services.applicant_scores_record(actor=request.user, applicant=applicant, **data)
    ):
        messages.success(request, "已保存。")
        return redirect(round_)
    return render(
        request, "core/form.html", {"form": form, "title": f"成绩与状态：{applicant.name}", "back": round_}
    )


@require_http_methods(["GET", "POST"])
@requires("recruitment.view_names")
def applicant_hire(request: HttpRequest, pk: int) -> HttpResponse:
    applicant = get_applicant_for_user(request.user, pk)
    require_page(request.user, "recruitment.hire", applicant)
    round_ = applicant.round
    if applicant.hired_staff_id:
        messages.info(request, f"{applicant.name}已录用。")
        return redirect(applicant.hired_staff)
    supervisor = round_.kind == Kind.SUPERVISOR
    form = ApplicantHireForm(
        request.POST or None,
        supervisor=supervisor,
        initial={"position": "worker", "qualification": "none"},
        **({} if supervisor else hire_station_choices(request.user, applicant)),
    )
    if done := submit(
        form, lambda data: services.applicant_hire(actor=request.user, applicant=applicant, **data)
    ):
        staff = done.value
        where = staff.station.name if staff.station_id else f"{region_label(applicant.county, round_)}督导"
        messages.success(request, f"已录用{staff.name}（{where}），已建立人员档案。")
        return redirect(staff)
    label = region_label(applicant.county, round_)
    return render(
        request,
        "core/form.html",
        {
            "form": form,
            "title": f"录用：{applicant.name}（报考{label}）",
            "back": round_,
            "submit": "录用并建立人员档案",
        },
    )
