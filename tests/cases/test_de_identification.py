"""An exemplary case's publishable text never holds the person's name, ID number, phone or exact address: tested
with the fixture's real record (beneficiary A: 对象A, their ID number and the household's 凤塘村 address)."""

import pytest
from django.core.exceptions import ValidationError

from shuangbai.cases.models import Case
from shuangbai.cases.services import (
    case_note_add,
    case_set_exemplary,
    check_de_identified,
    goal_add,
    suggest_write_up,
)
from shuangbai.registry.services import beneficiary_update, household_update

from .conftest import OPENED

PHONE = "13912345678"
HOUSEHOLD_PHONE = "0766-3812345"


@pytest.fixture
def case(world, open_case):
    person = world.beneficiary_a
    beneficiary_update(actor=world.worker_a, beneficiary=person, version=person.version, phone=PHONE)
    household = person.household
    household_update(
        actor=world.worker_a,
        household=household,
        version=household.version,
        phone=HOUSEHOLD_PHONE,
        address="凤塘村新街12号",
    )
    return open_case("a", presenting_problem="对象A独居于凤塘村新街12号，电话13912345678，冬季取暖困难。")


def _refused(case, text, *, field="text"):
    with pytest.raises(ValidationError) as error:
        check_de_identified(
            case, nickname="小对", title="温暖过冬", text=text
        ) if field == "text" else check_de_identified(case, nickname=text, title="温暖过冬", text="正文")
    return error.value.message_dict[field][0]


def test_the_name_is_refused(case):
    message = _refused(case, "社工帮助对象A申请了临时救助。")
    assert "案例正文" in message and "姓名“对象A”" in message
    assert "姓名" in _refused(case, "对象A", field="nickname")


def test_the_id_number_is_refused_in_full_or_spaced_or_any_id_shaped_number(case):
    number = Case.objects.get(pk=case.pk).beneficiary.id_number
    assert len(number) == 18
    assert "服务对象的身份证号" in _refused(case, f"身份证{number}。")
    spaced = f"{number[:6]} {number[6:14]} {number[14:]}"
    assert "服务对象的身份证号" in _refused(case, f"证件号：{spaced}")
    assert "15位或18位" in _refused(case, "另一个号码 110101199003074514 也不行")
    assert "15位或18位" in _refused(case, "旧证 445381480203001 也不行")


def test_the_phone_numbers_of_the_person_and_household_are_refused(case):
    assert "电话号码" in _refused(case, "联系电话139-1234-5678")
    assert "电话号码" in _refused(case, "家里电话 0766 3812345")
    assert "手机号码" in _refused(case, "志愿者电话13800138000")


def test_the_exact_address_is_refused_but_the_village_is_not(case):
    assert "详细住址“凤塘村新街12号”" in _refused(case, "她住在凤塘村新街12号。")
    check_de_identified(case, nickname="小对", title="温暖过冬", text="她住在凤塘村，冬天很冷。")


def test_saving_an_identifying_write_up_is_refused_and_nothing_is_marked(world, case):
    with pytest.raises(ValidationError) as error:
        case_set_exemplary(
            actor=world.worker_a,
            case=case,
            nickname="小对",
            title="对象A的故事",
            text="温暖过冬。",
            version=case.version,
        )
    assert "案例标题中含有服务对象的姓名“对象A”" in error.value.message_dict["title"][0]
    assert not Case.objects.get(pk=case.pk).exemplary


def test_the_suggested_write_up_passes_the_check_and_holds_none_of_the_record(world, case):
    case_note_add(
        actor=world.worker_a, case=case, written_on=OPENED, text="对象A的女儿来电（13912345678），商量取暖。"
    )
    goal_add(actor=world.worker_a, case=case, text="帮助对象A安全过冬")
    case = Case.objects.get(pk=case.pk)
    draft = suggest_write_up(case, nickname="小Z")
    text = draft["title"] + draft["text"]
    person = case.beneficiary
    for value in (person.name, person.id_number, PHONE, "新街12号"):
        assert value not in text
    assert "小Z" in draft["text"] and "取暖" in draft["text"]
    marked = case_set_exemplary(actor=world.worker_a, case=case, version=case.version, **draft)
    assert marked.exemplary and marked.nickname == "小Z"


def test_the_default_nickname_is_xiao_and_the_surname(world, case):
    assert suggest_write_up(case)["nickname"] == "小对"


def test_a_record_registered_under_an_alias_may_be_called_by_it(world, case):
    """The demo registers the bulletins' 小Q and 小陈 under those aliases: the alias identifies nobody."""
    person = case.beneficiary
    beneficiary_update(actor=world.worker_a, beneficiary=person, version=person.version, name="小Q")
    case = Case.objects.get(pk=case.pk)
    check_de_identified(case, nickname="小Q", title="助力小Q平安入院", text="小Q在外地发病。")
    assert "服务对象的身份证号" in _refused(case, person.id_number)


@pytest.mark.parametrize(
    "text",
    [
        "小Q的电话是１３９１２３４５６７８。",  # full-width digits
        "小Q住在新街12号。",  # the house without the village
    ],
)
def test_full_width_numbers_and_the_bare_house_number_are_refused(case, text):
    _refused(case, text)


def test_an_id_number_written_in_full_width_characters_is_refused(case, world):
    number = world.beneficiary_a.id_number
    written = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    _refused(case, f"小Q的身份证是{written}。")
