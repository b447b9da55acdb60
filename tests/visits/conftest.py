"""Fixtures shared by the visits tests: visits and people made through the real services."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from shuangbai.core.models import system_actor
from shuangbai.regions.models import Region
from shuangbai.registry.models import Category
from shuangbai.registry.services import beneficiary_register, household_register
from shuangbai.visits.services import visit_record

VILLAGE_A = "445381002201"  # station A's village (point A)
VILLAGE_B = "445381001201"  # station B's village (point B)


def days_ago(days: int) -> datetime:
    """An aware datetime whose local date is `days` before today."""
    return timezone.now() - timedelta(days=days)


def day(offset: int) -> date:
    """Today's local date moved by `offset` days (negative: in the past)."""
    return timezone.localdate() + timedelta(days=offset)


@pytest.fixture
def visit(world):
    """visit(household=household_a, days=0, actor=worker_a, workers=[the station's worker], **visit_record
    arguments); a visit more than 30 days back gets a late reason unless one is given."""

    station_worker = {getattr(world, f"station_{c}").pk: getattr(world, f"staff_{c}") for c in "abcde"}

    def make(household=None, *, days: int = 0, actor=None, workers=None, **kwargs):
        household = household or world.household_a
        if days > 30:
            kwargs.setdefault("late_reason", "纸质记录补录")
        return visit_record(
            actor=actor or world.worker_a,
            household=household,
            visited_at=kwargs.pop("visited_at", None) or days_ago(days),
            workers=workers if workers is not None else [station_worker[household.station_id]],
            **kwargs,
        )

    return make


@pytest.fixture
def person(world):
    """person(name, registered=-200, level=3, household=None, village=VILLAGE_A): a person in the register
    since `registered` days from today, heading a new household or joining `household`."""
    dibao = Category.objects.get(code="dibao")

    def make(name: str, *, registered: int = -200, level: int = 3, household=None, village=VILLAGE_A):
        details = {
            "name": name,
            "categories": [dibao],
            "no_id_reason": "refused",
            "gender": "F",
            "birth_date": date(1950, 1, 1),
            "registered_on": day(registered),
            "follow_up_level": level,
        }
        if household is not None:
            return beneficiary_register(
                actor=system_actor(), household=household, relation="other", **details
            )
        household = household_register(
            actor=system_actor(), village=Region.objects.get(code=village), head=details
        )
        return household.members.get()

    return make
