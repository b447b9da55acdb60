"""Exports of personal data to .xlsx: who exported, when and what is on the first line, ID numbers and phones
masked, health notes never; every export audited.

The list page's selector gives the queryset; this module only narrows what it loads (the encrypted columns
are not even fetched) and reads the categories per chunk, so 100,000 rows cost a few hundred queries at most
and memory stays flat (openpyxl write-only).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl.cell import WriteOnlyCell

from shuangbai.core.dates import age_on
from shuangbai.core.masking import mask_phone
from shuangbai.core.models import User
from shuangbai.core.permissions import require
from shuangbai.core.spreadsheets import export_sheet, finish_export, safe_cell

from .models import (
    DISABILITY_GRADES,
    FOLLOW_UP_LEVELS,
    Beneficiary,
    BeneficiaryCategory,
    Category,
    DisabilityType,
    LivingSituation,
    NoIdReason,
    RiskLevel,
    Status,
)

CHUNK = 2000
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
HEADERS = [
    ("姓名", 10),
    ("身份证号", 22),
    ("性别", 6),
    ("出生日期", 14),
    ("年龄", 6),
    ("联系电话", 14),
    ("镇（街）", 12),
    ("村（居）", 12),
    ("住址", 24),
    ("社工站", 18),
    ("社工点", 14),
    ("类别", 24),
    ("残疾情况", 14),
    ("居住状况", 12),
    ("风险等级", 8),
    ("跟进级别", 8),
    ("状态", 6),
    ("建档日期", 14),
]
# Only what the sheet shows is loaded: never id_number or health_notes (nothing to decrypt, nothing to leak).
FIELDS = (
    "id",
    "name",
    "id_masked",
    "no_id_reason",
    "gender",
    "birth_date",
    "phone",
    "disability_type",
    "disability_grade",
    "living_situation",
    "risk_level",
    "follow_up_level",
    "status",
    "registered_on",
    "household__address",
    "household__phone",
    "household__village__name",
    "household__village__parent__name",
    "station__name",
    "point__name",
)
GENDERS = {"M": "男", "F": "女"}
NO_ID = dict(NoIdReason.choices)
DISABILITY = dict(DisabilityType.choices)
GRADES = dict(DISABILITY_GRADES)
LIVING = dict(LivingSituation.choices)
RISK = dict(RiskLevel.choices)
LEVELS = dict(FOLLOW_UP_LEVELS)
STATUS = dict(Status.choices)


def export_beneficiaries(*, actor: User, people: QuerySet[Beneficiary], description: str) -> bytes:
    """The people of `people` (already scoped to `actor` by the selector) as an .xlsx; audited as EXPORT."""
    content, _ = export_beneficiaries_counted(actor=actor, people=people, description=description)
    return content


def export_beneficiaries_counted(
    *, actor: User, people: QuerySet[Beneficiary], description: str
) -> tuple[bytes, int]:
    """As export_beneficiaries, also giving the number of people written (for the command line's summary)."""
    require(actor, "beneficiary.view")
    today = timezone.localdate()
    workbook, sheet = export_sheet(actor=actor, title="服务对象", headers=HEADERS, description=description)

    category_names = dict(Category.objects.values_list("id", "name"))
    category_order = {pk: index for index, pk in enumerate(Category.objects.values_list("id", flat=True))}
    rows = people.select_related(None).prefetch_related(None).values_list(*FIELDS)
    count = 0
    chunk: list[tuple] = []
    for row in rows.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            count += _write_chunk(sheet, chunk, category_names, category_order, today)
            chunk = []
    if chunk:
        count += _write_chunk(sheet, chunk, category_names, category_order, today)

    content = finish_export(workbook, actor=actor, description=description, count=count, what="服务对象名单")
    return content, count


def _write_chunk(sheet, chunk, category_names, category_order, today) -> int:
    held: dict[int, list[int]] = {}
    links = BeneficiaryCategory.objects.unscoped("the categories of people exported, found in scope")
    for beneficiary_id, category_id in links.filter(beneficiary_id__in=[row[0] for row in chunk]).values_list(
        "beneficiary_id", "category_id"
    ):
        held.setdefault(beneficiary_id, []).append(category_id)
    for (
        pk,
        name,
        id_masked,
        no_id_reason,
        gender,
        birth_date,
        phone,
        disability_type,
        disability_grade,
        living_situation,
        risk_level,
        follow_up_level,
        status,
        registered_on,
        address,
        household_phone,
        village,
        town,
        station,
        point,
    ) in chunk:
        born = WriteOnlyCell(sheet, value=birth_date)
        born.number_format = DATE_FORMAT
        registered = WriteOnlyCell(sheet, value=registered_on)
        registered.number_format = DATE_FORMAT
        age = age_on(birth_date, today)
        disability = ""
        if disability_type:
            disability = DISABILITY.get(disability_type, disability_type) + GRADES.get(disability_grade, "")
        categories = sorted(held.get(pk, ()), key=lambda c: category_order.get(c, 0))
        sheet.append(
            [
                safe_cell(name),
                id_masked or f"无（{NO_ID.get(no_id_reason, '未填写原因')}）",
                GENDERS.get(gender, ""),
                born,
                age,
                mask_phone(phone or household_phone or ""),
                safe_cell(town or ""),
                safe_cell(village or ""),
                safe_cell(address or ""),
                safe_cell(station or ""),
                safe_cell(point or ""),
                "、".join(category_names[c] for c in categories),
                disability,
                LIVING.get(living_situation, ""),
                RISK.get(risk_level, ""),
                LEVELS.get(follow_up_level, ""),
                STATUS.get(status, ""),
                registered,
            ]
        )
    return len(chunk)
