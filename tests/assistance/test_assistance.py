"""Assistance records: the status flow and its history, and the counts the figures, the coverage and the
timeline read from the steps."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shuangbai.assistance.hooks import assistance_figures
from shuangbai.assistance.models import AssistanceStep
from shuangbai.assistance.services import assistance_advance, assistance_create
from shuangbai.core.models import system_actor
from shuangbai.core.scoping import code_range
from shuangbai.registry.models import Beneficiary
from shuangbai.registry.services import beneficiary_register
from shuangbai.registry.timeline import timeline
from shuangbai.visits.coverage import Period, _served_condition, _with_window

from .conftest import day


def _apply(world, kinds, person=None, code="disability_subsidy", *, on=None):
    return assistance_create(
        actor=world.worker_a,
        beneficiary=person or world.beneficiary_a,
        type=kinds[code],
        party="government",
        giver="区残联",
        status="consult",
        on=on or day(),
    )


def test_the_status_flow_is_enforced_and_kept_as_dated_history(world, kinds):
    record = _apply(world, kinds)
    with pytest.raises(ValidationError, match="当前状态为“咨询”，只能改为：协助申请"):
        assistance_advance(
            actor=world.worker_a, assistance=record, version=record.version, status="approved", on=day()
        )
    for status in ("applying", "submitted", "approved", "delivered"):
        record = assistance_advance(
            actor=world.worker_a,
            assistance=record,
            version=record.version,
            status=status,
            on=day(),
            amount=1200,
        )
    with pytest.raises(ValidationError, match="已是最终状态"):
        assistance_advance(
            actor=world.worker_a, assistance=record, version=record.version, status="approved", on=day()
        )
    assert list(record.steps.values_list("status", flat=True)) == [
        "consult",
        "applying",
        "submitted",
        "approved",
        "delivered",
    ]
    assert record.amount == 1200 and record.status == "delivered"


def test_rejected_is_final_and_a_stale_version_is_refused(world, kinds):
    record = _apply(world, kinds)
    stale = record.version
    record = assistance_advance(
        actor=world.worker_a, assistance=record, version=stale, status="applying", on=day()
    )
    with pytest.raises(ValidationError, match="已被他人修改"):
        assistance_advance(actor=world.head_a, assistance=record, version=stale, status="submitted", on=day())
    record = assistance_advance(
        actor=world.worker_a, assistance=record, version=record.version, status="submitted", on=day()
    )
    record = assistance_advance(
        actor=world.worker_a, assistance=record, version=record.version, status="rejected", on=day()
    )
    assert record.next_statuses == []
    assert record.steps.count() == 4


def test_start_and_dates_are_checked(world, kinds):
    with pytest.raises(ValidationError, match="只能从以下状态开始：咨询、协助申请"):
        assistance_create(
            actor=world.worker_a,
            beneficiary=world.beneficiary_a,
            type=kinds["disability_subsidy"],
            party="government",
            status="delivered",
            on=day(),
        )
    gift = assistance_create(
        actor=world.worker_a,
        beneficiary=world.beneficiary_a,
        type=kinds["cash_gift"],
        party="enterprise",
        status="delivered",
        on=day(),
        amount=500,
    )
    assert gift.steps.get().status == "delivered"
    with pytest.raises(ValidationError, match="不能晚于今天"):
        _apply(world, kinds, on=day(1))
    with pytest.raises(ValidationError, match="早于对象A的建档日期"):
        _apply(world, kinds, on=day(-1))
    with pytest.raises(PermissionDenied):
        _apply(world, kinds, person=world.beneficiary_b)  # worker_a's scope is station A
    with pytest.raises(PermissionDenied):
        assistance_create(
            actor=world.supervisor,
            beneficiary=world.beneficiary_a,
            type=kinds["cash_gift"],
            party="community",
            on=day(),
        )


def test_figures_count_people_and_households_that_reached_applying(world, kinds):
    spouse = beneficiary_register(
        actor=system_actor(),
        household=world.household_a,
        name="对象A妻",
        gender="F",
        birth_date=date(1950, 3, 1),
        no_id_reason="refused",
        relation="spouse",
        categories=list(world.beneficiary_a.categories.all()),
    )
    for person in (world.beneficiary_a, spouse):
        record = _apply(world, kinds, person)
        assistance_advance(
            actor=world.worker_a, assistance=record, version=record.version, status="applying", on=day()
        )
    _apply(world, kinds, world.beneficiary_a)  # a second record, still at 咨询: not counted, not twice
    _apply(world, kinds, world.beneficiary_a, "medical_relief")  # only consulted
    low, high = code_range("445381")
    got = {f.key: f for f in assistance_figures(low, high, day(-30), day())}
    assert got["assistance.disability_subsidy.people"].value == 2
    assert got["assistance.disability_subsidy.households"].value == 1
    assert got["assistance.disability_subsidy.people"].label == "协助申请残疾人补贴"
    assert got["assistance.disability_subsidy.people"].section == "资源链接"
    assert "assistance.medical_relief.people" not in got
    # outside the period, or another county: nothing
    assert list(assistance_figures(low, high, day(-60), day(-31))) == []
    assert list(assistance_figures(*code_range("445302"), day(-30), day())) == []


def test_timeline_and_coverage_see_the_steps(world, kinds):
    record = _apply(world, kinds)
    events = [e for e in timeline(world.beneficiary_a) if e.kind == "资源链接"]
    assert events and events[0].text.startswith("残疾人补贴：咨询（政府部门·区残联）")
    assert events[0].url == record.get_absolute_url()
    period = Period(day(-10), day())
    people = _with_window(Beneficiary.objects.filter(station=world.station_a), period)
    assert list(people.filter(_served_condition(period)).values_list("pk", flat=True)) == [
        world.beneficiary_a.pk
    ]
    AssistanceStep.objects.update(on=day(-20))
    assert not people.filter(_served_condition(period)).exists()
