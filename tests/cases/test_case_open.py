from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from shuangbai.cases.models import Case
from shuangbai.cases.services import case_open, case_open_for_new_person
from shuangbai.core.models import AuditEntry, system_actor
from shuangbai.regions.models import Region
from shuangbai.registry.models import Beneficiary, Category
from shuangbai.registry.services import beneficiary_exit

from .conftest import OPENED


def test_a_worker_opens_a_case_for_a_person_of_their_station(world, open_case):
    case = open_case("a")
    assert (case.station, case.region_code) == (world.station_a, world.beneficiary_a.region_code)
    assert case.worker == world.staff_a  # the actor's own staff record
    assert case.opened_by == world.worker_a and case.is_open
    assert case.risk_level == world.beneficiary_a.risk_level
    assert AuditEntry.objects.filter(
        object_type="cases.case", object_id=str(case.pk), action="create"
    ).exists()


def test_a_person_has_one_open_case_at_a_time(world, open_case):
    open_case("a")
    with pytest.raises(ValidationError, match="已有在案个案"):
        open_case("a", opened_on=OPENED - timedelta(days=3))
    assert Case.objects.filter(beneficiary=world.beneficiary_a).count() == 1


@pytest.mark.parametrize("who", ["worker_b", "supervisor", "county", "viewer"])
def test_only_the_station_s_own_people_open_its_cases(world, agencies, who):
    with pytest.raises(PermissionDenied):
        case_open(
            actor=getattr(world, who),
            beneficiary=world.beneficiary_a,
            opened_on=OPENED,
            source="visit",
            presenting_problem="x",
        )
    assert not Case.objects.exists()


def test_the_head_of_the_station_may_open_one(world, open_case):
    assert open_case("a", actor=world.head_a).worker == world.head_staff


def test_intake_is_checked(world, open_case):
    with pytest.raises(ValidationError) as error:
        open_case("a", presenting_problem="  ")
    assert "求助问题" in error.value.message_dict["presenting_problem"][0]
    with pytest.raises(ValidationError) as error:
        open_case("a", source="rumour")
    assert "source" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        open_case("a", opened_on=timezone.localdate() + timedelta(days=1))
    assert "不能晚于今天" in error.value.message_dict["opened_on"][0]
    with pytest.raises(ValidationError) as error:
        open_case("a", worker=world.staff_b)
    assert "不是" in error.value.message_dict["worker"][0]


def test_an_exited_person_gets_no_case(world, open_case):
    person = world.beneficiary_a
    beneficiary_exit(
        actor=system_actor(),
        beneficiary=person,
        version=person.version,
        reason="moved_out",
        on_date=timezone.localdate(),
    )
    world.beneficiary_a = Beneficiary.objects.get(pk=person.pk)
    with pytest.raises(ValidationError, match="已退出"):
        open_case("a")


def test_a_person_not_yet_registered_is_registered_and_their_case_opened(world, agencies):
    case = case_open_for_new_person(
        actor=world.worker_a,
        station=world.station_a,
        village=Region.objects.get(code="445381002201"),
        person={
            "name": "新对象",
            "no_id_reason": "refused",
            "gender": "F",
            "birth_date": date(1980, 5, 1),
            "categories": [Category.objects.get(code="woman_in_hardship")],
        },
        address="凤塘村8号",
        opened_on=OPENED,
        source="walk_in",
        presenting_problem="来站求助：家庭暴力。",
    )
    person = case.beneficiary
    assert (person.name, person.station, person.registered_on) == ("新对象", world.station_a, OPENED)
    assert person.household.address == "凤塘村8号" and person.registered_by == world.worker_a
    assert case.source == "walk_in"


def test_registering_for_a_case_is_all_or_nothing(world, agencies):
    people = Beneficiary.objects.count()
    with pytest.raises(ValidationError) as error:
        case_open_for_new_person(
            actor=world.worker_a,
            station=world.station_a,
            village=Region.objects.get(code="445381002201"),
            person={
                "name": "新对象",
                "no_id_reason": "refused",
                "gender": "F",
                "birth_date": date(1980, 5, 1),
                "categories": [Category.objects.get(code="dibao")],
            },
            opened_on=OPENED,
            source="walk_in",
            presenting_problem="",  # refused after the registration: the registration is undone
        )
    assert "presenting_problem" in error.value.message_dict
    assert Beneficiary.objects.count() == people


def test_a_village_of_another_town_is_refused(world, agencies):
    with pytest.raises(ValidationError) as error:
        case_open_for_new_person(
            actor=world.worker_a,
            station=world.station_a,
            village=Region.objects.get(code="445381001201"),  # station B's town
            person={"name": "某人", "no_id_reason": "refused", "gender": "M", "birth_date": date(1970, 1, 1)},
            opened_on=OPENED,
            source="visit",
            presenting_problem="x",
        )
    assert "素龙街道" in error.value.message_dict["village"][0] or "village" in error.value.message_dict


def test_two_records_each_with_an_open_case_are_not_merged_but_refused_in_chinese(world, agencies):
    """A merge moves every record of the duplicate onto the kept one; two open cases cannot be one person's."""
    from datetime import date

    from django.core.exceptions import ValidationError

    from shuangbai.cases.services import case_open
    from shuangbai.registry.models import Beneficiary
    from shuangbai.registry.services import beneficiaries_merge
    from tests.registry.helpers import register

    people = [
        register(world.worker_a, "445381002201", "罗婆婆", no_id_reason="refused", gender="F",
                 birth_date=date(1941, 3, 3), categories=("tekun_dispersed",))
        for _ in range(2)
    ]  # fmt: skip
    for person in people:
        case_open(actor=world.worker_a, beneficiary=person, opened_on=date.today(), source="visit",
                  presenting_problem="独居")  # fmt: skip
    keep, merge = (Beneficiary.objects.get(pk=p.pk) for p in people)
    try:
        beneficiaries_merge(actor=world.worker_a, keep=keep, merge=merge)
    except ValidationError as error:
        assert "未结案的个案" in error.messages[0]
    else:
        raise AssertionError("the merge went through")
    assert Beneficiary.objects.get(pk=merge.pk).merged_into_id is None
