"""A person's 困难群众 / 特殊群体 marks follow their categories through every change the registry makes."""

from __future__ import annotations

from datetime import date

import pytest

from shuangbai.registry.models import Beneficiary
from shuangbai.registry.services import beneficiaries_merge, beneficiary_update, category_update
from tests.registry.helpers import add_member, category
from tests.registry.helpers import register as register_with_id

NO_ID = {"no_id_reason": "other", "gender": "F", "birth_date": date(1950, 1, 1)}


def register(actor, village, name, **kwargs):
    return register_with_id(actor, village, name, **NO_ID, **kwargs)


pytestmark = pytest.mark.django_db


def marks(person: Beneficiary) -> tuple[bool, bool]:
    return tuple(Beneficiary.objects.values_list("in_hardship", "in_special").get(pk=person.pk))


def test_registering_and_editing_categories_set_the_marks(world):
    person = register(world.worker_a, "445381002201", "甲", categories=("dibao", "living_alone_elderly"))
    assert marks(person) == (True, True)
    child = add_member(world.worker_a, person.household, "乙", categories=("left_behind_child",), **NO_ID)
    assert marks(child) == (False, True)
    person = beneficiary_update(
        actor=world.worker_a, beneficiary=person, version=person.version, categories=[category("dibao")]
    )
    assert marks(person) == (True, False)
    person = beneficiary_update(actor=world.worker_a, beneficiary=person, version=person.version, phone="")
    assert marks(person) == (True, False)  # a save without category changes keeps them


def test_a_merge_unites_the_marks(world):
    keep = register(world.worker_a, "445381002201", "丙", categories=("dibao",))
    other = register(world.worker_a, "445381002201", "丙", categories=("disabled",))
    beneficiaries_merge(actor=world.worker_a, keep=keep, merge=other)
    assert marks(keep) == (True, True)


def test_moving_a_category_to_the_other_umbrella_moves_its_people(world):
    person = register(world.worker_a, "445381002201", "丁", categories=("woman_in_hardship",))
    assert marks(person) == (False, True)
    woman = category("woman_in_hardship")
    category_update(actor=world.city, category=woman, version=woman.version, umbrella="hardship")
    assert marks(person) == (True, False)
    assert marks(world.beneficiary_a) == (True, False)  # 低保对象, untouched
