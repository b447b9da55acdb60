"""The assistance and distribution records behind the seeds' station stories, recorded through the services on
the people the registry demo (shuangbai.demo) registered, so the station figures tell the stories back.

- seed 001, 河口街道 (by 2021-08-09): 16 people helped to apply for the disability subsidy (its 16 people with
  disabilities, 小陈 among them), 4 people of 80 and over for the old-age allowance, 16 villagers for medical
  relief, 26 households linked to relief money and daily supplies (救助金和生活物资), 17 households given
  temporary relief.
- seed 000, 素龙街道 (January 2023): cash gifts to the 20 households of women and children in hardship (01-06,
  with the 妇联); 10 quilts and 24 coats to 34 households (01-11 to 01-13); gifts to the 10 anti-relapse
  households (01-16, with the 扶贫办); 46 health packs of the city bureau received 01-17, handed to its 46
  dispersed extreme-poverty elderly on 01-17 and 01-18.
- seed 000, 郁南县: the same city batch of health packs, allocated to 郁南县 and on to its stations, handed to its
  registered dispersed extreme-poverty dependants one by one and, for the many not in the demo's registry, by
  the village committees' signed lists: 2,700-odd packs from January to mid-February 2023.
- seed 000, 水台镇: 翔顺金水台温泉小镇's festive visit of 2023-01-16 (gift goods and cash gifts to the 六乡社区
  households).
Amounts and the exact days inside the periods the bulletins give are the demo's own.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from shuangbai.core.models import User
from shuangbai.regions.models import Region
from shuangbai.registry.models import Beneficiary, Category, Relation
from shuangbai.staff.models import Staff, StaffStatus
from shuangbai.stations.models import Station

from .catalogue import seed_assistance_types
from .models import Assistance, AssistanceType, Batch, Holding
from .services import allocate, assistance_advance, assistance_create, batch_receive, hand_out

SEED = 20230117
HEKOU_BY = date(2021, 8, 9)  # the bulletin's "截至目前"
CITY_PACKS = 2850
SULONG_PACKS = 46
YUNAN_PACKS = 2760
YUNAN_FROM, YUNAN_TO = date(2023, 1, 17), date(2023, 2, 15)
SIGNED_LIST = "村（居）委会协助派发，签收表存站（分散供养特困人员，未录入本系统）"


def _station(town: str) -> Station | None:
    return Station.objects.active().filter(town__name=town, region_code__startswith="4453").first()


def _worker(station: Station) -> Staff | None:
    return Staff.objects.filter(station=station, status=StaffStatus.IN_POST).order_by("id").first()


def _people(station: Station, *codes: str, heads: bool = False):
    people = Beneficiary.objects.active().filter(station=station)
    if codes:
        people = people.filter(category_links__category__code__in=codes).distinct()
    if heads:
        people = people.filter(relation=Relation.HEAD)
    return list(people.order_by("id"))


def _between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1)) if last > first else first


class _Recorder:
    def __init__(self, actor: User, rng: random.Random):
        self.actor, self.rng, self.count = actor, rng, 0
        self.kinds = {kind.code: kind for kind in AssistanceType.objects.all()}

    def assist(
        self, person: Beneficiary, code: str, party: str, giver: str, steps: list[tuple[str, date]], **values
    ) -> Assistance:
        (status, on), *later = steps
        record = assistance_create(
            actor=self.actor,
            beneficiary=person,
            type=self.kinds[code],
            party=party,
            giver=giver,
            status=status,
            on=on,
            **values,
        )
        for status, on in later:
            record = assistance_advance(
                actor=self.actor, assistance=record, version=record.version, status=status, on=on
            )
        self.count += 1
        return record

    def application(self, person: Beneficiary, code: str, giver: str, *, last: date, amount=None) -> None:
        """Consulted, helped to apply, submitted, and (mostly) approved, inside [registration, last]."""
        days = sorted(
            _between(self.rng, max(person.registered_on, last - timedelta(days=35)), last) for _ in range(4)
        )
        steps = [("consult", days[0]), ("applying", days[1]), ("submitted", days[2])]
        if self.rng.random() < 0.7:
            steps.append(("approved", days[3]))
        self.assist(person, code, "government", giver, steps, amount=amount)


def _hekou(rec: _Recorder) -> None:
    station = _station("河口街道")
    if station is None:
        return
    rng = rec.rng
    for person in _people(station, "disabled"):
        rec.application(person, "disability_subsidy", "云城区残疾人联合会", last=HEKOU_BY)
    very_old = [p for p in _people(station) if p.birth_date <= date(HEKOU_BY.year - 80, 8, 9)]
    very_old.sort(
        key=lambda p: (not p.category_links.filter(category__code="very_old_elderly").exists(), p.pk)
    )
    for person in very_old[:4]:
        rec.application(person, "old_age_allowance", "河口街道办事处", last=HEKOU_BY)
    adults = [p for p in _people(station, "dibao", "tekun_dispersed", "disabled") if p.birth_date.year < 2003]
    for person in rng.sample(adults, min(16, len(adults))):
        rec.application(person, "medical_relief", "云城区医疗保障局", last=HEKOU_BY)
    for head in rng.sample(_people(station, "dibao", heads=True), 26):
        day = _between(rng, head.registered_on, HEKOU_BY)
        rec.assist(
            head,
            "relief_money",
            "charity",
            "区慈善会",
            [("delivered", day)],
            amount=Decimal(rng.choice((300, 500, 800))),
        )
        rec.assist(
            head,
            "daily_supplies",
            "enterprise",
            "辖区爱心企业",
            [("delivered", day)],
            quantity=1,
            notes="米、油",
        )
    for head in _people(station, "near_poverty", "tekun_dispersed", heads=True)[:17]:
        days = sorted(_between(rng, head.registered_on, HEKOU_BY) for _ in range(3))
        rec.assist(
            head,
            "temporary_relief",
            "government",
            "河口街道办事处",
            [("applying", days[0]), ("submitted", days[1]), ("approved", days[2])],
            amount=Decimal(rng.choice((500, 1000, 1500))),
        )


def _sulong(rec: _Recorder, packs: Batch | None) -> None:
    station = _station("素龙街道")
    if station is None:
        return
    rng, worker = rec.rng, _worker(station)
    for head in _people(station, "woman_in_hardship", heads=True)[:20]:
        rec.assist(
            head,
            "cash_gift",
            "government",
            "素龙街道妇联",
            [("delivered", date(2023, 1, 6))],
            amount=Decimal(500),
        )
    elderly = _people(station, "tekun_dispersed", heads=True)
    warm = rng.sample(elderly, min(34, len(elderly)))
    for item, unit, count, share in (("棉被", "床", 10, warm[:10]), ("棉衣", "件", 24, warm[10:34])):
        batch = batch_receive(
            actor=rec.actor,
            holder=station,
            item=item,
            unit=unit,
            quantity=count,
            party="charity",
            donor="爱心慈善组织",
            received_on=date(2023, 1, 10),
            notes="“暖心大行动”送御寒物资",
        )
        holding = batch.holdings.get()
        for index, person in enumerate(share):
            rec.count += 1
            hand_out(
                actor=rec.actor,
                holding=holding,
                beneficiary=person,
                handed_on=date(2023, 1, 11 + index * 3 // max(len(share), 1)),
                worker=worker,
                note="本人签收",
            )
    for head in _people(station, "anti_relapse", heads=True)[:10]:
        rec.assist(
            head,
            "daily_supplies",
            "government",
            "罗定市素龙街道扶贫办",
            [("delivered", date(2023, 1, 16))],
            quantity=1,
            notes="春节慰问品：面、油",
        )
    if packs is None:
        return
    county = Region.objects.get(code=station.region_code[:6].ljust(12, "0"))
    city_holding = packs.holdings.get(parent__isnull=True)
    allocate(actor=rec.actor, source=city_holding, target=county, quantity=SULONG_PACKS, on=date(2023, 1, 17))
    county_holding = Holding.objects.get(batch=packs, region_code=county.code, level="county")
    allocate(
        actor=rec.actor, source=county_holding, target=station, quantity=SULONG_PACKS, on=date(2023, 1, 17)
    )
    holding = Holding.objects.get(batch=packs, station=station)
    for index, person in enumerate(elderly[:SULONG_PACKS]):
        rec.count += 1
        hand_out(
            actor=rec.actor,
            holding=holding,
            beneficiary=person,
            handed_on=date(2023, 1, 17 if index < SULONG_PACKS // 2 else 18),
            worker=worker,
            note="本人签收" if rng.random() < 0.8 else "家属代签",
        )


def _yunan(rec: _Recorder, packs: Batch) -> None:
    county = Region.objects.filter(code="445322000000").first()
    if county is None:
        return
    rng = rec.rng
    by_station: dict[Station, list[Beneficiary]] = {}
    tekun = (
        Beneficiary.objects.active()
        .filter(region_code__startswith="445322", category_links__category__code="tekun_dispersed")
        .select_related("station")
        .order_by("id")
    )
    for person in tekun:
        by_station.setdefault(person.station, []).append(person)
    if not by_station:
        return
    allocate(
        actor=rec.actor,
        source=packs.holdings.get(parent__isnull=True),
        target=county,
        quantity=YUNAN_PACKS,
        on=date(2023, 1, 16),
    )
    county_holding = Holding.objects.get(batch=packs, region_code=county.code, level="county")
    stations = sorted(by_station, key=lambda s: s.region_code)
    registered = sum(len(people) for people in by_station.values())
    shares = [YUNAN_PACKS * len(by_station[s]) // registered for s in stations]
    shares[0] += YUNAN_PACKS - sum(shares)
    for station, share in zip(stations, shares, strict=True):
        allocate(actor=rec.actor, source=county_holding, target=station, quantity=share, on=date(2023, 1, 16))
        holding = Holding.objects.get(batch=packs, station=station)
        worker = _worker(station)
        people = by_station[station]
        for person in people:
            rec.count += 1
            hand_out(
                actor=rec.actor,
                holding=holding,
                beneficiary=person,
                handed_on=_between(rng, YUNAN_FROM, YUNAN_TO),
                worker=worker,
                note="本人签收",
            )
        listed = share - len(people) - rng.randrange(0, 4)  # a few packs kept at the station for later needs
        if listed > 0:
            rec.count += 1
            hand_out(
                actor=rec.actor,
                holding=holding,
                beneficiary=None,
                households=listed,
                quantity=listed,
                handed_on=_between(rng, YUNAN_FROM, YUNAN_TO),
                worker=worker,
                note=SIGNED_LIST,
            )


def _shuitai(rec: _Recorder) -> None:
    station = _station("水台镇")
    if station is None:
        return
    day = date(2023, 1, 16)
    heads = [p for p in _people(station, heads=True) if p.registered_on <= day]
    liuxiang = [p for p in heads if p.household.village.name == "六乡社区"]
    heads = liuxiang if len(liuxiang) >= 5 else heads
    if not heads:
        return
    giver = "翔顺金水台温泉小镇"
    batch = batch_receive(
        actor=rec.actor,
        holder=station,
        item="春节慰问品",
        unit="份",
        quantity=len(heads),
        party="enterprise",
        donor=giver,
        received_on=day,
        notes="大米、油、腊味煲仔饭，春联和福字；“春节情更浓，关怀暖人心”春节慰问活动",
    )
    holding, worker = batch.holdings.get(), _worker(station)
    for head in heads:
        rec.count += 1
        hand_out(
            actor=rec.actor, holding=holding, beneficiary=head, handed_on=day, worker=worker, note="现场签收"
        )
        rec.assist(head, "cash_gift", "enterprise", giver, [("delivered", day)], amount=Decimal(200))


@transaction.atomic
def load_demo(actor: User) -> int:
    """Record the seeds' assistance and distribution (idempotent: nothing if Yunfu already has some). Returns
    how many assistance records and hand-outs were recorded."""
    seed_assistance_types(AssistanceType)
    in_yunfu = Q(region_code__startswith="4453")
    if Assistance.objects.filter(in_yunfu).exists() or Batch.objects.filter(in_yunfu).exists():
        return 0
    if not Category.objects.filter(code="tekun_dispersed").exists():
        return 0
    rec = _Recorder(actor, random.Random(SEED))
    _hekou(rec)
    city = Region.objects.filter(code="445300000000").first()
    packs = None
    if city is not None:
        packs = batch_receive(
            actor=actor,
            holder=city,
            item="健康包",
            unit="份",
            quantity=CITY_PACKS,
            party="government",
            donor="云浮市民政局等部门",
            received_on=date(2023, 1, 16),
            target_category=Category.objects.get(code="tekun_dispersed"),
            notes="防疫健康包，赠分散供养特困人员",
        )
    _sulong(rec, packs)
    if packs is not None:
        _yunan(rec, packs)
    _shuitai(rec)
    return rec.count
