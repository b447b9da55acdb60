"""The ID-number rules (GB 11643), over the whole space of numbers rather than a few examples."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from shuangbai.core.idnumber import EARLIEST_BIRTH, PROVINCE_CODES, check_char, mask, parse, upgrade_15

TODAY = date(2026, 11, 22)

provinces = st.sampled_from(sorted(PROVINCE_CODES))
regions = st.tuples(provinces, st.integers(0, 9999)).map(lambda t: f"{t[0]}{t[1]:04d}")
births = st.dates(min_value=EARLIEST_BIRTH, max_value=TODAY)
sequences = st.integers(0, 999).map(lambda n: f"{n:03d}")


def build(region: str, birth: date, sequence: str) -> str:
    first17 = f"{region}{birth:%Y%m%d}{sequence}"
    return first17 + check_char(first17)


numbers = st.builds(build, regions, births, sequences)


def rejected(raw: object, **kwargs) -> str:
    with pytest.raises(ValidationError) as error:
        parse(raw, **kwargs)
    return error.value.messages[0]


@given(regions, births, sequences)
def test_a_number_made_by_the_rule_is_valid_and_tells_birth_and_gender(region, birth, sequence):
    number = build(region, birth, sequence)
    facts = parse(number, today=TODAY)
    assert facts.number == number
    assert facts.birth_date == birth
    assert facts.gender == ("M" if int(sequence[-1]) % 2 else "F")
    assert mask(number) == number[:6] + "********" + number[-4:]


@given(numbers, st.integers(0, 17), st.sampled_from(list("0123456789X") + list("AZ-/.*")))
def test_any_single_character_changed_is_rejected(number, position, replacement):
    assume(replacement != number[position])
    changed = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(ValidationError):
        parse(changed, today=TODAY)


@given(numbers)
def test_written_with_spaces_full_width_digits_or_a_lowercase_x_it_is_the_same_number(number):
    full_width = "".join(chr(0xFF10 + int(c)) if c.isdigit() else c for c in number)
    assert parse(f" {number[:6]} {number[6:14]} {number[14:].lower()} ", today=TODAY).number == number
    assert parse(full_width, today=TODAY).number == number


@given(regions, st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)), sequences)
def test_a_15_digit_number_is_upgraded_to_18(region, birth, sequence):
    old = f"{region}{birth:%y%m%d}{sequence}"
    facts = parse(old, today=TODAY)
    assert facts.number == upgrade_15(old) == build(region, birth, sequence)
    assert facts.number[6:8] == "19" and facts.birth_date == birth
    assert parse(float(old), today=TODAY).number == facts.number  # 15 digits survive Excel's numbers


@given(regions, births)
def test_a_check_character_of_ten_is_written_x(region, birth):
    sequence = next(f"{n:03d}" for n in range(1000) if check_char(f"{region}{birth:%Y%m%d}{n:03d}") == "X")
    number = build(region, birth, sequence)
    assert number.endswith("X")
    assert parse(number.lower(), today=TODAY).number == number
    assert rejected(number[:-1] + "0", today=TODAY) == "身份证号校验位不正确，请核对是否有数字录错。"


@given(regions, st.integers(1, 3650), sequences)
def test_a_birth_date_after_today_is_rejected(region, days, sequence):
    birth = TODAY + timedelta(days=days)
    message = rejected(build(region, birth, sequence), today=TODAY)
    assert message == f"身份证号中的出生日期{birth:%Y年%-m月%-d日}不合理。"


@given(st.integers(0, 99).map(lambda n: f"{n:02d}"), births, sequences)
def test_a_number_without_a_province_code_is_rejected(province, birth, sequence):
    assume(province not in PROVINCE_CODES)
    message = rejected(build(f"{province}0101", birth, sequence), today=TODAY)
    assert message == f"身份证号前两位“{province}”不是有效的省级行政区划代码。"


@given(regions, st.integers(1, 12), st.integers(29, 39), sequences)
def test_an_impossible_birth_date_is_rejected(region, month, day, sequence):
    text = f"1999{month:02d}{day:02d}"
    assume(day > 31 or (month, day) in {(2, 29), (2, 30), (2, 31), (4, 31), (6, 31), (9, 31), (11, 31)})
    first17 = f"{region}{text}{sequence}"
    message = rejected(first17 + check_char(first17), today=TODAY)
    assert message == f"身份证号中的出生日期“{text}”不是有效日期。"


@given(st.text(alphabet="0123456789", min_size=0, max_size=25))
def test_a_number_of_the_wrong_length_says_how_long_it_is(digits):
    assume(len(digits) not in (15, 18))
    assert (
        rejected(digits, today=TODAY)
        == f"身份证号应为18位（前17位数字，最后一位数字或X），现为{len(digits)}位。"
    )


def test_a_number_excel_showed_in_scientific_notation_is_named_as_such():
    assert "身份证号被 Excel 存成了数字" in rejected("4.45381E+17")


def test_an_18_digit_number_stored_by_excel_as_a_number_is_named_as_such():
    number = build("445381", date(1950, 1, 2), "123")
    for raw in (float(number[:17] + "0"), "4.45381E+17"):
        with pytest.raises(ValidationError, match="被 Excel 存成了数字"):
            parse(raw, today=TODAY)


def test_a_letter_other_than_x_is_named():
    number = build("445381", date(1950, 1, 2), "123")
    with pytest.raises(ValidationError, match="只能由数字组成"):
        parse(number[:17] + "Y", today=TODAY)
