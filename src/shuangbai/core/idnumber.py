"""Resident ID numbers (居民身份证号码, GB 11643-1999): validation, normalisation, what they tell, masking.

An 18-character number: 6 digits of the issuing region, 8 of the birth date, 3 of sequence (odd for men, even
for women) and a check character (ISO 7064 MOD 11-2; 10 is written X). A 15-digit number of the first
generation (two-digit year, no check character) is upgraded to 18 by the standard's rule.

"Known region prefix": the first two digits must be a province-level code. Finer checks would need every county
code ever issued (codes change; people keep the number of the county they were born in), which we do not have.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError

from shuangbai.core.dates import day_label

WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
CHECK_CHARS = "10X98765432"

# Province-level codes of GB/T 2260, with 71 台湾, 81 香港, 82 澳门 and 83 (台湾居民居住证).
PROVINCE_CODES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    ]
)
EARLIEST_BIRTH = date(1890, 1, 1)


@dataclass(frozen=True)
class IdFacts:
    number: str  # normalised 18 characters
    birth_date: date
    gender: str  # "M" or "F", as staff.Gender


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def normalise(raw: object) -> str:
    """Spaces and full-width characters out, x upper-cased."""
    text = str(raw or "").strip().translate(_FULL_WIDTH).replace(" ", "").upper()
    return text


_FULL_WIDTH = str.maketrans(
    {chr(0xFF10 + i): str(i) for i in range(10)} | {"Ｘ": "X", "ｘ": "X", "\u3000": " "}
)


def upgrade_15(number: str) -> str:
    """A first-generation 15-digit number as its 18-character form: "19" before the year, then the check."""
    first17 = number[:6] + "19" + number[6:]
    return first17 + check_char(first17)


def parse(raw: object, *, today: date | None = None) -> IdFacts:
    """The facts of a valid ID number, or a ValidationError in Chinese saying what is wrong with it."""
    if isinstance(raw, float) and raw.is_integer() and raw < 1e15:
        raw = f"{raw:.0f}"  # a first-generation 15-digit number keeps its digits as an Excel number
    if isinstance(raw, float) or re.fullmatch(r"\d(\.\d+)?E\+\d+", str(raw).strip(), re.IGNORECASE):
        # Excel keeps 15 significant digits of a number: an 18-digit number stored as one has lost its last.
        raise ValidationError(
            "身份证号被 Excel 存成了数字，末几位已丢失，请将该列设为“文本”格式后重新录入。", code="id_number"
        )
    number = normalise(raw)
    if re.fullmatch(r"\d{15}", number):
        number = upgrade_15(number)
    if len(number) != 18:
        raise ValidationError(
            f"身份证号应为18位（前17位数字，最后一位数字或X），现为{len(number)}位。", code="id_number"
        )
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise ValidationError("身份证号只能由数字组成，最后一位可以是X。", code="id_number")
    if number[:2] not in PROVINCE_CODES:
        raise ValidationError(f"身份证号前两位“{number[:2]}”不是有效的省级行政区划代码。", code="id_number")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            f"身份证号中的出生日期“{number[6:14]}”不是有效日期。", code="id_number"
        ) from None
    if not EARLIEST_BIRTH <= birth <= (today or date.today()):
        raise ValidationError(f"身份证号中的出生日期{day_label(birth)}不合理。", code="id_number")
    if check_char(number[:17]) != number[17]:
        raise ValidationError("身份证号校验位不正确，请核对是否有数字录错。", code="id_number")
    return IdFacts(number=number, birth_date=birth, gender="M" if int(number[16]) % 2 else "F")


def mask(number: str) -> str:
    """First 6 and last 4 stay: 445381********1234."""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]
