"""Fixtures of the casework tests: the agency catalogue and cases made through the services."""

from __future__ import annotations

import pytest
from django.utils import timezone

from shuangbai.cases.catalogue import seed_agencies
from shuangbai.cases.models import Agency
from shuangbai.cases.services import case_open
from shuangbai.core.models import system_actor
from shuangbai.regions.models import Region

OPENED = timezone.localdate()  # the fixture registers its people today: cases are dated today too


@pytest.fixture
def agencies(world) -> dict[str, Agency]:
    seed_agencies(Agency, Region)  # a transactional test before this one flushed the migration's rows
    return {agency.name: agency for agency in Agency.objects.all()}


@pytest.fixture
def open_case(world, agencies):
    """open_case(letter="a", actor=worker_a, **case_open arguments): a case of station `letter`'s person."""

    def make(letter: str = "a", *, actor=None, **kwargs):
        actor = actor or getattr(world, f"worker_{letter}", None)
        values = {
            "opened_on": OPENED,
            "source": "visit",
            "presenting_problem": "独居，冬季取暖困难。",
        } | kwargs
        if actor is None:
            actor = system_actor()
            values.setdefault("worker", getattr(world, f"staff_{letter}"))
        return case_open(actor=actor, beneficiary=getattr(world, f"beneficiary_{letter}"), **values)

    return make
