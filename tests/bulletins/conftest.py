"""Records a bulletin is composed from: two activities, an exemplary case, a batch handed out, all in the
world fixture's 云浮市 stations, with numbers the tests look for in the .docx."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from shuangbai.activities.models import Activity
from shuangbai.activities.services import activity_record, partner_create
from shuangbai.assistance.models import Batch, Holding
from shuangbai.assistance.services import allocate, batch_receive, hand_out
from shuangbai.bulletins.models import Bulletin
from shuangbai.bulletins.services import bulletin_create
from shuangbai.cases.models import Case
from shuangbai.cases.services import case_open, case_set_exemplary
from shuangbai.core.models import system_actor
from shuangbai.regions.models import Region
from shuangbai.registry.models import Beneficiary

CITY = "445300000000"
ISSUED = date(2023, 2, 15)


@dataclass
class Records:
    lantern: Activity
    dumplings: Activity
    case: Case
    batch: Batch
    bulletin: Bulletin


@pytest.fixture
def records(world) -> Records:
    # the fixture registers its people today; these records are of early 2023
    Beneficiary.objects.filter(pk__in=[world.beneficiary_a.pk, world.beneficiary_b.pk]).update(
        registered_on=date(2021, 7, 1)
    )
    world.beneficiary_a.refresh_from_db()
    library = partner_create(
        actor=system_actor(), name="罗定市新华书店", kind="enterprise", station=world.station_b
    )
    lantern = activity_record(
        actor=system_actor(),
        station=world.station_b,
        title="兔开心，庆元宵",
        theme="festival",
        held_on=date(2023, 2, 5),
        place="柑园社区新时代文明实践站",
        participants=46,
        partners=[library],
        segments=["介绍元宵节由来", "猜灯谜", "制作兔子小桔灯"],
        narrative="经过这次活动，群众了解元宵节的意义。",
    )
    dumplings = activity_record(
        actor=system_actor(),
        station=world.station_c,
        title="我们的节日·精神的家园",
        theme="festival",
        held_on=date(2023, 2, 1),
        place="高峰街道社工站",
        participants=37,
    )
    case = case_open(
        actor=world.worker_a,
        beneficiary=world.beneficiary_a,
        opened_on=date(2023, 1, 20),
        source="visit",
        presenting_problem="独居，冬季取暖困难。",
    )
    case = case_set_exemplary(
        actor=world.worker_a,
        case=case,
        nickname="小Q",
        title="温暖过冬",
        text="社工入户发现小Q家中取暖困难。\n社工链接资源，送去棉被。",
        version=case.version,
    )
    batch = batch_receive(
        actor=system_actor(),
        holder=Region.objects.get(code=CITY),
        item="健康包",
        unit="份",
        quantity=60,
        party="government",
        received_on=date(2023, 1, 10),
        donor="云浮市民政局",
    )
    city_holding = Holding.objects.get(batch=batch, parent__isnull=True)
    allocate(
        actor=system_actor(), source=city_holding, target=world.station_a, quantity=20, on=date(2023, 1, 12)
    )
    station_holding = Holding.objects.get(batch=batch, station=world.station_a)
    hand_out(
        actor=system_actor(),
        holding=station_holding,
        beneficiary=world.beneficiary_a,
        handed_on=date(2023, 1, 17),
    )
    hand_out(
        actor=system_actor(),
        holding=station_holding,
        beneficiary=None,
        households=11,
        quantity=11,
        handed_on=date(2023, 1, 18),
        note="村委签收名单",
    )
    bulletin = bulletin_create(
        actor=world.city,
        city_code=CITY,
        year=2023,
        sequence=2,
        issued_on=ISSUED,
        sent_to="各县（市、区）民政局",
        copied_to="省民政厅",
    )
    return Records(lantern, dumplings, case, batch, bulletin)
