"""Read queries for assistance records and distribution batches, always scoped. Names of beneficiaries appear
only for roles that see personal data; a batch's totals and its holders' stock are not personal data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Sum

from shuangbai.core.models import User
from shuangbai.core.permissions import has_perm
from shuangbai.core.scoping import get_visible_or_404
from shuangbai.regions.models import Level, Region
from shuangbai.registry.models import Beneficiary, BeneficiaryCategory
from shuangbai.stations.models import Station

from .models import (
    Allocation,
    Assistance,
    AssistanceStep,
    AssistanceType,
    Batch,
    HandOut,
    HolderLevel,
    Holding,
    Return,
)

MAX_PICKED = 200  # people handed goods in one go: a village's distribution day
SEARCH_LIMIT = 20


# ---------------------------------------------------------------------------------------------- assistance


def person_assistance(user: User, person: Beneficiary) -> QuerySet[Assistance]:
    return (
        Assistance.objects.visible_to(user)
        .filter(beneficiary=person)
        .select_related("type", "recorded_by")
        .order_by("-started_on", "-id")
    )


def assistance_list(user: User, *, status: str = "") -> QuerySet[Assistance]:
    """Every assistance record the user may see (their station's, county's ...), the latest step first."""
    records = Assistance.objects.visible_to(user).select_related("beneficiary", "type", "station")
    if status:
        records = records.filter(status=status)
    return records.order_by("-status_on", "-id")


def get_assistance_for_user(user: User, pk: int) -> Assistance:
    return get_visible_or_404(
        Assistance.objects.select_related("type", "beneficiary", "station", "recorded_by"), user, pk=pk
    )


def assistance_steps(record: Assistance) -> QuerySet[AssistanceStep]:
    return record.steps.select_related("recorded_by").order_by("on", "id")


def assistance_types(*, include_inactive: bool = False) -> QuerySet[AssistanceType]:
    kinds = AssistanceType.objects.all()
    return kinds if include_inactive else kinds.filter(active=True)


# -------------------------------------------------------------------------------------------- distribution


def batch_list(user: User) -> QuerySet[Batch]:
    """The batches any of whose holders the user sees, newest first, with the quantity handed out."""
    return (
        Batch.objects.visible_to(user)
        .select_related("station", "target_category")
        .annotate(
            handed_out=Sum("hand_outs__quantity"),
            holder_name=Subquery(
                Holding.objects.filter(batch=OuterRef("pk"), parent__isnull=True).values("name")[:1]
            ),
        )
        .order_by("-received_on", "-id")
    )


def get_batch_for_user(user: User, pk: int) -> Batch:
    return get_visible_or_404(Batch.objects.select_related("target_category", "recorded_by"), user, pk=pk)


@dataclass
class HoldingRow:
    holding: Holding
    depth: int
    received: int = 0  # the batch itself (the receiving holder), allocations and returns in
    allocated: int = 0
    handed_out: int = 0
    returned: int = 0
    children: list[HoldingRow] = field(default_factory=list)

    @property
    def stock(self) -> int:
        return self.received - self.allocated - self.handed_out - self.returned


def _sums(queryset, key: str) -> dict[int, int]:
    return {row[key]: row["n"] for row in queryset.values(key).annotate(n=Sum("quantity")).order_by()}


def batch_tree(user: User, batch: Batch) -> list[HoldingRow]:
    """The holders of a batch the user sees, each with what came in and went out and its stock, parents before
    their children (depth for indenting). Five queries whatever the number of holders."""
    holdings = list(Holding.objects.visible_to(user).filter(batch=batch).select_related("station"))
    allocated_in = _sums(batch.allocations.all(), "target_id")
    allocated_out = _sums(batch.allocations.all(), "source_id")
    returned_in = _sums(batch.returns.all(), "target_id")
    returned_out = _sums(batch.returns.all(), "source_id")
    handed = _sums(batch.hand_outs.all(), "holding_id")
    rows = {}
    for holding in holdings:
        rows[holding.pk] = HoldingRow(
            holding,
            0,
            received=(batch.quantity if holding.parent_id is None else 0)
            + allocated_in.get(holding.pk, 0)
            + returned_in.get(holding.pk, 0),
            allocated=allocated_out.get(holding.pk, 0),
            handed_out=handed.get(holding.pk, 0),
            returned=returned_out.get(holding.pk, 0),
        )
    roots = []
    for row in sorted(rows.values(), key=lambda r: (r.holding.region_code, r.holding.pk)):
        parent = rows.get(row.holding.parent_id)
        (parent.children if parent else roots).append(row)
    ordered: list[HoldingRow] = []

    def walk(row: HoldingRow, depth: int) -> None:
        row.depth = depth
        ordered.append(row)
        for child in row.children:
            walk(child, depth + 1)

    for root in roots:
        walk(root, 0)
    return ordered


def batch_movements(user: User, batch: Batch) -> list[Allocation | Return]:
    """The batch's allocations down and returns up that the user sees, by date: who passed how much to whom
    and when (the day 素龙街道 received its 46 health packs)."""
    allocations = Allocation.objects.visible_to(user).filter(batch=batch).select_related("source", "target")
    returns = Return.objects.visible_to(user).filter(batch=batch).select_related("source", "target")
    return sorted([*allocations, *returns], key=lambda movement: (movement.on, movement.recorded_at))


def kept_holdings(user: User, batch: Batch, permission: str) -> list[Holding]:
    """The holders of the batch the user may move goods out of by `permission`: batch.hand_out (a station's),
    batch.allocate (a city's or county's), batch.return (any but the receiving one)."""
    holdings = Holding.objects.visible_to(user).filter(batch=batch).select_related("batch", "station")
    if permission == "batch.hand_out":
        holdings = holdings.filter(level=HolderLevel.STATION)
    elif permission == "batch.allocate":
        holdings = holdings.exclude(level=HolderLevel.STATION)
    elif permission == "batch.return":
        holdings = holdings.filter(parent__isnull=False)
    return [holding for holding in holdings.order_by("region_code") if has_perm(user, permission, holding)]


def allocation_targets(user: User, source: Holding) -> list[Region | Station]:
    """Where a city or county holder may pass goods: the counties of a city, and the active stations under it."""
    prefix = source.region_code[: 4 if source.level == HolderLevel.CITY else 6]
    targets: list[Region | Station] = []
    if source.level == HolderLevel.CITY:
        targets += list(
            Region.objects.visible_to(user)
            .filter(level=Level.COUNTY, code__startswith=prefix)
            .order_by("code")
        )
    targets += list(
        Station.objects.visible_to(user)
        .active()
        .filter(region_code__startswith=prefix)
        .select_related("town")
        .order_by("region_code")
    )
    return targets


def batch_hand_outs(user: User, batch: Batch) -> QuerySet[HandOut]:
    if not has_perm(user, "assistance.view"):
        return HandOut.objects.none()
    return (
        HandOut.objects.visible_to(user)
        .filter(batch=batch)
        .select_related("beneficiary", "station", "worker")
        .order_by("-handed_on", "-id")
    )


def receipt_lines(user: User, batch: Batch, station: Station, day: date | None) -> list[HandOut]:
    """A station's hand-outs of the batch to registered people (on one day, or all), for its 签收单."""
    records = batch_hand_outs(user, batch).filter(beneficiary__isnull=False, station=station)
    if day is not None:
        records = records.filter(handed_on=day)
    return list(records.select_related("beneficiary__household__village").order_by("handed_on", "id"))


def get_hand_out_for_user(user: User, pk: int) -> HandOut:
    return get_visible_or_404(HandOut.objects.select_related("batch"), user, pk=pk)


def station_people(user: User, station: Station, query: str) -> list[Beneficiary]:
    """A station's people in register matching a name or the last four digits of an ID number (hand-out form)."""
    query = (query or "").strip()
    if not query:
        return []
    people = Beneficiary.objects.visible_to(user).active().filter(station=station)
    condition = Q(name__contains=query)
    if len(query) == 4:
        condition |= Q(id_tail=query.upper())
    return list(
        people.filter(condition).select_related("household__village").order_by("name", "id")[:SEARCH_LIMIT]
    )


def station_people_by_id(user: User, station: Station, ids: list[str]) -> list[Beneficiary]:
    """The people named by id (ticked on a form) who are in the station's register and the user's scope, in
    the order named; ids that are not such a person are left out."""
    wanted = [int(pk) for pk in dict.fromkeys(ids) if str(pk).isdigit()][:MAX_PICKED]
    people = {
        person.pk: person
        for person in Beneficiary.objects.visible_to(user)
        .active()
        .filter(station=station, pk__in=wanted)
        .select_related("household__village")
    }
    return [people[pk] for pk in wanted if pk in people]


def not_yet_received(user: User, batch: Batch, station: Station | None = None) -> QuerySet[Beneficiary]:
    """The people of the batch's target category, in register, at the stations holding the batch that the user
    sees (or one of them), who have had none of it."""
    if batch.target_category_id is None or not has_perm(user, "assistance.view"):
        return Beneficiary.objects.none()
    stations = Holding.objects.visible_to(user).filter(batch=batch, level=HolderLevel.STATION)
    if station is not None:
        stations = stations.filter(station=station)
    return (
        Beneficiary.objects.visible_to(user)
        .active()
        .filter(station_id__in=stations.values("station_id"))
        .filter(
            Exists(
                BeneficiaryCategory.objects.filter(
                    beneficiary=OuterRef("pk"), category_id=batch.target_category_id, active=True
                )
            )
        )
        .exclude(Exists(HandOut.objects.filter(batch=batch, beneficiary=OuterRef("pk"))))
        .select_related("station", "household__village")
        .order_by("station__region_code", "region_code", "name", "id")
    )


def batch_stations(user: User, batch: Batch) -> list[Station]:
    return [
        holding.station
        for holding in Holding.objects.visible_to(user)
        .filter(batch=batch, level=HolderLevel.STATION)
        .select_related("station")
        .order_by("region_code")
    ]


def receivable_holders(user: User) -> list[Region | Station]:
    """Where a user may record a batch: a bureau at its city or county (and the counties of its city), a
    station head at their station."""
    if not has_perm(user, "batch.receive"):
        return []
    if user.scope_station_id:
        return [user.scope_station] if has_perm(user, "batch.receive", user.scope_station) else []
    regions = Region.objects.visible_to(user).filter(level__in=[Level.CITY, Level.COUNTY])
    return [region for region in regions.order_by("code")[:200] if has_perm(user, "batch.receive", region)]
