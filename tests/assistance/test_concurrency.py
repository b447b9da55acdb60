"""Two hand-outs at one station at the same moment must not spend the same last pack. On PostgreSQL each runs
in its own thread with its own database connection: the first holds the station's row locked (its transaction
still open) while the second tries; the second must wait for the first to commit, then see the stock it left
and be refused. SQLite has one writer at a time and no row locks: the same two hand-outs run one after the other
there, and the second is refused all the same."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from shuangbai.assistance.models import HandOut, Holding
from shuangbai.assistance.services import hand_out, stock_of
from shuangbai.core.models import system_actor
from shuangbai.registry.models import Beneficiary

from .conftest import day

pytestmark = pytest.mark.django_db(transaction=True)


def _one_pack_left(world, chain) -> Holding:
    """Station A holds 1 pack: 39 of its 40 handed out already."""
    hand_out(
        actor=world.worker_a,
        holding=chain.station_a,
        beneficiary=None,
        households=39,
        quantity=39,
        handed_on=day(),
        note="签收表",
    )
    assert stock_of(chain.station_a) == 1
    return chain.station_a


def _second_person(world) -> Beneficiary:
    from shuangbai.registry.services import beneficiary_register

    return beneficiary_register(
        actor=system_actor(),
        household=world.household_a,
        name="对象A2",
        gender="F",
        birth_date=day(-20000),
        no_id_reason="refused",
        categories=list(world.beneficiary_a.categories.all()),
        relation="spouse",
    )


def test_two_hand_outs_at_once_do_not_overspend(world, chain):
    holding = _one_pack_left(world, chain)
    people = [world.beneficiary_a, _second_person(world)]
    if connection.vendor != "postgresql":
        hand_out(actor=world.worker_a, holding=holding, beneficiary=people[0], handed_on=day())
        with pytest.raises(ValidationError, match="库存只剩0份"):
            hand_out(actor=world.head_a, holding=holding, beneficiary=people[1], handed_on=day())
        assert stock_of(holding) == 0
        return

    first_done = threading.Event()  # the first hand-out is written, its transaction still open
    release = threading.Event()  # the first may commit
    second_finished = threading.Event()
    outcome: dict[str, object] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                hand_out(actor=world.worker_a, holding=holding, beneficiary=people[0], handed_on=day())
                first_done.set()
                release.wait(10)
            outcome["first"] = "ok"
        except Exception as error:  # noqa: BLE001 - reported by the assertions below
            outcome["first"] = error
            first_done.set()
        finally:
            connection.close()

    def second() -> None:
        first_done.wait(10)
        try:
            hand_out(actor=world.head_a, holding=holding, beneficiary=people[1], handed_on=day())
            outcome["second"] = "ok"
        except Exception as error:  # noqa: BLE001
            outcome["second"] = error
        finally:
            second_finished.set()
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    assert first_done.wait(10)
    # the second hand-out is waiting on the station's row, not deciding on a stock read before the first commits
    assert not second_finished.wait(1.0), "the second hand-out did not wait for the first one's lock"
    release.set()
    for thread in threads:
        thread.join(20)
    assert outcome["first"] == "ok"
    assert isinstance(outcome["second"], ValidationError), outcome["second"]
    assert "库存只剩0份" in outcome["second"].message_dict["quantity"][0]
    assert HandOut.objects.filter(holding=holding, beneficiary__isnull=False).count() == 1
    assert stock_of(holding) == 0
