"""Registering people in tests through the real services."""

from __future__ import annotations

from shuangbai.regions.models import Region
from shuangbai.registry.models import Category
from shuangbai.registry.services import beneficiary_register, household_register


def category(code: str) -> Category:
    return Category.objects.get(code=code)


def register(actor, village_code: str, name: str, *, id_number: str = "", categories=("dibao",), **details):
    """A one-person household in a village; returns the beneficiary."""
    head = {"name": name, "id_number": id_number, "categories": [category(c) for c in categories], **details}
    household = household_register(actor=actor, village=Region.objects.get(code=village_code), head=head)
    return household.members.get()


def add_member(
    actor, household, name: str, *, relation="child", categories=("left_behind_child",), **details
):
    return beneficiary_register(
        actor=actor,
        household=household,
        name=name,
        relation=relation,
        categories=[category(c) for c in categories],
        **details,
    )
