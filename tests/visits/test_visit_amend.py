"""visit_amend: the author within 7 days, the station head after; every earlier version kept, encrypted."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from shuangbai.core.models import AuditAction, AuditEntry, Role, system_actor
from shuangbai.core.permissions import has_perm
from shuangbai.core.versioning import STALE_MESSAGE
from shuangbai.staff.accounts import user_create
from shuangbai.staff.models import Position
from shuangbai.staff.services import staff_create
from shuangbai.visits.models import FollowUp, Visit, VisitRevision
from shuangbai.visits.services import visit_amend

from .conftest import day, days_ago


def recorded_days_ago(visit: Visit, days: int) -> Visit:
    Visit.objects.filter(pk=visit.pk).update(created_at=timezone.now() - timedelta(days=days))
    visit.refresh_from_db()
    return visit


@pytest.fixture
def colleague(world):
    """A second worker of station A, who did not write the visit."""
    staff = staff_create(
        actor=system_actor(),
        name="社工A2",
        gender="M",
        hired_on=date(2022, 1, 1),
        station=world.station_a,
        position=Position.WORKER,
    )
    return user_create(
        actor=system_actor(),
        username="worker_a2",
        password="correct-horse-battery",
        role=Role.WORKER,
        scope_code="445381002000",
        display_name="worker_a2",
        staff=staff,
    )


def test_the_author_corrects_a_visit_and_the_earlier_version_is_kept(world, visit):
    made = visit(days=2, health="头晕", notes="初记", hazards=["fire"], met=[world.beneficiary_a])
    amended = visit_amend(
        actor=world.worker_a,
        visit=made,
        version=1,
        reason="记错了",
        health="血压偏高",
        notes="更正",
        hazards=["gas", "gas"],
    )
    amended.refresh_from_db()
    assert (amended.version, amended.health, amended.notes, amended.hazards) == (
        2,
        "血压偏高",
        "更正",
        ["gas"],
    )

    revision = VisitRevision.objects.get(visit=made)
    assert (revision.version, revision.changed_by, revision.reason) == (1, world.worker_a, "记错了")
    before = json.loads(revision.snapshot)
    assert before["health"] == "头晕" and before["notes"] == "初记" and before["hazards"] == ["fire"]
    assert before["visited_at"] == timezone.localtime(made.visited_at).strftime("%Y-%m-%d %H:%M")
    assert before["workers"] == ["社工A"] and before["met"] == ["对象A"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT snapshot FROM visits_visitrevision WHERE id = %s", [revision.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("g1:") and "头晕" not in stored and "初记" not in stored

    entry = AuditEntry.objects.get(object_type="visits.visit", action=AuditAction.CHANGE)
    # never the text of an encrypted field: the audit log says that it changed, not what it said
    assert entry.changes["notes"] == [None, "（备注已修改）"]
    assert entry.changes["health"] == [None, "（身体状况已修改）"]
    assert entry.changes["原因"] == "记错了"
    assert (
        "头晕" not in str(entry.changes)
        and "血压" not in str(entry.changes)
        and "初记" not in str(entry.changes)
    )


def test_each_amendment_keeps_the_version_before_it(world, visit):
    made = visit(notes="一")
    visit_amend(actor=world.worker_a, visit=made, version=1, reason="补充", notes="二")
    visit_amend(actor=world.worker_a, visit=made, version=2, reason="再补充", notes="三")
    made.refresh_from_db()
    assert (made.version, made.notes) == (3, "三")
    assert [(r.version, json.loads(r.snapshot)["notes"]) for r in made.revisions.all()] == [
        (2, "二"),
        (1, "一"),
    ]


def test_the_author_may_correct_until_the_seventh_day(world, visit):
    made = recorded_days_ago(visit(), 7)
    assert has_perm(world.worker_a, "visit.amend", made)
    assert (
        visit_amend(actor=world.worker_a, visit=made, version=1, reason="更正", notes="第七天").version == 2
    )


def test_the_author_may_not_correct_after_seven_days(world, visit):
    made = recorded_days_ago(visit(notes="原记录"), 8)
    assert not has_perm(world.worker_a, "visit.amend", made)
    with pytest.raises(PermissionDenied):
        visit_amend(actor=world.worker_a, visit=made, version=1, reason="更正", notes="太迟")
    made.refresh_from_db()
    assert (made.version, made.notes) == (1, "原记录")
    assert not VisitRevision.objects.exists()


def test_the_station_head_amends_after_seven_days(world, visit):
    made = recorded_days_ago(visit(notes="原记录"), 60)
    amended = visit_amend(actor=world.head_a, visit=made, version=1, reason="督导抽查更正", notes="站长更正")
    assert amended.notes == "站长更正"
    assert VisitRevision.objects.get(visit=made).changed_by == world.head_a


@pytest.mark.parametrize("who", ["colleague", "worker_b", "supervisor", "viewer", "county"])
def test_nobody_else_amends_a_visit(world, visit, colleague, who):
    made = visit(notes="原记录")
    actor = colleague if who == "colleague" else getattr(world, who)
    assert not has_perm(actor, "visit.amend", made)
    with pytest.raises(PermissionDenied):
        visit_amend(actor=actor, visit=made, version=1, reason="更正", notes="改")
    made.refresh_from_db()
    assert made.notes == "原记录"
    assert not VisitRevision.objects.exists()


def test_a_stale_version_is_refused(world, visit):
    made = visit(notes="原记录")
    visit_amend(actor=world.worker_a, visit=made, version=1, reason="第一次", notes="甲")
    with pytest.raises(ValidationError) as caught:
        visit_amend(actor=world.head_a, visit=made, version=1, reason="第二次", notes="乙")
    assert caught.value.code == "stale"
    assert caught.value.messages == [STALE_MESSAGE]
    made.refresh_from_db()
    assert (made.version, made.notes) == (2, "甲")
    assert VisitRevision.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reason": "  "}, "reason"),
        ({"visited_at": lambda: timezone.now() + timedelta(hours=2)}, "visited_at"),
        ({"visited_at": lambda: days_ago(40)}, "late_reason"),
        ({"needs": ["money"]}, "needs"),
        ({"kind": "walk"}, "kind"),
    ],
)
def test_an_amendment_is_checked_as_a_new_visit_is(world, visit, changes, field):
    made = visit(days=1, notes="原记录")
    changes = {"reason": "更正"} | {k: v() if callable(v) else v for k, v in changes.items()}
    with pytest.raises(ValidationError) as caught:
        visit_amend(actor=world.worker_a, visit=made, version=1, notes="改", **changes)
    assert field in caught.value.message_dict
    made.refresh_from_db()
    assert (made.version, made.notes, made.visited_on) == (1, "原记录", day(-1))
    assert not VisitRevision.objects.exists()


def test_an_old_visit_amended_without_its_late_reason_is_refused(world, visit):
    made = visit(days=40)
    with pytest.raises(ValidationError) as caught:
        visit_amend(actor=world.head_a, visit=made, version=1, reason="更正", late_reason="")
    assert "late_reason" in caught.value.message_dict
    amended = visit_amend(actor=world.head_a, visit=made, version=1, reason="更正", notes="补充说明")
    assert amended.late_reason == "纸质记录补录"


def test_only_the_amendable_fields_are_changed(world, visit):
    made = visit()
    for name in ("household", "recorded_by", "level_after", "client_token"):
        with pytest.raises(TypeError):
            visit_amend(actor=world.worker_a, visit=made, version=1, reason="更正", **{name: None})


def test_the_workers_and_people_met_are_amended(world, visit):
    made = visit(met=[world.beneficiary_a])
    amended = visit_amend(
        actor=world.worker_a,
        visit=made,
        version=1,
        reason="漏记站长",
        workers=[world.staff_a, world.head_staff],
        met=[],
    )
    assert set(amended.workers.all()) == {world.staff_a, world.head_staff}
    assert not amended.met.exists()
    entry = AuditEntry.objects.get(object_type="visits.visit", action=AuditAction.CHANGE)
    assert entry.changes["走访社工"] == [["社工A"], sorted(["社工A", "站长甲"])]
    with pytest.raises(ValidationError) as caught:
        visit_amend(actor=world.worker_a, visit=made, version=2, reason="更正", workers=[world.staff_b])
    assert "workers" in caught.value.message_dict
    assert set(Visit.objects.get(pk=made.pk).workers.all()) == {world.staff_a, world.head_staff}


def test_the_summary_follows_a_change_of_date_or_kind(world, visit):
    earlier = visit(days=10)
    later = visit(days=5)

    def summary():
        return FollowUp.objects.get(household=world.household_a).last_home_visit_on

    assert summary() == day(-5)

    later = visit_amend(actor=world.worker_a, visit=later, version=1, reason="其实是电话", kind="phone")
    assert later.is_home is False
    assert summary() == day(-10)

    earlier = visit_amend(
        actor=world.worker_a, visit=earlier, version=1, reason="日期记错", visited_at=days_ago(3)
    )
    assert earlier.visited_on == day(-3)
    assert summary() == day(-3)

    visit_amend(actor=world.worker_a, visit=earlier, version=2, reason="其实是来站", kind="at_station")
    assert not FollowUp.objects.filter(household=world.household_a).exists()

    visit_amend(actor=world.worker_a, visit=later, version=2, reason="确认入户", kind="home")
    assert summary() == day(-5)
