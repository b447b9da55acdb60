"""Case pages. Cases are personal data: the viewer gets the 404 of a page that does not exist; a record outside
the user's scope is a 404 too, before any role check (on POST as on GET)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from shuangbai.core.audit import audit_record, audited
from shuangbai.core.forms import submit
from shuangbai.core.models import AuditAction
from shuangbai.core.permissions import has_perm, require_page, requires
from shuangbai.regions.models import Region
from shuangbai.regions.selectors import region_from_query
from shuangbai.registry.forms import HouseholdCreateForm, PersonForm
from shuangbai.registry.selectors import get_beneficiary_for_user, village_choices
from shuangbai.staff.selectors import station_workers
from shuangbai.stations.selectors import station_from_query

from . import selectors, services
from .forms import (
    AgencyEditForm,
    AgencyForm,
    CaseEditForm,
    CloseForm,
    ExemplaryForm,
    GoalForm,
    GoalStatusForm,
    IntakeForm,
    NoteForm,
    ReferralForm,
    ReviewForm,
    StepForm,
)
from .models import Agency, Case


def _int_arg(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    return int(value)


def _case_for_work(request: HttpRequest, pk: int) -> Case:
    require_page(request.user, "case.view")
    case = selectors.get_case_for_user(request.user, pk)
    require_page(request.user, "case.work", case.station)
    return case


@require_GET
@requires("case.view")
@audited("个案名单")
def index(request: HttpRequest) -> HttpResponse:
    """Cases of a station (`?station=`), a region (`?region=`) or the whole scope, by status."""
    station = station_from_query(request.user, request.GET)
    region = region_from_query(request.user, request.GET) if station is None else None
    status = request.GET.get("status", "open")
    if status not in selectors.STATUS_FILTERS:
        status = "open"
    cases = selectors.case_list(request.user, station=station, region=region, status=status)
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    base = f"station={station.pk}&" if station else (f"region={region.code}&" if region else "")
    return render(
        request,
        "cases/case_list.html",
        {
            "station": station,
            "region": region,
            "status": status,
            "filters": selectors.STATUS_FILTERS,
            "counts": selectors.case_counts(request.user, station=station, region=region),
            "page": page,
            "base_query": base,
            "can_open": station is not None and has_perm(request.user, "case.work", station),
        },
    )


@require_http_methods(["GET", "POST"])
@requires("case.view")
@audited("开案")
def create(request: HttpRequest) -> HttpResponse:
    """Open a case for a registered person (`?beneficiary=`)."""
    pk = _int_arg(request, "beneficiary")
    if pk is None:
        messages.info(request, "请从服务对象页面开案；尚未登记的人员，请从社工站的个案列表“新登记并开案”。")
        return redirect("cases:index")
    person = get_beneficiary_for_user(request.user, pk)
    require_page(request.user, "case.work", person.station)
    workers = station_workers(person.station)
    form = IntakeForm(request.POST or None, workers=workers)
    if done := submit(
        form,
        lambda data: services.case_open(
            actor=request.user,
            beneficiary=person,
            opened_on=data["opened_on"],
            source=data["source"],
            presenting_problem=data["presenting_problem"],
            worker=data["worker"],
        ),
    ):
        messages.success(request, f"已为{person.name}开案。请填写评估与服务计划。")
        return redirect(done.value)
    return render(
        request,
        "cases/case_create.html",
        {"person": person, "form": form, "title": f"开案 · {person.name}"},
    )


@require_http_methods(["GET", "POST"])
@requires("case.view")
@audited("新登记并开案")
def create_person(request: HttpRequest) -> HttpResponse:
    """Register a person not yet registered (a new household in a village of the station's town) and open
    their case in one go (`?station=`)."""
    station = station_from_query(request.user, request.GET)
    if station is None:
        raise Http404
    require_page(request.user, "case.work", station)
    low, high = station.region_code[:9].ljust(12, "0"), station.region_code[:9].ljust(12, "9")
    villages = village_choices(request.user).filter(code__gte=low, code__lte=high).order_by("code")
    post = request.POST or None
    household_form = HouseholdCreateForm(post, villages=villages, prefix="hh")
    person_form = PersonForm(post, prefix="p")
    intake_form = IntakeForm(post, workers=station_workers(station), prefix="c")

    def open_case(intake: dict) -> Case:
        household = household_form.cleaned_data
        person = dict(person_form.cleaned_data)
        person["gender"] = person["gender"] or ""
        return services.case_open_for_new_person(
            actor=request.user,
            station=station,
            village=household["village"],
            person=person,
            address=household["address"],
            phone=household["phone"],
            opened_on=intake["opened_on"],
            source=intake["source"],
            presenting_problem=intake["presenting_problem"],
            worker=intake["worker"],
        )

    if done := submit(intake_form, open_case, household_form, person_form):
        messages.success(request, f"已登记{done.value.beneficiary.name}并开案。")
        return redirect(done.value)
    return render(
        request,
        "cases/case_create_person.html",
        {
            "station": station,
            "household_form": household_form,
            "person_form": person_form,
            "intake_form": intake_form,
        },
    )


@require_GET
@requires("case.view")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_case_for_user(request.user, pk)
    audit_record(
        actor=request.user, action=AuditAction.VIEW, obj=case, object_repr=f"{case.beneficiary} {case}"
    )
    can_work = has_perm(request.user, "case.work", case.station)
    goals = selectors.case_goals(case)
    referrals = selectors.case_referrals(case)
    agencies = selectors.agency_choices()
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "person": case.beneficiary,
            "goals": [
                (
                    goal,
                    GoalStatusForm(
                        initial={"status": goal.status, "target_on": goal.target_on}, prefix=f"g{goal.pk}"
                    ),
                )
                for goal in goals
            ],
            "notes": list(selectors.case_notes(case)),
            "reviews": list(selectors.case_reviews(case)),
            "referrals": [
                (
                    referral,
                    StepForm(agencies=agencies, prefix=f"r{referral.pk}")
                    if can_work and not referral.is_finished
                    else None,
                )
                for referral in referrals
            ],
            "can_work": can_work,
            "can_review": has_perm(request.user, "case.review", case.station),
            "note_form": NoteForm() if can_work and case.is_open else None,
            "goal_form": GoalForm() if can_work and case.is_open else None,
        },
    )


@require_http_methods(["GET", "POST"])
@audited("编辑个案")
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Intake and assessment of an open case."""
    case = _case_for_work(request, pk)
    if not case.is_open:
        messages.info(request, "该个案已结案，不能再修改。")
        return redirect(case)
    workers = station_workers(case.station)
    initial = {name: getattr(case, name) for name in services.CASE_FIELDS} | {"version": case.version}
    form = CaseEditForm(request.POST or None, initial=initial, workers=workers)
    if submit(
        form,
        lambda data: services.case_update(
            actor=request.user,
            case=case,
            version=data["version"],
            **{name: data[name] for name in services.CASE_FIELDS},
        ),
    ):
        messages.success(request, "已保存接案与评估。")
        return redirect(case)
    return render(
        request,
        "cases/case_form.html",
        {"case": case, "form": form, "title": f"接案与评估 · {case.beneficiary.name}"},
    )


@require_http_methods(["GET", "POST"])
@audited("个案记录")
def note_create(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_work(request, pk)
    form = NoteForm(request.POST or None)
    if submit(
        form,
        lambda data: services.case_note_add(
            actor=request.user, case=case, written_on=data["written_on"], text=data["text"]
        ),
    ):
        messages.success(request, "已保存个案记录。")
        return redirect(case)
    return render(
        request,
        "cases/case_form.html",
        {"case": case, "form": form, "title": f"个案记录 · {case.beneficiary.name}"},
    )


@require_http_methods(["GET", "POST"])
@audited("个案目标")
def goal_create(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_work(request, pk)
    form = GoalForm(request.POST or None)
    if submit(
        form,
        lambda data: services.goal_add(
            actor=request.user, case=case, text=data["text"], target_on=data["target_on"]
        ),
    ):
        messages.success(request, "已添加服务目标。")
        return redirect(case)
    return render(
        request,
        "cases/case_form.html",
        {"case": case, "form": form, "title": f"服务目标 · {case.beneficiary.name}"},
    )


@require_http_methods(["GET", "POST"])
@requires("case.view")
@audited("个案目标")
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    goal = selectors.get_goal_for_user(request.user, pk)
    case = goal.case
    require_page(request.user, "case.work", case.station)
    prefix = f"g{goal.pk}"
    form = GoalStatusForm(
        request.POST or None, initial={"status": goal.status, "target_on": goal.target_on}, prefix=prefix
    )
    if submit(
        form,
        lambda data: services.goal_update(
            actor=request.user, goal=goal, status=data["status"], target_on=data["target_on"]
        ),
    ):
        messages.success(request, f"已更新目标：{goal.text}。")
        return redirect(case)
    return render(
        request, "cases/case_form.html", {"case": case, "form": form, "title": f"目标：{goal.text}"}
    )


@require_http_methods(["GET", "POST"])
@requires("case.view")
def review_create(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_case_for_user(request.user, pk)
    require_page(request.user, "case.review", case.station)
    form = ReviewForm(request.POST or None)
    if submit(
        form,
        lambda data: services.review_add(
            actor=request.user, case=case, reviewed_on=data["reviewed_on"], comment=data["comment"]
        ),
    ):
        messages.success(request, "已保存督导意见。")
        return redirect(case)
    return render(
        request,
        "cases/case_form.html",
        {"case": case, "form": form, "title": f"个案督导 · {case.beneficiary.name}"},
    )


@require_http_methods(["GET", "POST"])
@audited("结案")
def close(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_work(request, pk)
    if not case.is_open:
        messages.info(request, "该个案已结案。")
        return redirect(case)
    form = CloseForm(request.POST or None, initial={"version": case.version})
    if submit(
        form,
        lambda data: services.case_close(
            actor=request.user,
            case=case,
            closed_on=data["closed_on"],
            outcome=data["outcome"],
            reason=data["reason"],
            version=data["version"],
        ),
    ):
        messages.success(request, "已结案。")
        return redirect(case)
    return render(
        request,
        "cases/case_form.html",
        {
            "case": case,
            "form": form,
            "title": f"结案 · {case.beneficiary.name}",
            "submit": "结案",
            "danger": True,
        },
    )


@require_http_methods(["GET", "POST"])
@audited("优秀案例")
def exemplary(request: HttpRequest, pk: int) -> HttpResponse:
    """The exemplary-case write-up: drafted from the case on first opening, checked for de-identification on
    saving. `remove=1` in the POST takes the mark off."""
    case = _case_for_work(request, pk)
    if request.method == "POST" and request.POST.get("remove"):
        try:
            services.case_unset_exemplary(
                actor=request.user, case=case, version=int(request.POST.get("version", 0))
            )
        except (ValidationError, ValueError):
            messages.error(request, "此记录已被他人修改，请刷新后重试。")
        else:
            messages.success(request, "已取消优秀案例标记（案例文稿保留）。")
        return redirect(case)
    if case.write_up:
        initial = {"nickname": case.nickname, "title": case.write_up_title, "text": case.write_up}
    else:
        draft = services.suggest_write_up(case)
        initial = {"nickname": draft["nickname"], "title": draft["title"], "text": draft["text"]}
    form = ExemplaryForm(request.POST or None, initial=initial | {"version": case.version})
    if submit(
        form,
        lambda data: services.case_set_exemplary(
            actor=request.user,
            case=case,
            nickname=data["nickname"],
            title=data["title"],
            text=data["text"],
            version=data["version"],
        ),
    ):
        messages.success(request, "已标记为优秀案例。")
        return redirect(case)
    return render(request, "cases/exemplary_form.html", {"case": case, "form": form})


@require_http_methods(["GET", "POST"])
@audited("转介")
def referral_create(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_work(request, pk)
    form = ReferralForm(request.POST or None, agencies=selectors.agency_choices())
    if done := submit(
        form,
        lambda data: services.referral_create(
            actor=request.user,
            case=case,
            agency=data["agency"],
            purpose=data["purpose"],
            referred_on=data["referred_on"],
            notes=data["notes"],
            first_agency=data["first_agency"],
        ),
    ):
        messages.success(request, f"已转介至{done.value.agency.name}。")
        return redirect(case)
    return render(
        request,
        "cases/case_form.html",
        {"case": case, "form": form, "title": f"转介 · {case.beneficiary.name}"},
    )


@require_http_methods(["GET", "POST"])
@requires("case.view")
@audited("转介进展")
def step_create(request: HttpRequest, pk: int) -> HttpResponse:
    referral = selectors.get_referral_for_user(request.user, pk)
    case = referral.case
    require_page(request.user, "case.work", case.station)
    if referral.is_finished:
        messages.info(request, f"该转介已{referral.get_status_display()}。")
        return redirect(case)
    form = StepForm(request.POST or None, agencies=selectors.agency_choices(), prefix=f"r{referral.pk}")
    if submit(
        form,
        lambda data: services.referral_step_add(
            actor=request.user,
            referral=referral,
            status=data["status"],
            on_date=data["on_date"],
            notes=data["notes"],
            agency=data["agency"],
        ),
    ):
        messages.success(request, "已记录转介进展。")
        return redirect(case)
    return render(
        request,
        "cases/case_form.html",
        {"case": case, "form": form, "title": f"转介进展 · {referral.agency.name}"},
    )


# ---------------------------------------------------------------------------------------------- agencies


def _agency_region(data: dict) -> Region | None:
    """The region an agency form names by code (a prefix will do), None for none; refused on the form when no
    region has that code."""
    code = (data.get("region") or "").strip()
    if not code:
        return None
    region = Region.objects.filter(code=code.ljust(12, "0")).first()  # the tree itself is public
    if region is None:
        raise ValidationError({"region": f"没有代码为“{code}”的区域。"})
    return region


@require_http_methods(["GET", "POST"])
@requires("catalogue.manage")
def agencies(request: HttpRequest) -> HttpResponse:
    """The agency catalogue: the province and city bureaus list, add and edit agencies."""
    form = AgencyForm(request.POST or None)
    if done := submit(
        form,
        lambda data: services.agency_create(
            actor=request.user, name=data["name"], kind=data["kind"], region=_agency_region(data)
        ),
    ):
        messages.success(request, f"已新增机构：{done.value.name}。")
        return redirect("cases:agencies")
    return render(
        request, "cases/agencies.html", {"agencies": selectors.agencies(include_inactive=True), "form": form}
    )


@require_http_methods(["GET", "POST"])
def agency_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agency = get_object_or_404(Agency, pk=pk)  # the catalogue is shared, not scoped programme data
    require_page(request.user, "catalogue.manage")
    initial = {
        "name": agency.name,
        "kind": agency.kind,
        "region": agency.region.code if agency.region_id else "",
        "active": agency.active,
    }
    form = AgencyEditForm(request.POST or None, initial=initial)
    if submit(
        form,
        lambda data: services.agency_update(
            actor=request.user,
            agency=agency,
            name=data["name"],
            kind=data["kind"],
            region=_agency_region(data),
            active=data["active"],
        ),
    ):
        messages.success(request, f"已保存机构：{agency.name}。")
        return redirect("cases:agencies")
    return render(
        request,
        "core/form.html",
        {"form": form, "title": f"编辑机构 · {agency.name}", "back_url": "cases:agencies"},
    )
