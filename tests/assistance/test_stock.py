"""Stock of a batch through three levels (city → county → station): received minus allocated down, handed out
and returned, always computed from the movements; every movement beyond the stock is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shuangbai.assistance.models import Holding
from shuangbai.assistance.selectors import batch_tree
from shuangbai.assistance.services import allocate, goods_return, hand_out, stock_of
from shuangbai.core.models import system_actor

from .conftest import day


def stocks(chain) -> tuple[int, ...]:
    return tuple(stock_of(Holding.objects.get(pk=h.pk)) for h in (chain.city, chain.county, chain.station_a))


def test_stock_through_three_levels_with_returns(world, chain):
    assert stocks(chain) == (40, 20, 40)
    allocate(actor=world.county, source=chain.county, target=world.station_b, quantity=10, on=day(-8))
    hand_out(
        actor=world.worker_a,
        holding=chain.station_a,
        beneficiary=world.beneficiary_a,
        handed_on=day(),
        quantity=2,
    )
    hand_out(
        actor=world.head_a,
        holding=chain.station_a,
        beneficiary=None,
        households=3,
        quantity=3,
        handed_on=day(),
        note="凤塘村委代领签收表",
    )
    goods_return(actor=world.head_a, holding=chain.station_a, quantity=5, on=day(), reason="对象已入住敬老院")
    goods_return(actor=world.county, holding=chain.county, quantity=10, on=day(), reason="县级余量退回市局")

    station_b = Holding.objects.get(batch=chain.batch, station=world.station_b)
    # city 100 - 60 + 10 back; county 60 - 40 - 10 + 5 back - 10 up; station A 40 - 2 - 3 - 5; station B 10
    assert stocks(chain) == (50, 5, 30)
    assert stock_of(station_b) == 10
    rows = {row.holding.pk: row for row in batch_tree(world.city, chain.batch)}
    assert [rows[h.pk].stock for h in (chain.city, chain.county, chain.station_a, station_b)] == [
        50,
        5,
        30,
        10,
    ]
    assert (rows[chain.station_a.pk].handed_out, rows[chain.station_a.pk].returned) == (5, 5)
    assert [row.depth for row in batch_tree(world.city, chain.batch)] == [0, 1, 2, 2]
    # the whole batch is accounted for: what is held plus what went to people
    assert chain.batch.quantity == 50 + 5 + 30 + 10 + 5


def test_handing_out_more_than_the_station_holds_is_refused_naming_the_stock(world, chain):
    hand_out(
        actor=world.worker_a,
        holding=chain.station_a,
        beneficiary=world.beneficiary_a,
        handed_on=day(),
        quantity=38,
    )
    with pytest.raises(ValidationError) as refused:
        hand_out(
            actor=world.worker_a,
            holding=chain.station_a,
            beneficiary=world.beneficiary_a,
            handed_on=day(),
            quantity=3,
        )
    assert refused.value.message_dict["quantity"] == ["素龙街道社工站的健康包库存只剩2份，不能发放3份。"]
    assert stocks(chain)[2] == 2


def test_allocating_or_returning_more_than_held_is_refused(world, chain):
    with pytest.raises(ValidationError) as refused:
        allocate(actor=world.county, source=chain.county, target=world.station_b, quantity=21, on=day())
    assert "罗定市民政局的健康包库存只剩20份，不能调拨21份" in refused.value.message_dict["quantity"][0]
    with pytest.raises(ValidationError) as refused:
        goods_return(actor=world.worker_a, holding=chain.station_a, quantity=41, on=day(), reason="多余")
    assert "只剩40份" in refused.value.message_dict["quantity"][0]
    assert stocks(chain) == (40, 20, 40)


def test_goods_move_only_down_the_tree_and_from_one_parent(world, chain):
    from shuangbai.regions.models import Region

    with pytest.raises(ValidationError, match="不在罗定市民政局的下级范围内"):
        allocate(actor=world.county, source=chain.county, target=world.station_c, quantity=1, on=day())
    with pytest.raises(PermissionDenied):  # only a bureau allocates, from a city's or county's holding
        allocate(actor=world.worker_a, source=chain.station_a, target=world.station_a, quantity=1, on=day())
    with pytest.raises(ValidationError, match="社工站不能再向下调拨"):
        allocate(actor=system_actor(), source=chain.station_a, target=world.station_a, quantity=1, on=day())
    with pytest.raises(
        ValidationError, match="上级另一单位调拨"
    ):  # station A's packs come through the county
        allocate(actor=world.city, source=chain.city, target=world.station_a, quantity=1, on=day())
    with pytest.raises(ValidationError, match="不在"):  # a county cannot pass goods up to its city
        allocate(
            actor=world.county,
            source=chain.county,
            target=Region.objects.get(code="445300000000"),
            quantity=1,
            on=day(),
        )
    with pytest.raises(PermissionDenied):  # a county bureau hands nothing out itself
        hand_out(actor=world.county, holding=chain.county, beneficiary=world.beneficiary_a, handed_on=day())
    with pytest.raises(ValidationError, match="须先调拨到社工站"):
        hand_out(actor=system_actor(), holding=chain.county, beneficiary=world.beneficiary_a, handed_on=day())
    with pytest.raises(ValidationError, match="没有可退回的上级"):
        goods_return(actor=world.city, holding=chain.city, quantity=1, on=day(), reason="x")


def test_only_the_station_hands_out_its_goods_to_its_own_people(world, chain):
    with pytest.raises(PermissionDenied):
        hand_out(
            actor=world.worker_b, holding=chain.station_a, beneficiary=world.beneficiary_a, handed_on=day()
        )
    with pytest.raises(PermissionDenied):
        hand_out(actor=world.city, holding=chain.station_a, beneficiary=world.beneficiary_a, handed_on=day())
    with pytest.raises(PermissionDenied):
        hand_out(
            actor=world.supervisor, holding=chain.station_a, beneficiary=world.beneficiary_a, handed_on=day()
        )
    with pytest.raises(ValidationError, match="不是素龙街道社工站的服务对象"):
        hand_out(
            actor=world.worker_a, holding=chain.station_a, beneficiary=world.beneficiary_b, handed_on=day()
        )
    with pytest.raises(ValidationError, match="签收说明"):
        hand_out(
            actor=world.worker_a, holding=chain.station_a, beneficiary=None, households=2, handed_on=day()
        )
    with pytest.raises(ValidationError, match="早于本批物资的接收日期"):
        hand_out(
            actor=world.worker_a, holding=chain.station_a, beneficiary=None, note="签收表", handed_on=day(-11)
        )
    with pytest.raises(PermissionDenied):  # a county bureau manages its own county's goods only
        allocate(actor=world.county, source=chain.city, target=world.station_b, quantity=1, on=day())
    assert stocks(chain) == (40, 20, 40)


def test_goods_do_not_move_out_of_a_holder_before_they_reached_it(world, chain):
    before = chain.station_a.allocated_in.get().on - timedelta(days=1)  # the batch had arrived at the city
    with pytest.raises(ValidationError) as error:
        hand_out(actor=world.worker_a, holding=chain.station_a, beneficiary=None, households=1, handed_on=before,
                 note="村委代领签收表")  # fmt: skip
    assert f"日期早于{chain.station_a.name}收到本批物资的日期" in error.value.message_dict["handed_on"][0]
    with pytest.raises(ValidationError) as error:
        goods_return(actor=world.head_a, holding=chain.station_a, quantity=1, on=before, reason="多余")
    assert "收到本批物资的日期" in error.value.message_dict["on"][0]
    assert stocks(chain) == (40, 20, 40)
