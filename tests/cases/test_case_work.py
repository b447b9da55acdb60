from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from shuangbai.cases.models import Case, CaseStatus
from shuangbai.cases.services import (
    case_close,
    case_note_add,
    case_update,
    goal_add,
    goal_update,
    referral_create,
    review_add,
)
from shuangbai.core.models import AuditEntry
from shuangbai.core.versioning import STALE_MESSAGE

from .conftest import OPENED


def test_a_note_is_by_the_staff_record_of_the_user(world, open_case):
    case = open_case("a")
    note = case_note_add(actor=world.head_a, case=case, written_on=OPENED, text="入户评估。")
    assert note.worker == world.head_staff and note.recorded_by == world.head_a


def test_a_user_without_a_staff_record_cannot_write_a_note(world, open_case):
    case = open_case("a")
    world.worker_a.staff = None
    world.worker_a.save(update_fields=["staff"])
    with pytest.raises(ValidationError, match="人员档案"):
        case_note_add(actor=world.worker_a, case=case, written_on=OPENED, text="x")


def test_notes_are_dated_within_the_case(world, open_case):
    case = open_case("a")
    with pytest.raises(ValidationError) as error:
        case_note_add(actor=world.worker_a, case=case, written_on=OPENED - timedelta(days=1), text="x")
    assert "不能早于接案日期" in error.value.message_dict["written_on"][0]
    with pytest.raises(PermissionDenied):
        case_note_add(actor=world.worker_b, case=case, written_on=OPENED, text="x")


def test_the_assessment_notes_are_stored_encrypted(world, open_case):
    case = open_case("a")
    case_update(
        actor=world.worker_a,
        case=case,
        version=case.version,
        problems="取暖困难",
        risk_level="high",
        assessment_notes="抑郁症病史，需关注",
        assessed_on=OPENED,
    )
    with connection.cursor() as cursor:
        cursor.execute("select assessment_notes from cases_case where id = %s", [case.pk])
        raw = cursor.fetchone()[0]
    assert "抑郁" not in raw and raw
    assert Case.objects.get(pk=case.pk).assessment_notes == "抑郁症病史，需关注"
    entry = AuditEntry.objects.filter(object_type="cases.case", action="change").get()
    assert "抑郁" not in str(entry.changes) and "assessment_notes" in entry.changes


def test_a_second_editor_from_the_same_version_is_refused(world, open_case):
    case = open_case("a")
    stale = Case.objects.get(pk=case.pk)
    case_update(actor=world.worker_a, case=case, version=case.version, problems="一")
    with pytest.raises(ValidationError, match=STALE_MESSAGE[:10]):
        case_update(actor=world.head_a, case=stale, version=stale.version, problems="二")
    assert Case.objects.get(pk=case.pk).problems == "一"


def test_a_plan_of_goals_with_target_dates_and_status(world, open_case):
    case = open_case("a")
    goal = goal_add(
        actor=world.worker_a, case=case, text="申请临时救助", target_on=OPENED + timedelta(days=30)
    )
    goal_update(actor=world.worker_a, goal=goal, status="achieved", target_on=goal.target_on)
    goal.refresh_from_db()
    assert (goal.status, goal.get_status_display()) == ("achieved", "已达成")
    with pytest.raises(ValidationError):
        goal_update(actor=world.worker_a, goal=goal, status="maybe")


def test_closing_is_final_and_takes_an_outcome_and_a_reason(world, open_case):
    case = open_case("a")
    case_note_add(actor=world.worker_a, case=case, written_on=OPENED, text="服务")
    with pytest.raises(ValidationError) as error:
        case_close(
            actor=world.worker_a, case=case, closed_on=OPENED, outcome="", reason="x", version=case.version
        )
    assert "outcome" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        case_close(
            actor=world.worker_a,
            case=case,
            closed_on=OPENED,
            outcome="referred",
            reason="x",
            version=case.version,
        )
    assert "转介" in error.value.message_dict["outcome"][0]
    case = case_close(
        actor=world.worker_a,
        case=case,
        closed_on=OPENED,
        outcome="achieved",
        reason="已获救助",
        version=case.version,
    )
    assert (case.status, case.get_outcome_display(), case.closed_by) == (
        CaseStatus.CLOSED,
        "目标达成",
        world.worker_a,
    )
    with pytest.raises(ValidationError, match="已于.*结案"):
        case_note_add(actor=world.worker_a, case=case, written_on=OPENED, text="再记")
    with pytest.raises(ValidationError, match="结案"):
        goal_add(actor=world.worker_a, case=case, text="新目标")


def test_closing_before_the_last_note_is_refused(world, open_case):
    case = open_case("a", opened_on=OPENED - timedelta(days=5))
    case_note_add(actor=world.worker_a, case=case, written_on=OPENED, text="服务")
    with pytest.raises(ValidationError) as error:
        case_close(
            actor=world.worker_a,
            case=case,
            closed_on=OPENED - timedelta(days=1),
            outcome="lost",
            reason="x",
            version=case.version,
        )
    assert "最后一条个案记录" in error.value.message_dict["closed_on"][0]


def test_a_supervisor_reviews_cases_of_assigned_stations_only(world, open_case):
    case_a, case_c = open_case("a"), open_case("c")
    review = review_add(
        actor=world.supervisor, case=case_a, reviewed_on=OPENED, comment="评估需补充家庭支持。"
    )
    assert review.reviewer == world.supervisor
    with pytest.raises(PermissionDenied):
        review_add(actor=world.supervisor, case=case_c, reviewed_on=OPENED, comment="x")
    with pytest.raises(PermissionDenied):
        review_add(actor=world.worker_a, case=case_a, reviewed_on=OPENED, comment="x")


def test_a_closed_case_with_a_referral_can_close_as_referred(world, open_case, agencies):
    case = open_case("a")
    referral_create(
        actor=world.worker_a, case=case, agency=agencies["郁南县民安医院"], purpose="住院", referred_on=OPENED
    )
    case = Case.objects.get(pk=case.pk)
    case = case_close(
        actor=world.worker_a,
        case=case,
        closed_on=OPENED,
        outcome="referred",
        reason="转医院",
        version=case.version,
    )
    assert case.outcome == "referred"
