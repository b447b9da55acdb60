"""The demo's cases from the seed bulletins, on the stations and people that exist (the others are skipped)."""

from __future__ import annotations

from datetime import date

import pytest

from shuangbai.cases.demo import load_demo
from shuangbai.cases.models import Case
from shuangbai.cases.services import check_de_identified
from shuangbai.core.models import system_actor
from shuangbai.regions.models import Region
from shuangbai.registry.models import Category
from shuangbai.registry.services import household_register
from shuangbai.staff.models import Position
from shuangbai.staff.services import staff_create
from shuangbai.stations.services import station_create
from tests.conftest import id_number

pytestmark = pytest.mark.django_db


def _station_with_person(town_name: str, person: dict):
    town = Region.objects.get(name=town_name, code__startswith="4453")
    station = station_create(actor=system_actor(), town=town, status="operating", opened_on=date(2021, 7, 1))
    staff_create(
        actor=system_actor(),
        name=f"{town_name}社工",
        gender="F",
        hired_on=date(2021, 7, 1),
        station=station,
        position=Position.WORKER,
    )
    village = Region.objects.create(
        code=town.code[:9] + "201",
        name="罗顺村" if town_name == "桂圩镇" else "双上村",
        level="village",
        parent=town,
        prefix=town.code[:9] + "201",
        fictional=True,
    )
    household_register(
        actor=system_actor(), village=village, address=f"{village.name}57号", phone="13700001111", head=person
    )
    return station


def test_the_demo_records_xiao_q_s_referral_chain_xiao_chen_and_sulong_s_cases(world):
    guixu = _station_with_person(
        "桂圩镇",
        {
            "name": "小Q",
            "id_number": id_number("445322", "19910304", "031"),
            "categories": [Category.objects.get(code="mental_disorder")],
            "registered_on": date(2022, 5, 1),
        },
    )
    hekou = _station_with_person(
        "河口街道",
        {
            "name": "小陈",
            "id_number": id_number("445302", "19960711", "051"),
            "categories": [Category.objects.get(code="disabled")],
            "disability_type": "physical",
            "disability_grade": 2,
            "registered_on": date(2021, 3, 1),
        },
    )
    for code, birth, seq in (
        ("tekun_dispersed", "19400101", "071"),
        ("woman_in_hardship", "19850101", "072"),
    ):
        household_register(
            actor=system_actor(),
            village=Region.objects.get(code="445381002201"),
            head={
                "name": f"素龙{code}",
                "id_number": id_number("445381", birth, seq),  # an even sequence: a woman
                "categories": [Category.objects.get(code=code)],
                "registered_on": date(2022, 12, 1),
            },
        )
    recorded = load_demo(system_actor())
    assert recorded == 4  # 小Q, 小陈, and at 素龙街道 (station A) an old person's closed case and a mother's

    xiao_q = Case.objects.get(station=guixu)
    assert (xiao_q.exemplary, xiao_q.nickname, xiao_q.source) == (True, "小Q", "agency")
    chain = xiao_q.referrals.get(agency__name="郁南县民安医院")
    steps = [(s.agency.name, s.status, s.on_date) for s in chain.steps.order_by("id")]
    assert [name for name, _, _ in steps] == [
        "佛山市高明区救助站",
        "云浮市救助站",
        "郁南县救助站",
        "郁南县民安医院",
    ]
    assert steps[-1][1:] == ("done", date(2023, 2, 3))
    assert xiao_q.referrals.filter(agency__name="桂圩镇残联", status="done").exists()
    check_de_identified(xiao_q, nickname=xiao_q.nickname, title=xiao_q.write_up_title, text=xiao_q.write_up)

    xiao_chen = Case.objects.get(station=hekou)
    assert (xiao_chen.exemplary, xiao_chen.nickname, xiao_chen.status, xiao_chen.outcome) == (
        True,
        "小陈",
        "closed",
        "achieved",
    )
    assert xiao_chen.notes.count() >= 4
    sulong = Case.objects.filter(station=world.station_a)
    assert sorted(sulong.values_list("status", flat=True)) == ["closed", "open"]
    assert sulong.get(status="open").referrals.get().agency.name == "云浮市妇女联合会"
    assert load_demo(system_actor()) == 0  # idempotent
