"""The four-level follow-up schedule (四级跟进): due dates, the due list and the city's own intervals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from shuangbai.core.models import AuditEntry, system_actor
from shuangbai.registry.models import Beneficiary, BeneficiaryCategory
from shuangbai.registry.services import beneficiary_change_levels, beneficiary_exit
from shuangbai.stations.services import point_create
from shuangbai.visits.models import DEFAULT_LEVELS, FollowUp, FollowUpLevel
from shuangbai.visits.selectors import SOON_DAYS, Schedule, due_counts, due_households, schedule
from shuangbai.visits.services import schedule_update

from .conftest import day

YUNFU = "445300000000"
GUANGZHOU = "440100000000"
CUSTOM = {1: ("特别关注", 1), 2: ("每周", 7), 3: ("每半月", 14), 4: ("每月", 30)}


def due(user, station, today, **kwargs):
    return {entry.household_id: entry for entry in due_households(user, station, today=today, **kwargs)}


def test_the_default_schedule_is_every_3_7_30_and_90_days(world):
    plan = schedule(world.station_a.region_code)
    assert plan.intervals == {1: 3, 2: 7, 3: 30, 4: 90}
    assert plan.names == {level: name for level, (name, _) in DEFAULT_LEVELS.items()}


@pytest.mark.parametrize(("level", "interval"), [(1, 3), (2, 7), (3, 30), (4, 90)])
def test_a_person_is_due_the_levels_interval_after_the_last_home_visit(world, person, visit, level, interval):
    someone = person("黄伯", level=level)
    visit(someone.household, days=5)
    due_on = day(-5) + timedelta(days=interval)
    assert schedule(someone.region_code).due_on(level, day(-5), someone.registered_on) == due_on

    entry = due(world.worker_a, world.station_a, due_on)[someone.household_id]
    assert (entry.last_home_visit, entry.due_on, entry.days_overdue, entry.section) == (
        day(-5),
        due_on,
        0,
        "today",
    )
    assert [(p.id, p.level, p.level_name, p.due_on) for p in entry.people] == [
        (someone.pk, level, DEFAULT_LEVELS[level][0], due_on)
    ]
    later = due(world.worker_a, world.station_a, due_on + timedelta(days=2))[someone.household_id]
    assert (later.days_overdue, later.section) == (2, "overdue")
    soon = due(world.worker_a, world.station_a, due_on - timedelta(days=SOON_DAYS))[someone.household_id]
    assert (soon.days_overdue, soon.section) == (-SOON_DAYS, "soon")
    assert someone.household_id not in due(world.worker_a, world.station_a, due_on - timedelta(SOON_DAYS + 1))


def test_a_person_never_visited_is_due_from_registration(world, person):
    someone = person("未访", registered=-40, level=3)
    entry = due(world.worker_a, world.station_a, day(0))[someone.household_id]
    assert entry.last_home_visit is None
    assert entry.due_on == day(-10)
    assert entry.days_overdue == 10


def test_a_level_change_at_a_visit_takes_effect_at_once(world, person, visit):
    someone = person("陈婆", level=3)
    visit(someone.household, days=20)
    assert someone.household_id not in due(world.worker_a, world.station_a, day(0))
    # a phone call decides on level 1: the home visit 20 days ago is still the one counted from
    visit(
        someone.household,
        kind="phone",
        changed_person=someone,
        level_after=1,
        change_reason="独居，近期跌倒",
    )
    someone.refresh_from_db()
    assert someone.follow_up_level == 1
    entry = due(world.worker_a, world.station_a, day(0))[someone.household_id]
    assert entry.last_home_visit == day(-20)
    assert entry.due_on == day(-17)
    assert entry.people[0].level_name == DEFAULT_LEVELS[1][0]


def test_a_level_change_by_the_registry_service_takes_effect_at_once(world, person, visit):
    someone = person("李叔", level=4)
    visit(someone.household, days=20)
    assert someone.household_id not in due(world.worker_a, world.station_a, day(0))
    beneficiary_change_levels(actor=world.worker_a, beneficiary=someone, reason="病情加重", follow_up_level=2)
    assert due(world.worker_a, world.station_a, day(0))[someone.household_id].due_on == day(-13)


def test_a_person_who_left_drops_out_of_the_due_list(world, person, visit):
    head = person("户主林", level=4)
    child = person("林仔", level=1, household=head.household)
    visit(head.household, days=10)
    entry = due(world.worker_a, world.station_a, day(0))[head.household_id]
    assert [p.id for p in entry.people] == [child.pk]
    assert entry.head == "户主林"

    beneficiary_exit(
        actor=world.worker_a, beneficiary=child, version=child.version, reason="moved_out", on_date=day(0)
    )
    assert head.household_id not in due(world.worker_a, world.station_a, day(0))
    assert due(world.worker_a, world.station_a, day(80))[head.household_id].people[0].id == head.pk

    head.refresh_from_db()
    beneficiary_exit(
        actor=world.worker_a, beneficiary=head, version=head.version, reason="death", on_date=day(0)
    )
    assert head.household_id not in due(world.worker_a, world.station_a, day(400))


def test_one_home_visit_counts_for_every_member_and_other_kinds_do_not(world, person, visit):
    head = person("户主周", level=3, registered=-100)
    member = person("周妻", level=2, registered=-100, household=head.household)
    visit(head.household, days=3, met=[head])  # the wife was out: the visit still counts for her
    entry = due(world.worker_a, world.station_a, day(4))[head.household_id]
    assert [(p.id, p.due_on) for p in entry.people] == [(member.pk, day(4))]
    assert entry.head == "户主周"  # the head is named even when only a member is due

    visit(head.household, kind="phone")
    visit(head.household, kind="at_station")
    assert FollowUp.objects.get(household=head.household).last_home_visit_on == day(-3)
    entry = due(world.worker_a, world.station_a, day(27))[head.household_id]
    assert [(p.id, p.due_on) for p in entry.people] == [(member.pk, day(4)), (head.pk, day(27))]
    assert entry.due_on == day(4)
    assert entry.days_overdue == 23


def test_a_member_registered_after_the_visit_is_due_from_registration(world, person, visit):
    head = person("户主吴", level=3)
    visit(head.household, days=10)
    newborn = person("吴宝", level=2, registered=-5, household=head.household)
    entry = due(world.worker_a, world.station_a, day(2))[head.household_id]
    assert [(p.id, p.due_on) for p in entry.people] == [(newborn.pk, day(2))]  # not day(-3)
    assert schedule(head.region_code).due_on(2, day(-10), day(-5)) == day(2)


def test_a_citys_own_schedule_takes_effect_at_once(world, person, visit):
    someone = person("何婆", level=3)
    visit(someone.household, days=20)
    assert someone.household_id not in due(world.worker_a, world.station_a, day(0))

    schedule_update(actor=world.city, city_code=YUNFU, levels=CUSTOM)

    plan = schedule(world.station_a.region_code)
    assert plan.intervals == {1: 1, 2: 7, 3: 14, 4: 30}
    assert plan.names[1] == "特别关注"
    entry = due(world.worker_a, world.station_a, day(0))[someone.household_id]
    assert (entry.due_on, entry.people[0].level_name) == (day(-6), "每半月")
    # another city keeps the defaults
    assert schedule(world.station_d.region_code).intervals == {1: 3, 2: 7, 3: 30, 4: 90}
    assert AuditEntry.objects.filter(object_type="visits.followuplevel", actor=world.city).count() == 4


def test_a_schedule_update_changes_the_rows_it_has_and_audits_only_what_changed(world):
    first = schedule_update(actor=world.city, city_code=YUNFU, levels=CUSTOM)
    second = schedule_update(actor=world.province, city_code=YUNFU, levels=CUSTOM | {4: ("每季", 90)})
    assert [row.pk for row in first] == [row.pk for row in second]
    assert FollowUpLevel.objects.filter(city_code=YUNFU).count() == 4
    assert [row.version for row in second] == [2, 2, 2, 2]
    changes = AuditEntry.objects.filter(actor=world.province).values_list("changes", flat=True)
    assert list(changes) == [{"name": ["每月", "每季"], "interval_days": [30, 90]}]
    assert schedule(YUNFU).intervals[4] == 90


@pytest.mark.parametrize("who", ["county", "head_a", "worker_a", "supervisor", "viewer"])
def test_only_the_city_or_province_sets_a_schedule(world, who):
    with pytest.raises(PermissionDenied):
        schedule_update(actor=getattr(world, who), city_code=YUNFU, levels=CUSTOM)
    assert not FollowUpLevel.objects.exists()


def test_a_city_sets_only_its_own_schedule(world):
    with pytest.raises(PermissionDenied):
        schedule_update(actor=world.city, city_code=GUANGZHOU, levels=CUSTOM)
    schedule_update(actor=world.province, city_code=GUANGZHOU, levels=CUSTOM)
    assert schedule(world.station_d.region_code).intervals[1] == 1
    assert schedule(world.station_a.region_code).intervals[1] == 3


@pytest.mark.parametrize("code", ["445381000000", "4453", "445399000000"])
def test_a_schedule_is_set_for_a_city_only(world, code):
    with pytest.raises(ValidationError) as caught:
        schedule_update(actor=world.province, city_code=code, levels=CUSTOM)
    assert "地级市" in caught.value.message_dict["city_code"][0]
    assert not FollowUpLevel.objects.exists()


@pytest.mark.parametrize(
    ("levels", "key", "text"),
    [
        (CUSTOM | {1: ("特别关注", 0)}, "level_1", "走访间隔应为 1 至 366 天"),
        (CUSTOM | {4: ("每年", 400)}, "level_4", "走访间隔应为 1 至 366 天"),
        (CUSTOM | {3: ("  ", 14)}, "level_3", "不能为空"),
        (CUSTOM | {2: ("每周", 20)}, None, "级别越高跟进越密"),
        ({1: ("特别关注", 1), 2: ("每周", 7)}, None, "一至四级"),
    ],
)
def test_a_schedule_is_refused_with_a_chinese_message(world, levels, key, text):
    with pytest.raises(ValidationError) as caught:
        schedule_update(actor=world.city, city_code=YUNFU, levels=levels)
    if key:
        assert text in caught.value.message_dict[key][0]
    else:
        assert text in caught.value.messages[0]
    assert not FollowUpLevel.objects.exists()  # nothing half-saved


def test_the_due_list_is_most_overdue_first_in_three_sections(world, person, visit):
    overdue = person("逾期", level=1)
    visit(overdue.household, days=10)  # due day(-7)
    today = person("今日", level=2)
    visit(today.household, days=7)  # due day(0)
    soon = person("将到", level=3)
    visit(soon.household, days=25)  # due day(5)
    also_soon = person("同日", level=3)
    visit(also_soon.household, days=25)  # due day(5), later household id
    later = person("未到", level=4)
    visit(later.household, days=1)  # due day(89)

    rows = due_households(world.worker_a, world.station_a, today=day(0))
    assert [(r.household_id, r.section, r.days_overdue) for r in rows] == [
        (overdue.household_id, "overdue", 7),
        (today.household_id, "today", 0),
        (soon.household_id, "soon", -5),
        (also_soon.household_id, "soon", -5),
    ]
    assert rows[0].village == "凤塘村" and rows[0].point == "A点"
    assert due_counts(world.worker_a, world.station_a, today=day(0)) == {"overdue": 1, "today": 1, "soon": 2}


def test_the_due_list_is_scoped_and_filtered_by_point(world, person):
    someone = person("某人", registered=-100)
    assert due(world.head_a, world.station_a, day(0)).keys() == {someone.household_id}
    assert due(world.county, world.station_a, day(0)).keys() == {someone.household_id}
    assert due_households(world.worker_b, world.station_a, today=day(0)) == []
    assert due(world.worker_a, world.station_a, day(0), point=world.point_a).keys() == {someone.household_id}
    elsewhere = point_create(actor=system_actor(), station=world.station_a, name="站内点", status="operating")
    assert due_households(world.worker_a, world.station_a, point=elsewhere, today=day(0)) == []


def test_the_sql_filter_agrees_with_the_due_date_on_a_grid(world, person, visit):
    """`Schedule.due_by(day)` (the database's answer) against `Schedule.due_on` (Python's), for every level,
    registration before and after the last visit, never visited, over every day of a wide range, with the
    default schedule and random ones."""
    last_visit = {}
    for level in (1, 2, 3, 4):
        for registered in (-120, -10):
            for last in (None, -100, -35, -5, 0):
                someone = person(f"网格{level}{registered}{last}", level=level, registered=registered)
                if last is not None:
                    visit(someone.household, days=-last)
                last_visit[someone.pk] = day(last) if last is not None else None
    people = list(Beneficiary.objects.filter(pk__in=last_visit))
    assert len(people) == 40

    def check(plan: Schedule, on) -> None:
        expected = {
            p.pk for p in people if plan.due_on(p.follow_up_level, last_visit[p.pk], p.registered_on) <= on
        }
        found = set(
            Beneficiary.objects.filter(pk__in=last_visit).filter(plan.due_by(on)).values_list("pk", flat=True)
        )
        assert found == expected, on
        through = BeneficiaryCategory.objects.filter(beneficiary__in=people).filter(
            plan.due_by(on, prefix="beneficiary__")
        )
        assert set(through.values_list("beneficiary_id", flat=True)) == expected

    default = schedule(world.station_a.region_code)
    for offset in range(-130, 100):
        check(default, day(offset))

    @hypothesis_settings(max_examples=80, deadline=None)
    @given(
        intervals=st.lists(st.integers(1, 366), min_size=4, max_size=4).map(sorted),
        offset=st.integers(-130, 400),
    )
    def random_schedules(intervals, offset):
        plan = Schedule(dict(default.names), dict(zip((1, 2, 3, 4), intervals, strict=True)))
        check(plan, day(offset))

    random_schedules()
