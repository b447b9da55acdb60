from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shuangbai.cases.models import Case, Referral
from shuangbai.cases.services import case_close, referral_create, referral_step_add

from .conftest import OPENED


def test_the_guixu_chain_is_one_referral_with_steps_between_agencies(world, open_case, agencies):
    """Seed 000: 佛山市高明区救助站 → 云浮市救助站 → 郁南县救助站 → 民安医院."""
    case = open_case("a")
    referral = referral_create(
        actor=world.worker_a,
        case=case,
        agency=agencies["郁南县民安医院"],
        purpose="送院住院治疗",
        referred_on=OPENED,
        first_agency=agencies["佛山市高明区救助站"],
    )
    for name, status in (("云浮市救助站", "accepted"), ("郁南县救助站", "accepted")):
        referral_step_add(
            actor=world.worker_a, referral=referral, status=status, on_date=OPENED, agency=agencies[name]
        )
    referral_step_add(actor=world.worker_a, referral=referral, status="done", on_date=OPENED)
    steps = [(step.agency.name, step.get_status_display()) for step in referral.steps.order_by("id")]
    assert steps == [
        ("佛山市高明区救助站", "已转出"),
        ("云浮市救助站", "已接收"),
        ("郁南县救助站", "已接收"),
        ("郁南县民安医院", "已办结"),
    ]
    referral.refresh_from_db()
    assert (referral.status, referral.finished_on) == ("done", OPENED)
    with pytest.raises(ValidationError, match="已办结"):
        referral_step_add(actor=world.worker_a, referral=referral, status="accepted", on_date=OPENED)


def test_a_case_can_have_several_referrals_and_a_declined_one_is_finished(world, open_case, agencies):
    case = open_case("a", opened_on=OPENED - timedelta(days=3))
    first = referral_create(
        actor=world.worker_a,
        case=case,
        agency=agencies["罗定市残疾人联合会"],
        purpose="办残疾证",
        referred_on=OPENED - timedelta(days=2),
    )
    referral_step_add(
        actor=world.worker_a, referral=first, status="declined", on_date=OPENED, notes="不符合条件"
    )
    second = referral_create(
        actor=world.worker_a,
        case=case,
        agency=agencies["云浮市妇女联合会"],
        purpose="妇女就业",
        referred_on=OPENED,
    )
    assert case.referrals.count() == 2
    first.refresh_from_db()
    assert (first.status, first.finished_on, second.status, second.finished_on) == (
        "declined",
        OPENED,
        "sent",
        None,
    )


def test_steps_follow_in_date_order_and_agencies_must_be_active(world, open_case, agencies):
    case = open_case("a", opened_on=OPENED - timedelta(days=3))
    referral = referral_create(
        actor=world.worker_a,
        case=case,
        agency=agencies["郁南县民安医院"],
        purpose="住院",
        referred_on=OPENED - timedelta(days=1),
    )
    with pytest.raises(ValidationError) as error:
        referral_step_add(
            actor=world.worker_a, referral=referral, status="accepted", on_date=OPENED - timedelta(days=2)
        )
    assert "上一步" in error.value.message_dict["on_date"][0]
    retired = agencies["郁南县救助站"]
    retired.active = False
    retired.save()
    with pytest.raises(ValidationError, match="已停用"):
        referral_step_add(
            actor=world.worker_a, referral=referral, status="accepted", on_date=OPENED, agency=retired
        )
    with pytest.raises(PermissionDenied):
        referral_step_add(actor=world.worker_b, referral=referral, status="accepted", on_date=OPENED)


def test_a_referral_goes_on_after_its_case_closed_as_referred(world, open_case, agencies):
    case = open_case("a")
    referral = referral_create(
        actor=world.worker_a, case=case, agency=agencies["郁南县民安医院"], purpose="住院", referred_on=OPENED
    )
    case = Case.objects.get(pk=case.pk)
    case_close(
        actor=world.worker_a,
        case=case,
        closed_on=OPENED,
        outcome="referred",
        reason="转医院治疗",
        version=case.version,
    )
    with pytest.raises(ValidationError, match="结案"):
        referral_create(
            actor=world.worker_a, case=case, agency=agencies["云浮市救助站"], purpose="x", referred_on=OPENED
        )
    referral_step_add(
        actor=world.worker_a, referral=Referral.objects.get(pk=referral.pk), status="done", on_date=OPENED
    )
    assert Referral.objects.get(pk=referral.pk).status == "done"
