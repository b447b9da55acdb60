from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from shuangbai.core.audit import audit_record, audited
from shuangbai.core.forms import VersionedForm, submit
from shuangbai.core.models import AuditAction
from shuangbai.core.permissions import require_page, requires
from shuangbai.core.spreadsheets import xlsx_response
from shuangbai.regions.selectors import get_region_for_user, region_from_query

from . import ledger, services
from .exports import export_beneficiaries
from .forms import (
    BeneficiaryEditForm,
    CategoryEditForm,
    CategoryForm,
    ExitForm,
    FilterForm,
    HouseholdCreateForm,
    HouseholdEditForm,
    IdLookupForm,
    ImportForm,
    MemberForm,
    PersonForm,
)
from .models import Category, Relation, Status
from .selectors import (
    BeneficiaryFilter,
    beneficiary_by_id_number,
    beneficiary_list,
    category_choices,
    category_counts,
    duplicates_of,
    filter_regions,
    get_beneficiary_for_user,
    get_household_for_user,
    get_import_run_for_user,
    household_members,
    import_regions,
    import_runs,
    likely_duplicates,
    looks_like_full_id,
    region_breakdown,
    umbrella_counts,
    village_choices,
)
from .services import PERSON_FIELDS
from .timeline import timeline


def _filters(request: HttpRequest) -> tuple[FilterForm, BeneficiaryFilter]:
    form = FilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    region = region_from_query(request.user, request.GET)
    status = data.get("status") or Status.ACTIVE
    q = (data.get("q") or "").strip()
    if looks_like_full_id(q):
        # A full number would sit in the address bar, the history and the server log: look it up by POST.
        q = ""
    filters = BeneficiaryFilter(
        q=q,
        region=region,
        category=data.get("category"),
        umbrella=data.get("umbrella") or "",
        status="" if status == "all" else status,
        risk_level=data.get("risk_level") or "",
        follow_up_level=data.get("follow_up_level"),
        no_id=bool(data.get("no_id")),
    )
    return form, filters


@require_GET
@requires("beneficiary.view")
@audited("服务对象名单")
def index(request: HttpRequest) -> HttpResponse:
    if looks_like_full_id(request.GET.get("q", "")):
        # Out of the address bar, the history and every link the page would build from it.
        query = request.GET.copy()
        del query["q"]
        messages.error(
            request, "为保护个人信息，完整身份证号请用“按身份证号查找”（不会出现在网址中）；此处可输入后4位。"
        )
        return redirect(f"{request.path}?{query.urlencode()}" if query else request.path)
    form, filters = _filters(request)
    page = Paginator(beneficiary_list(request.user, filters), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/beneficiary_list.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            # the counts per category come from the stats page, when the reader opens them (htmx)
            "regions": filter_regions(request.user),
        },
    )


@require_GET
@requires("beneficiary.view")
def export(request: HttpRequest) -> HttpResponse:
    _, filters = _filters(request)
    content = export_beneficiaries(
        actor=request.user, people=beneficiary_list(request.user, filters), description=filters.describe()
    )
    return xlsx_response(content, f"服务对象名单-{timezone.localdate():%Y%m%d}.xlsx")


@require_http_methods(["GET", "POST"])
@requires("beneficiary.view")
def lookup(request: HttpRequest) -> HttpResponse:
    """Exact look-up by a full ID number, posted so that the number never appears in a URL."""
    form = IdLookupForm(request.POST or None)
    # Not submit(): a look-up, not a service, and what it refuses is always about the number, so its error goes
    # on the number's field, also when it names none.
    if request.method == "POST" and form.is_valid():
        try:
            person = beneficiary_by_id_number(request.user, form.cleaned_data["id_number"])
        except ValidationError as error:
            form.add_error("id_number", error)
        else:
            if person is not None:
                return redirect(person)
            form.add_error("id_number", "在您的管辖范围内没有登记此身份证号的服务对象。")
    return render(
        request,
        "core/form.html",
        {"form": form, "title": "按身份证号查找", "submit": "查找", "back_url": "registry:index"},
    )


@require_GET
@requires("beneficiary.view")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_beneficiary_for_user(request.user, pk)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=person)
    return render(
        request,
        "registry/beneficiary_detail.html",
        {
            "person": person,
            "categories": list(person.categories.all()),
            "members": [m for m in household_members(person.household) if m.pk != person.pk],
            "events": timeline(person),
        },
    )


@require_http_methods(["GET", "POST"])
@requires("beneficiary.view")
@audited("查看完整号码页")
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The full ID number, on request, for the roles allowed to see it; each reveal is audited."""
    person = get_beneficiary_for_user(request.user, pk)
    require_page(request.user, "beneficiary.reveal_id", person)
    if not person.has_id:
        raise Http404
    if request.method == "POST":
        number = services.beneficiary_reveal_id(actor=request.user, beneficiary=person)
        if request.headers.get("HX-Request"):
            return render(request, "registry/partials/id_number.html", {"number": number})
        return render(request, "registry/reveal.html", {"person": person, "number": number})
    return render(request, "registry/reveal.html", {"person": person})


@requires("beneficiary.view")
def called(request: HttpRequest, pk: int) -> HttpResponse:
    """The page's 拨打 link reports the tap here before the phone dials: an audit entry, nothing to show.
    Scope first, so that outside it the answer is the same 404 as everywhere."""
    person = get_beneficiary_for_user(request.user, pk)
    require_page(request.user, "visit.record", person.household)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.beneficiary_call(actor=request.user, beneficiary=person)
    except ValidationError:
        raise Http404 from None
    return HttpResponse(status=204)


def _person_initial(person) -> dict:
    initial = {name: getattr(person, name) for name in PERSON_FIELDS}
    return initial | {
        "version": person.version,
        "id_number": "",  # never put the number back into a page; left empty means unchanged
        "no_id_reason": person.no_id_reason,
        "gender": person.gender,
        "birth_date": person.birth_date,
        "categories": [c.pk for c in person.categories.all()],
        "disability_grade": person.disability_grade or "",
    }


@require_http_methods(["GET", "POST"])
@requires("beneficiary.view")
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_beneficiary_for_user(request.user, pk)
    require_page(request.user, "beneficiary.edit", person)
    if request.method == "GET":
        audit_record(actor=request.user, action=AuditAction.VIEW, obj=person)  # the form shows health notes
    form = BeneficiaryEditForm(
        request.POST or None, initial=_person_initial(person), categories=category_choices(person)
    )
    if person.has_id:
        form.fields["id_number"].help_text = f"当前：{person.id_masked}。留空表示不修改；填写则替换为新号码。"

    def save(data: dict):
        data = dict(data)
        new_number = data.pop("id_number").strip()
        identity_changes = {"gender": data.pop("gender") or None, "birth_date": data.pop("birth_date")}
        no_id_reason = data.pop("no_id_reason")
        if new_number:
            identity_changes |= {"id_number": new_number, "no_id_reason": ""}
        elif not person.has_id:
            identity_changes["no_id_reason"] = no_id_reason
        if person.has_id and not new_number:
            identity_changes = {}  # gender and birth date follow the number on file
        return services.beneficiary_update(actor=request.user, beneficiary=person, **identity_changes, **data)

    if submit(form, save):
        messages.success(request, "已保存。")
        return redirect(person)
    return render(request, "core/form.html", {"form": form, "title": f"编辑：{person.name}", "back": person})


@require_http_methods(["GET", "POST"])
@requires("beneficiary.view")
@audited("办理退出")
def exit_register(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_beneficiary_for_user(request.user, pk)
    require_page(request.user, "beneficiary.edit", person)
    form = ExitForm(
        request.POST or None, initial={"version": person.version, "on_date": timezone.localdate()}
    )
    if submit(
        form,
        lambda data: services.beneficiary_exit(
            actor=request.user,
            beneficiary=person,
            version=data["version"],
            reason=data["reason"],
            on_date=data["on_date"],
            note=data["note"],
        ),
    ):
        messages.success(request, f"{person.name}已退出，记录保留。")
        return redirect(person)
    return render(
        request,
        "core/form.html",
        {
            "form": form,
            "title": f"办理退出：{person.name}",
            "back": person,
            "submit": "确认退出",
            "danger": True,
        },
    )


@require_http_methods(["GET", "POST"])
@requires("beneficiary.view")
@audited("恢复在册")
def reinstate(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_beneficiary_for_user(request.user, pk)
    require_page(request.user, "beneficiary.edit", person)
    form = VersionedForm(request.POST or None, initial={"version": person.version})
    if submit(
        form,
        lambda data: services.beneficiary_reinstate(
            actor=request.user, beneficiary=person, version=data["version"]
        ),
    ):
        messages.success(request, f"{person.name}已恢复在册。")
        return redirect(person)
    return render(
        request,
        "core/form.html",
        {"form": form, "title": f"恢复在册：{person.name}", "back": person, "submit": "确认恢复"},
    )


@require_http_methods(["GET", "POST"])
@requires("beneficiary.edit")
def household_create(request: HttpRequest) -> HttpResponse:
    villages = village_choices(request.user).order_by("code")
    post = request.POST or None
    household_form = HouseholdCreateForm(post, villages=villages, prefix="hh")
    person_form = PersonForm(post, prefix="p")
    if done := submit(
        household_form,
        lambda data: services.household_register(
            actor=request.user,
            village=data["village"],
            address=data["address"],
            phone=data["phone"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            notes=data["notes"],
            head=_person_data(person_form),
        ),
        person_form,
    ):
        messages.success(request, "已登记新户及户主。可继续添加家庭成员。")
        return redirect(done.value)
    return render(
        request,
        "registry/household_form.html",
        {"household_form": household_form, "person_form": person_form, "title": "登记新户"},
    )


def _person_data(form: PersonForm) -> dict:
    data = dict(form.cleaned_data)
    data["gender"] = data["gender"] or ""
    return data


@require_GET
@requires("beneficiary.view")
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_household_for_user(request.user, pk)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=household)
    return render(
        request,
        "registry/household_detail.html",
        {
            "household": household,
            "members": list(household_members(household)),
        },
    )


@require_http_methods(["GET", "POST"])
@requires("beneficiary.view")
def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_household_for_user(request.user, pk)
    require_page(request.user, "beneficiary.edit", household)
    initial = {name: getattr(household, name) for name in services.HOUSEHOLD_FIELDS}
    form = HouseholdEditForm(request.POST or None, initial=initial | {"version": household.version})
    if submit(form, lambda data: services.household_update(actor=request.user, household=household, **data)):
        messages.success(request, "已保存。")
        return redirect(household)
    return render(request, "core/form.html", {"form": form, "title": "编辑户信息", "back": household})


@require_http_methods(["GET", "POST"])
@requires("beneficiary.view")
def member_create(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_household_for_user(request.user, pk)
    require_page(request.user, "beneficiary.edit", household)
    form = MemberForm(request.POST or None, initial={"relation": Relation.SPOUSE, "follow_up_level": 3})
    if done := submit(
        form,
        lambda data: services.beneficiary_register(
            actor=request.user, household=household, **_person_data(form)
        ),
    ):
        messages.success(request, f"已添加家庭成员：{done.value.name}。")
        return redirect(household)
    return render(request, "core/form.html", {"form": form, "title": "添加家庭成员", "back": household})


@require_GET
@requires("beneficiary.view")
def duplicates(request: HttpRequest) -> HttpResponse:
    return render(request, "registry/duplicates.html", {"groups": likely_duplicates(request.user)})


@require_http_methods(["GET", "POST"])
@requires("beneficiary.view")
@audited("合并记录")
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge the record `pk` into another record of its group, chosen on this page."""
    person = get_beneficiary_for_user(request.user, pk)
    require_page(request.user, "beneficiary.edit", person)
    others = list(duplicates_of(request.user, person))
    error = None
    if request.method == "POST":
        keep = next((m for m in others if str(m.pk) == request.POST.get("keep")), None)
        if keep is None:
            error = "请选择要保留的记录。"
        else:
            try:
                services.beneficiaries_merge(actor=request.user, keep=keep, merge=person)
            except ValidationError as e:
                error = "；".join(e.messages)
            else:
                messages.success(request, f"已将编号{person.pk}并入编号{keep.pk}，历史记录已转移。")
                return redirect(keep)
    return render(request, "registry/merge.html", {"person": person, "others": others, "error": error})


@require_GET
def categories(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "registry/categories.html",
        {
            "categories": category_choices(all=True),
        },
    )


@require_http_methods(["GET", "POST"])
@requires("catalogue.manage")
def category_create(request: HttpRequest) -> HttpResponse:
    form = CategoryForm(request.POST or None)
    if submit(
        form,
        lambda data: services.category_create(
            actor=request.user,
            code=data["code"],
            name=data["name"],
            umbrella=data["umbrella"],
            sort_order=data["sort_order"],
            health_watch=data["health_watch"],
        ),
    ):
        messages.success(request, f"已新增类别：{form.cleaned_data['name']}。")
        return redirect("registry:categories")
    return render(
        request, "core/form.html", {"form": form, "title": "新增类别", "back_url": "registry:categories"}
    )


@require_http_methods(["GET", "POST"])
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    category = get_object_or_404(Category, pk=pk)  # the catalogue is shared, not scoped programme data
    require_page(request.user, "catalogue.manage")
    initial = {
        "name": category.name,
        "umbrella": category.umbrella,
        "sort_order": category.sort_order,
        "active": category.active,
        "health_watch": category.health_watch,
    }
    form = CategoryEditForm(request.POST or None, initial=initial | {"version": category.version})
    if submit(form, lambda data: services.category_update(actor=request.user, category=category, **data)):
        messages.success(request, "已保存。")
        return redirect("registry:categories")
    return render(
        request,
        "core/form.html",
        {"form": form, "title": f"编辑类别：{category.name}", "back_url": "registry:categories"},
    )


@require_http_methods(["GET", "POST"])
@requires("beneficiary.view")
def import_upload(request: HttpRequest) -> HttpResponse:
    initial = {}
    if request.GET.get("into"):
        initial["into"] = get_region_for_user(request.user, request.GET["into"])  # scope first: 404 outside
    elif request.user.scope_region_id:
        initial["into"] = request.user.scope_region
    require_page(request.user, "beneficiary.import")
    form = ImportForm(
        request.POST or None, request.FILES or None, regions=import_regions(request.user), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > ledger.MAX_UPLOAD_BYTES:
            form.add_error(
                "file",
                f"文件过大（{upload.size / 1024 / 1024:.1f} MB），上限为 {ledger.MAX_UPLOAD_BYTES // 1024 // 1024} MB。",
            )
        else:
            try:
                run = ledger.import_ledger(
                    actor=request.user,
                    data=upload.read(),
                    filename=upload.name,
                    into=form.cleaned_data["into"],
                    update=form.cleaned_data["update"],
                )
            except ledger.LedgerError as error:
                form.add_error("file", str(error))
            else:
                return redirect(run)
    return render(request, "registry/import.html", {"form": form, "runs": import_runs(request.user)})


@require_GET
@requires("beneficiary.import")
def import_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(ledger.template_workbook(request.user), "服务对象导入模板.xlsx")


@require_GET
def import_result(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_import_run_for_user(request.user, pk)  # the importer's own: 404 for anyone else
    return render(request, "registry/import_result.html", {"run": run})


@require_GET
def import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_import_run_for_user(request.user, pk)  # the importer's own: 404 for anyone else
    require_page(
        request.user, "beneficiary.import"
    )  # still allowed to import (a role may have changed since)
    try:
        content = ledger.error_file_bytes(run)
    except FileNotFoundError:
        raise Http404 from None
    # The file holds the upload's rows in clear (full ID numbers): its download is an export of personal data.
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        obj=run,
        region_code=run.region_code,
        changes={"错误文件": run.filename, "行数": run.rows},
    )
    stem = run.filename.rsplit(".", 1)[0]
    return xlsx_response(content, f"{stem}-错误.xlsx")


@require_GET
def stats(request: HttpRequest) -> HttpResponse:
    """Counts only, no personal data: open to every role, the read-only viewer included."""
    region = region_from_query(request.user, request.GET)
    return render(
        request,
        "registry/stats.html",
        {
            "region": region,
            "counts": category_counts(request.user, region=region),
            "umbrellas": umbrella_counts(request.user, region=region),
            "rows": region_breakdown(request.user, region),
        },
    )
