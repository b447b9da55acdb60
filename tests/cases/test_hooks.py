"""The casework in coverage, on the timeline and in the station figures."""

from datetime import timedelta

from shuangbai.cases.hooks import casework_figures
from shuangbai.cases.models import Case
from shuangbai.cases.services import case_close, case_note_add, referral_create, referral_step_add
from shuangbai.core.scoping import code_range
from shuangbai.registry.timeline import timeline
from shuangbai.visits.coverage import coverage_table, dates_period

from .conftest import OPENED


def _served(world, day):
    table = coverage_table(world.county, world.station_a.town, dates_period(day, day), today=OPENED)
    return table.node.total.served


def test_a_case_counts_as_a_service_for_its_beneficiary(world, open_case, agencies):
    assert _served(world, OPENED) == 0
    case = open_case("a")
    assert _served(world, OPENED) == 1  # the intake
    case_note_add(actor=world.worker_a, case=case, written_on=OPENED, text="服务")
    referral_create(
        actor=world.worker_a, case=case, agency=agencies["云浮市救助站"], purpose="x", referred_on=OPENED
    )
    assert _served(world, OPENED) == 1  # one person, however many services


def test_the_timeline_shows_opening_notes_referral_steps_and_closure(world, open_case, agencies):
    case = open_case("a")
    case_note_add(actor=world.worker_a, case=case, written_on=OPENED, text="入户评估居住情况")
    referral = referral_create(
        actor=world.worker_a,
        case=case,
        agency=agencies["郁南县民安医院"],
        purpose="住院治疗",
        referred_on=OPENED,
    )
    referral_step_add(actor=world.worker_a, referral=referral, status="done", on_date=OPENED)
    case = Case.objects.get(pk=case.pk)
    case_close(
        actor=world.worker_a,
        case=case,
        closed_on=OPENED,
        outcome="achieved",
        reason="已入院",
        version=case.version,
    )
    events = {(event.kind, event.text) for event in timeline(world.beneficiary_a)}
    kinds = {kind for kind, _ in events}
    assert {"开案", "个案记录", "转介", "结案"} <= kinds
    assert ("转介", "郁南县民安医院已办结（住院治疗）") in events
    assert any(kind == "个案记录" and "入户评估居住情况" in text and "社工A" in text for kind, text in events)


def _figures(region_prefix, start, end):
    low, high = code_range(region_prefix)
    return {figure.key: figure.value for figure in casework_figures(low, high, start, end)}


def test_the_station_figures_count_cases_and_referrals(world, open_case, agencies):
    earlier = OPENED - timedelta(days=40)
    old = open_case("a", opened_on=earlier)
    case_close(
        actor=world.worker_a,
        case=old,
        closed_on=earlier + timedelta(days=5),
        outcome="achieved",
        reason="x",
        version=old.version,
    )
    current = open_case("a")
    open_case("b")  # same county, another town
    open_case("c")  # another county
    first = referral_create(
        actor=world.worker_a, case=current, agency=agencies["云浮市救助站"], purpose="x", referred_on=OPENED
    )
    referral_step_add(actor=world.worker_a, referral=first, status="done", on_date=OPENED)
    referral_create(
        actor=world.worker_a, case=current, agency=agencies["郁南县救助站"], purpose="y", referred_on=OPENED
    )

    town = _figures(world.station_a.region_code[:9], OPENED - timedelta(days=7), OPENED)
    assert town == {
        "cases.opened": 1,
        "cases.closed": 0,
        "cases.open": 1,
        "referrals.sent": 2,
        "referrals.done": 1,
    }
    assert _figures(world.station_a.region_code[:9], earlier, earlier + timedelta(days=10)) == {
        "cases.opened": 1,
        "cases.closed": 1,
        "cases.open": 0,
        "referrals.sent": 0,
        "referrals.done": 0,
    }
    county = _figures(world.station_a.region_code[:6], OPENED, OPENED)
    assert (county["cases.opened"], county["cases.open"]) == (2, 2)
    city = _figures(world.station_a.region_code[:4], earlier, OPENED)
    assert (city["cases.opened"], city["cases.closed"], city["cases.open"]) == (4, 1, 3)
