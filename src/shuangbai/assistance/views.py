"""Assistance and distribution pages. A record outside the user's scope is a 404 before any role check; pages
with beneficiaries' names are a 404 for the viewer. A batch's totals and stock per holder carry no names: the
viewer reads the batch list and a batch's page (without its hand-outs)."""

from __future__ import annotations

import logging

from cryptography.exceptions import InvalidTag
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from shuangbai.core.audit import audit_record, audited
from shuangbai.core.forms import submit
from shuangbai.core.models import AuditAction
from shuangbai.core.periods import parse_day
from shuangbai.core.permissions import has_perm, require_page, requires
from shuangbai.registry.selectors import category_choices, get_beneficiary_for_user
from shuangbai.staff.selectors import station_workers
from shuangbai.stations.selectors import station_from_query

from . import selectors, services
from .forms import (
    AllocateForm,
    AssistanceForm,
    AssistanceTypeForm,
    BatchForm,
    HandOutForm,
    ReturnForm,
    StepForm,
)
from .models import AssistanceStatus, AssistanceType

logger = logging.getLogger(__name__)


def _int_arg(request: HttpRequest, name: str) -> int:
    try:
        return int(request.GET.get(name, ""))
    except ValueError:
        raise Http404 from None


# ---------------------------------------------------------------------------------------------- assistance


@require_GET
@requires("assistance.view")
def index(request: HttpRequest) -> HttpResponse:
    """A beneficiary's assistance records (`?beneficiary=`); without one, every record the user may see, the
    latest first, filtered by status (协助申请 still open, say)."""
    if not request.GET.get("beneficiary"):
        return _assistance_list(request)
    person = get_beneficiary_for_user(request.user, _int_arg(request, "beneficiary"))
    # benefits such as 残疾人补贴 or 低保申请 tell of disability and hardship: a view of personal data, audited
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=person, object_repr=f"{person} 资源链接")
    return render(
        request,
        "assistance/assistance_list.html",
        {
            "person": person,
            "records": selectors.person_assistance(request.user, person),
            "can_record": has_perm(request.user, "assistance.record", person),
        },
    )


def _assistance_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    records = selectors.assistance_list(request.user, status=status if status in AssistanceStatus else "")
    page = Paginator(records, 30).get_page(request.GET.get("page"))
    # names with 残疾人补贴 or 低保申请 beside them: a view of personal data, audited
    audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        object_repr=f"资源链接名单（第{page.number}页，{len(page.object_list)}条）",
    )
    return render(
        request,
        "assistance/assistance_all.html",
        {"page": page, "status": status, "statuses": AssistanceStatus.choices},
    )


@require_http_methods(["GET", "POST"])
@requires("assistance.view")
@audited("登记资源链接")
def create(request: HttpRequest) -> HttpResponse:
    person = get_beneficiary_for_user(request.user, _int_arg(request, "beneficiary"))
    require_page(request.user, "assistance.record", person)
    types = selectors.assistance_types()
    if request.method == "POST":
        form = AssistanceForm(request.POST, types=types)
        if done := submit(
            form,
            lambda data: services.assistance_create(
                actor=request.user,
                beneficiary=person,
                type=data["type"],
                party=data["party"],
                giver=data["giver"],
                status=data["status"],
                on=data["on"],
                amount=data["amount"],
                quantity=data["quantity"],
                notes=data["notes"],
            ),
        ):
            record = done.value
            messages.success(
                request, f"已为{person.name}登记{record.type.name}（{record.get_status_display()}）。"
            )
            return redirect(record)
    else:
        form = AssistanceForm(
            types=types, initial={"on": timezone.localdate(), "status": "consult", "party": "government"}
        )
    return render(
        request,
        "core/form.html",
        {"title": f"登记资源链接：{person.name}", "form": form, "back": person, "submit": "登记"},
    )


@require_GET
@requires("assistance.view")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.get_assistance_for_user(request.user, pk)
    audit_record(
        actor=request.user, action=AuditAction.VIEW, obj=record, object_repr=f"{record.beneficiary} {record}"
    )
    form = None
    if has_perm(request.user, "assistance.record", record) and record.next_statuses:
        form = StepForm(
            choices=record.next_statuses,
            initial={"on": timezone.localdate(), "version": record.version},
        )
    return render(
        request,
        "assistance/assistance_detail.html",
        {"record": record, "steps": selectors.assistance_steps(record), "form": form},
    )


@require_http_methods(["GET", "POST"])
@requires("assistance.view")
@audited("资源链接进展")
def advance(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a record to its next status (a page of its own on a phone; the detail page posts here too)."""
    record = selectors.get_assistance_for_user(request.user, pk)
    require_page(request.user, "assistance.record", record)
    if not record.next_statuses:
        messages.info(request, f"当前状态为“{record.get_status_display()}”，已是最终状态。")
        return redirect(record)
    form = StepForm(
        request.POST or None,
        choices=record.next_statuses,
        initial={"on": timezone.localdate(), "version": record.version},
    )
    if submit(
        form,
        lambda data: services.assistance_advance(
            actor=request.user,
            assistance=record,
            version=data["version"],
            status=data["status"],
            on=data["on"],
            note=data["note"],
            amount=data["amount"],
        ),
    ):
        messages.success(request, f"状态已改为“{AssistanceStatus(form.cleaned_data['status']).label}”。")
        return redirect(record)
    return render(
        request,
        "core/form.html",
        {"title": f"更新状态：{record.beneficiary.name} {record.type.name}", "form": form, "back": record},
    )


@require_http_methods(["GET", "POST"])
@requires("catalogue.manage")
def types(request: HttpRequest) -> HttpResponse:
    """The assistance-type catalogue: the province and city bureaus list, add and deactivate types."""
    form = AssistanceTypeForm(request.POST or None)
    if done := submit(form, lambda data: services.assistance_type_create(actor=request.user, **data)):
        messages.success(request, f"已新增资源链接类型：{done.value.name}。")
        return redirect("assistance:types")
    return render(
        request,
        "assistance/types.html",
        {"types": selectors.assistance_types(include_inactive=True), "form": form},
    )


@require_http_methods(["GET", "POST"])
def type_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    kind = get_object_or_404(AssistanceType, pk=pk)  # the catalogue is shared, not scoped programme data
    require_page(request.user, "catalogue.manage")
    verb = "停用" if kind.active else "启用"
    if request.method == "POST":
        services.assistance_type_update(actor=request.user, kind=kind, active=not kind.active)
        messages.success(request, f"已{verb}资源链接类型：{kind.name}。")
        return redirect("assistance:types")
    return render(request, "assistance/type_toggle.html", {"kind": kind, "verb": verb})


# -------------------------------------------------------------------------------------------- distribution


@require_GET
def batches(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.batch_list(request.user), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "assistance/batch_list.html",
        {
            "page": page,
        },
    )


@require_http_methods(["GET", "POST"])
@requires("batch.receive")
def batch_create(request: HttpRequest) -> HttpResponse:
    holders = selectors.receivable_holders(request.user)
    kwargs = {"holders": holders, "categories": category_choices()}
    if request.method == "POST":
        form = BatchForm(request.POST, **kwargs)
        if done := submit(
            form,
            lambda data: services.batch_receive(
                actor=request.user,
                holder=form.holders[data["holder"]],
                item=data["item"],
                unit=data["unit"],
                quantity=data["quantity"],
                party=data["party"],
                donor=data["donor"],
                received_on=data["received_on"],
                target_category=data["target_category"],
                notes=data["notes"],
            ),
        ):
            messages.success(request, f"已登记物资批次：{done.value}。")
            return redirect(done.value)
    else:
        form = BatchForm(initial={"received_on": timezone.localdate(), "party": "government"}, **kwargs)
    return render(
        request, "core/form.html", {"title": "登记物资批次", "form": form, "back_url": "assistance:batches"}
    )


@require_GET
@audited("物资批次")
def batch(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    batch = selectors.get_batch_for_user(user, pk)
    hand_outs = selectors.batch_hand_outs(user, batch)
    personal = has_perm(user, "assistance.view")
    page = Paginator(hand_outs, 20).get_page(request.GET.get("page")) if personal else None
    rows = selectors.batch_tree(user, batch)
    keeps = {
        permission: selectors.kept_holdings(user, batch, permission)
        for permission in ("batch.hand_out", "batch.allocate", "batch.return")
    }
    mine = {holding.pk for kept in keeps.values() for holding in kept}
    return render(
        request,
        "assistance/batch_detail.html",
        {
            "batch": batch,
            "rows": rows,
            "here": next((row for row in rows if row.holding.pk in mine), None),  # the title's stock
            "movements": selectors.batch_movements(user, batch),
            "page": page,
            "can_hand_out": bool(keeps["batch.hand_out"]),
            "can_allocate": bool(keeps["batch.allocate"]),
            "can_return": bool(keeps["batch.return"]),
        },
    )


@require_http_methods(["GET", "POST"])
@requires("assistance.view")
def allocate(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.get_batch_for_user(request.user, pk)
    require_page(request.user, "batch.allocate")
    sources = selectors.kept_holdings(request.user, batch, "batch.allocate")
    if not sources:
        raise PermissionDenied  # none of the batch's holders here is the user's to move goods from
    targets = [t for source in sources for t in selectors.allocation_targets(request.user, source)]
    unique_targets = list({BatchForm.holder_key(t): t for t in targets}.values())
    form = AllocateForm(
        request.POST or None,
        sources=sources,
        targets=unique_targets,
        initial={"on": timezone.localdate()},
    )
    if done := submit(
        form,
        lambda data: services.allocate(
            actor=request.user,
            source=form.sources[data["source"]],
            target=form.targets[data["target"]],
            quantity=data["quantity"],
            on=data["on"],
            note=data["note"],
        ),
    ):
        allocation = done.value
        messages.success(
            request, f"已调拨{allocation.quantity}{batch.unit}{batch.item}至{allocation.target.name}。"
        )
        return redirect(batch)
    return render(request, "core/form.html", {"title": f"调拨：{batch}", "form": form, "back": batch})


@require_http_methods(["GET", "POST"])
@requires("assistance.view")
@audited("物资发放")
def hand_out(request: HttpRequest, pk: int) -> HttpResponse:
    """Hand goods to people of the station, on a phone: tick them in one search or several (the ticks stay),
    how many each, save; each person gets their own record. `?pick=` arrives ticked (from the list of those
    not yet served); `?station=` or `?holding=` names the holder when the user keeps more than one."""
    batch = selectors.get_batch_for_user(request.user, pk)
    require_page(request.user, "batch.hand_out")
    holdings = selectors.kept_holdings(request.user, batch, "batch.hand_out")
    if not holdings:
        raise PermissionDenied  # none of the batch's holders here is the user's to move goods from
    holding = holdings[0]
    for key, attribute in (("holding", "pk"), ("station", "station_id")):
        if request.GET.get(key):
            holding = next((h for h in holdings if str(getattr(h, attribute)) == request.GET[key]), None)
            if holding is None:
                raise Http404
    station = holding.station
    posted = request.method == "POST"
    query = (request.POST if posted else request.GET).get("q", "")
    found = selectors.station_people(request.user, station, query)
    if request.headers.get("HX-Request") and not posted:  # the search box's results, as the worker types
        return render(request, "assistance/partials/people_found.html", {"found": found, "q": query})
    ids = request.POST.getlist("beneficiaries") if posted else request.GET.getlist("pick")
    picked = selectors.station_people_by_id(request.user, station, ids)
    searching = posted and request.POST.get("action") == "search"  # the search button, without scripts
    kwargs = {"workers": station_workers(station)}
    if posted and not searching:
        form = HandOutForm(request.POST, request.FILES, **kwargs)
    else:
        initial = {"handed_on": timezone.localdate(), "quantity": 1, "worker": request.user.staff_id}
        form = HandOutForm(initial=initial | (request.POST.dict() if searching else {}), **kwargs)

    def hand(data):
        if len(picked) != len(set(data["beneficiaries"])):
            raise ValidationError({"beneficiaries": "所选领取人中有不在本站在册名单内的，请重新搜索勾选。"})
        return services.hand_out_many(
            actor=request.user,
            holding=holding,
            beneficiaries=picked,
            handed_on=data["handed_on"],
            quantity=data["quantity"],
            worker=data["worker"],
            photo=data["photo"],
            note=data["note"],
        )

    if not searching and (done := submit(form, hand)):
        names = "、".join(record.beneficiary.name for record in done.value)
        quantity = form.cleaned_data["quantity"]
        messages.success(request, f"已发放：{names}，每人{quantity}{batch.unit}{batch.item}。")
        return redirect(f"{reverse('assistance:hand_out', args=[batch.pk])}?holding={holding.pk}")
    return render(
        request,
        "assistance/hand_out.html",
        {
            "batch": batch,
            "holding": holding,
            "stock": services.stock_of(holding),
            "form": form,
            "query": query,
            "found": [person for person in found if person not in picked],
            "picked": picked,
        },
    )


@require_http_methods(["GET", "POST"])
@requires("assistance.view")
def goods_return(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.get_batch_for_user(request.user, pk)
    require_page(request.user, "batch.return")
    sources = selectors.kept_holdings(request.user, batch, "batch.return")
    if not sources:
        raise PermissionDenied  # none of the batch's holders here is the user's to move goods from
    form = ReturnForm(request.POST or None, sources=sources, initial={"on": timezone.localdate()})
    if done := submit(
        form,
        lambda data: services.goods_return(
            actor=request.user,
            holding=form.sources[data["source"]],
            quantity=data["quantity"],
            on=data["on"],
            reason=data["reason"],
        ),
    ):
        record = done.value
        messages.success(request, f"已退回{record.quantity}{batch.unit}至{record.target.name}。")
        return redirect(batch)
    return render(request, "core/form.html", {"title": f"退回：{batch}", "form": form, "back": batch})


@require_GET
@requires("assistance.view")
def pending(request: HttpRequest, pk: int) -> HttpResponse:
    """The people of the batch's target category, in the user's stations, who have not received it yet."""
    batch = selectors.get_batch_for_user(request.user, pk)
    station = station_from_query(request.user, request.GET)
    people = selectors.not_yet_received(request.user, batch, station)
    page = Paginator(people, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "assistance/pending.html",
        {
            "batch": batch,
            "station": station,
            "page": page,
            "stations": selectors.batch_stations(request.user, batch),
            "can_hand_out": bool(selectors.kept_holdings(request.user, batch, "batch.hand_out")),
        },
    )


@require_GET
@requires("assistance.view")
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """签收单: a station's hand-outs of the batch (on one day, or all), one line per person with room to sign,
    to print on A4 and keep with the station's files. Names and ID tails: the view is audited."""
    batch = selectors.get_batch_for_user(request.user, pk)
    station = station_from_query(request.user, request.GET)
    stations = selectors.batch_stations(request.user, batch)
    if station is None and len(stations) == 1:
        station = stations[0]
    records = []
    day, error = None, ""
    if (request.GET.get("on") or "").strip():
        try:
            day = parse_day(request.GET["on"], "发放日期")
        except ValidationError as refused:
            error = refused.messages[0]
    if station is not None:
        records = selectors.receipt_lines(request.user, batch, station, day)
        audit_record(
            actor=request.user,
            action=AuditAction.VIEW,
            obj=batch,
            object_repr=f"{batch} {station.name}签收单（{len(records)}人）",
        )
    return render(
        request,
        "assistance/receipt.html",
        {
            "batch": batch,
            "station": station,
            "stations": stations,
            "records": records,
            "day": day,
            "error": error,
        },
    )


@require_GET
@requires("assistance.view")
def hand_out_photo(request: HttpRequest, pk: int) -> HttpResponse:
    given = selectors.get_hand_out_for_user(request.user, pk)
    if not given.photo_path:
        raise Http404
    try:
        content = services.load_photo(given.photo_path)
    except (OSError, ValueError, InvalidTag):
        logger.exception("hand-out photo %s cannot be read", given.pk)
        raise Http404 from None
    response = HttpResponse(content, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response
