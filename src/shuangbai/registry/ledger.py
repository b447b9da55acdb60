"""The beneficiary ledger (台账) in Excel: the import template, reading an uploaded .xlsx or .csv, checking every
row, and importing all of it or nothing.

Reading: the data sheet is the first visible sheet with a header row among its first rows; the header is found
by its titles (a title line above it, a trailing * or spaces, any column order and unknown extra columns are
all fine). Every row is checked and every problem collected; only a file without a single problem is written,
in one transaction, with bulk inserts (a 100,000-row file must not cost 100,000 round trips). A file with
problems comes back as the same rows with a last column "错误", kept encrypted until the importer fetches it.

Households: rows sharing a 户号 form one household whose 户主 row gives the address and phone; a row without a
户号 is a household of its own. With `update`, a person whose ID number is already registered (in the
importer's scope) has their own fields and categories updated from the non-empty cells; their household,
village and relation stay as they are (moving a person is a transfer, done in the system), and new rows with
their 户号 join their household.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import secrets
import sqlite3
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from shuangbai.core.audit import audit_record, current_ip, field_changes
from shuangbai.core.crypto import decrypt_bytes, encrypt_bytes
from shuangbai.core.dates import day_label
from shuangbai.core.models import AuditAction, AuditEntry, User
from shuangbai.core.permissions import require
from shuangbai.core.scoping import code_range, scope_of, unscoped
from shuangbai.core.spreadsheets import clean_text, text_cell
from shuangbai.core.validators import PHONE_ERROR, normalise_phone
from shuangbai.regions.models import Level, Region
from shuangbai.stations.models import Point, Station

from . import selectors
from .models import (
    DISABILITY_GRADES,
    FOLLOW_UP_LEVELS,
    Beneficiary,
    BeneficiaryCategory,
    Category,
    DisabilityType,
    Household,
    ImportRun,
    ImportStatus,
    LivingSituation,
    NoIdReason,
    Relation,
    RiskLevel,
    Status,
    Umbrella,
)
from .services import identity, redact_changes, registered_elsewhere_message

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 40 * 1024 * 1024
HEADER_SCAN_ROWS = 20  # the header must be among the first rows of the sheet
MAX_ERRORS_KEPT = 200  # rows listed in ImportRun.errors; the error file has them all
ID_CHUNK = 500  # ID hashes per look-up query
BATCH = 2000  # rows per bulk insert (the database backend may split further)
TEMPLATE_ROWS = 100_000  # rows the template's dropdowns cover

# (header, key) in template order. Required columns are marked with * in the template.
COLUMNS = [
    ("姓名", "name"),
    ("身份证号", "id_number"),
    ("无身份证号原因", "no_id_reason"),
    ("性别", "gender"),
    ("出生日期", "birth_date"),
    ("联系电话", "phone"),
    ("镇（街）", "town"),
    ("村（居）", "village"),
    ("住址", "address"),
    ("户号", "household"),
    ("与户主关系", "relation"),
    ("类别1", "category1"),
    ("类别2", "category2"),
    ("类别3", "category3"),
    ("残疾类别", "disability_type"),
    ("残疾等级", "disability_grade"),
    ("居住状况", "living_situation"),
    ("监护人/紧急联系人", "guardian_name"),
    ("联系人关系", "guardian_relation"),
    ("联系人电话", "guardian_phone"),
    ("风险等级", "risk_level"),
    ("跟进级别", "follow_up_level"),
    ("健康状况", "health_notes"),
    ("备注", "notes"),
]
REQUIRED_KEYS = ("name", "town", "village", "category1")
# Columns without which no row can be read (镇（街） may be left out when 村（居） holds 12-digit codes).
REQUIRED_COLUMNS = ("name", "village", "category1")
LABELS = {key: header for header, key in COLUMNS}
CATEGORY_KEYS = ("category1", "category2", "category3")
TEXT_KEYS = ("id_number", "phone", "household", "guardian_phone")  # formatted as text in the template
ERROR_HEADER = "错误"

HEADER_ALIASES = {
    "身份证号码": "id_number",
    "公民身份号码": "id_number",
    "身份证": "id_number",
    "无身份证原因": "no_id_reason",
    "出生年月日": "birth_date",
    "电话": "phone",
    "手机": "phone",
    "手机号": "phone",
    "手机号码": "phone",
    "联系方式": "phone",
    "镇街": "town",
    "镇（街道）": "town",
    "乡镇（街道）": "town",
    "乡镇": "town",
    "村居": "village",
    "村（社区）": "village",
    "村（居）委会": "village",
    "地址": "address",
    "家庭住址": "address",
    "户主关系": "relation",
    "类别": "category1",
    "对象类别": "category1",
    "监护人": "guardian_name",
    "紧急联系人": "guardian_name",
    "与本人关系": "guardian_relation",
    "跟进等级": "follow_up_level",
    "健康情况": "health_notes",
}
EXCEL_ERRORS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
)

FORMULA_MESSAGE = "单元格{cell}为公式且没有计算结果，请在 Excel 中打开并保存后再导入"
BAD_FILL = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
BAD_FONT = Font(color="9C0006")
BOLD = Font(bold=True)


class LedgerError(Exception):
    """A problem with the whole file (nothing was imported); str(error) is a Chinese message for the user."""


# ------------------------------------------------------------------------------------------ values accepted


def _choice_map(choices, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Label or stored value (and any extra spelling) -> the stored value, as a plain str or int."""
    mapping: dict[str, Any] = {}
    for value, label in choices:
        mapping[str(value).lower()] = value
        mapping[str(label)] = value
    return mapping | {text: getattr(value, "value", value) for text, value in (extra or {}).items()}


GRADE_WORDS = {1: "一", 2: "二", 3: "三", 4: "四"}
GENDERS = {"男": "M", "女": "F", "男性": "M", "女性": "F", "m": "M", "f": "F"}
RELATIONS = _choice_map(
    Relation.choices,
    {
        "本人": Relation.HEAD,
        **dict.fromkeys(["妻", "妻子", "夫", "丈夫"], Relation.SPOUSE),
        **dict.fromkeys(
            ["子", "女", "儿子", "女儿", "长子", "次子", "长女", "次女", "养子", "养女"], Relation.CHILD
        ),
        **dict.fromkeys(["父", "母", "父亲", "母亲"], Relation.PARENT),
        **dict.fromkeys(["孙子", "孙女", "外孙", "外孙子", "外孙女"], Relation.GRANDCHILD),
        **dict.fromkeys(
            ["祖父", "祖母", "外祖父", "外祖母", "爷爷", "奶奶", "外公", "外婆"], Relation.GRANDPARENT
        ),
        **dict.fromkeys(
            ["兄", "弟", "姐", "妹", "哥哥", "弟弟", "姐姐", "妹妹", "兄弟", "姐妹"], Relation.SIBLING
        ),
    },
)
NO_ID_REASONS = _choice_map(NoIdReason.choices)
DISABILITY_TYPES = _choice_map(
    DisabilityType.choices, {label.removesuffix("残疾"): value for value, label in DisabilityType.choices}
)
LIVING_SITUATIONS = _choice_map(
    LivingSituation.choices,
    {
        "集中供养": LivingSituation.INSTITUTION,
        "机构": LivingSituation.INSTITUTION,
        "机构供养": LivingSituation.INSTITUTION,
    },
)
RISK_LEVELS = _choice_map(RiskLevel.choices, {f"{label}风险": value for value, label in RiskLevel.choices})
LEVELS = {
    **{label: value for value, label in FOLLOW_UP_LEVELS},
    **{str(n): n for n in range(1, 5)},
    **{f"{n}级": n for n in range(1, 5)},
    **{word: n for n, word in GRADE_WORDS.items()},
}

# The labels the template's dropdowns offer, and error messages list.
OFFERED = {
    "gender": ["男", "女"],
    "relation": [label for _, label in Relation.choices],
    "no_id_reason": [label for _, label in NoIdReason.choices],
    "disability_type": [label for _, label in DisabilityType.choices],
    "disability_grade": [label for _, label in DISABILITY_GRADES],
    "living_situation": [label for _, label in LivingSituation.choices],
    "risk_level": [label for _, label in RiskLevel.choices],
    "follow_up_level": [label for _, label in FOLLOW_UP_LEVELS],
}
ENUMS = {
    "gender": GENDERS,
    "relation": RELATIONS,
    "no_id_reason": NO_ID_REASONS,
    "disability_type": DISABILITY_TYPES,
    "disability_grade": LEVELS,
    "living_situation": LIVING_SITUATIONS,
    "risk_level": RISK_LEVELS,
    "follow_up_level": LEVELS,
}
MAX_LENGTHS = {"name": 50, "address": 200, "guardian_name": 50, "guardian_relation": 20}

DATE_TEXT = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
EARLIEST = date(1890, 1, 1)


class _CellError(Exception):
    """One cell's problem; the message says what, the caller adds the column."""


def _text(value: Any) -> str:
    """A cell as text: numbers Excel stored for text (phones, 户号) without their ".0", dates as 1950-01-02."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _date(value: Any) -> date:
    """A date as Excel or a person may have written it: a date cell, a serial number, or text."""
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 18900101 <= value <= 29991231:
            return _date(str(int(value)))
        if float(value).is_integer() and 1000 <= value <= 2999:
            raise _CellError(f"“{int(value)}”只有年份，请填写完整的日期，如 {int(value)}-01-02")
        if not 1 <= value < 2958466:
            raise _CellError(f"“{_text(value)}”不是日期")
        day = from_excel(value).date()
    else:
        text = _text(value)
        match = DATE_TEXT.fullmatch(text)
        if match:
            parts = match.groups()
        elif re.fullmatch(r"\d{8}", text):
            parts = (text[:4], text[4:6], text[6:])
        else:
            raise _CellError(f"“{text}”不是日期，请写成 1950-01-02、1950/1/2 或 1950年1月2日")
        try:
            day = date(int(parts[0]), int(parts[1]), int(parts[2]))
        except ValueError:
            raise _CellError(f"“{text}”不是有效日期") from None
    if day < EARLIEST:
        raise _CellError(f"{day_label(day)}早于{EARLIEST.year}年，请核对")
    if day > timezone.localdate():
        raise _CellError(f"{day_label(day)}晚于今天")
    return day


def _phone(value: Any) -> str:
    text = normalise_phone(_text(value))
    if text:
        return text
    raise _CellError(f"“{_text(value)}”不是有效的电话号码：{PHONE_ERROR}")


def _enum(key: str, value: Any) -> Any:
    text = _text(value)
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]
    found = ENUMS[key].get(text.lower() if text.isascii() else text.replace(" ", ""))
    if found is None:
        raise _CellError(f"“{text}”不是可选值（可选：{'、'.join(OFFERED[key])}）")
    return found


# ------------------------------------------------------------------------------------------ reading files


def _header_key(cell: Any) -> str | None:
    text = re.sub(r"[\s*＊]", "", _text(cell)).replace("(", "（").replace(")", "）")
    if not text:
        return None
    for header, key in COLUMNS:
        if text == header:
            return key
    return HEADER_ALIASES.get(text)


def _find_header(rows: Iterator[tuple[int, tuple]]) -> tuple[int, tuple] | None:
    """The first row whose titles name at least three known columns, the name among them."""
    for line, values in rows:
        if line > HEADER_SCAN_ROWS:
            return None
        keys = {_header_key(value) for value in values}
        if "name" in keys and len(keys - {None}) >= 3:
            return line, values
    return None


def _column_map(header: tuple) -> tuple[dict[str, int], set[int]]:
    """{key: column index} and the indexes of an old error column (dropped when the file is written back)."""
    columns: dict[str, int] = {}
    dropped: set[int] = set()
    for index, cell in enumerate(header):
        if re.sub(r"\s", "", _text(cell)) == ERROR_HEADER:
            dropped.add(index)
            continue
        key = _header_key(cell)
        if key is None:
            continue
        if key in columns and key in CATEGORY_KEYS:
            key = next((k for k in CATEGORY_KEYS if k not in columns), None)
            if key is None:
                raise LedgerError("表头中“类别”列超过3列，最多填写类别1至类别3。")
        elif key in columns:
            raise LedgerError(
                f"表头中“{LABELS[key]}”列出现了两次（第{columns[key] + 1}列和第{index + 1}列），请只保留一列。"
            )
        columns[key] = index
    missing = [LABELS[key] for key in REQUIRED_COLUMNS if key not in columns]
    if missing:
        raise LedgerError(
            f"表头缺少必填列：{'、'.join(missing)}。请使用导入模板，或在表头中加上这些列后再导入。"
        )
    return columns, dropped


@dataclass
class _Source:
    """An uploaded file that can be read more than once (once to import, once more to write the error file).
    A workbook is opened once: opening one reads its whole shared-strings table."""

    kind: str  # "xlsx" or "csv"
    workbook: Any = None
    text: str = ""
    delimiter: str = ","
    sheet: int = 0  # index among the workbook's sheets
    sheet_title: str = ""
    header_line: int = 0
    header: tuple = ()
    # (row, column) of the formula cells that have no cached value
    formula_cells: frozenset[tuple[int, int]] = frozenset()

    def rows(self) -> Iterator[tuple[int, tuple]]:
        """(row number, values), every row from the first; rows Excel left out come as empty tuples."""
        if self.kind == "csv":
            reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter)
            yield from enumerate((tuple(row) for row in reader), start=1)
            return
        sheet = self.workbook.worksheets[self.sheet]
        sheet.reset_dimensions()  # some writers record a wrong size; read what is there
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)

    def close(self) -> None:
        if self.workbook is not None:
            self.workbook.close()


def _open(data: bytes) -> _Source:
    if not data:
        raise LedgerError("文件为空。")
    if len(data) > MAX_UPLOAD_BYTES:
        raise LedgerError(
            f"文件过大（{len(data) / 1024 / 1024:.1f} MB），上限为 {MAX_UPLOAD_BYTES // 1024 // 1024} MB。"
            "请拆分成几个文件分别导入。"
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise LedgerError(
            "这是旧版 Excel（.xls）或加密的文件，请在 Excel 中“另存为” .xlsx 格式（不设密码）后再导入。"
        )
    if data.startswith(b"PK\x03\x04"):
        return _open_xlsx(data)
    return _open_csv(data)


def _open_xlsx(data: bytes) -> _Source:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise LedgerError(
            "无法读取该文件：它不是有效的 .xlsx 文件（可能已损坏）。请在 Excel 中打开并另存为 .xlsx 后再导入。"
        ) from None
    try:
        for index, sheet in enumerate(workbook.worksheets):
            if sheet.sheet_state != "visible" or not hasattr(sheet, "reset_dimensions"):
                continue
            sheet.reset_dimensions()
            found = _find_header(enumerate(sheet.iter_rows(max_row=HEADER_SCAN_ROWS, values_only=True), 1))
            if found:
                source = _Source("xlsx", workbook, sheet=index, sheet_title=sheet.title)
                source.header_line, source.header = found
                source.formula_cells = _formulas_without_values(workbook, sheet)
                return source
    except Exception:
        workbook.close()
        raise LedgerError("无法读取该 .xlsx 文件，请在 Excel 中打开并另存为 .xlsx 后再导入。") from None
    workbook.close()
    raise LedgerError(
        f"在各工作表的前{HEADER_SCAN_ROWS}行中找不到表头（应有“姓名”“村（居）”“类别1”等列）。请使用导入模板。"
    )


FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
CELL_REF = re.compile(rb'\br="\$?([A-Z]{1,3})\$?(\d+)"')
VALUE_TAG = re.compile(rb"<(?:\w+:)?v[\s>/]")


def _formulas_without_values(workbook, sheet) -> frozenset[tuple[int, int]]:
    """Formula cells with no cached result (a file written by a program and never opened in Excel).

    Read-only openpyxl gives such a cell as empty, so the sheet's XML is scanned for them, and only when it
    holds a formula at all (a quick byte search first). A scan of the text, not an XML parser: nothing in an
    uploaded file gets expanded or resolved."""
    archive: zipfile.ZipFile = workbook._archive
    path = getattr(sheet, "_worksheet_path", None)
    if not path:
        return frozenset()
    with archive.open(path) as stream:
        tail = b""
        while chunk := stream.read(1 << 20):
            if FORMULA_TAG.search(tail + chunk):
                break
            tail = chunk[-16:]
        else:
            return frozenset()
    found = set()
    with archive.open(path) as stream:
        buffer = b""
        while True:
            chunk = stream.read(1 << 20)
            buffer += chunk
            end = 0
            for match in CELL.finditer(buffer):
                end = match.end()
                body = match.group(2) or b""
                if FORMULA_TAG.search(body) and not VALUE_TAG.search(body):
                    reference = CELL_REF.search(match.group(1))
                    if reference:
                        found.add(
                            (int(reference.group(2)), column_index_from_string(reference.group(1).decode()))
                        )
            buffer = buffer[end:]
            if not chunk:
                return frozenset(found)


def _open_csv(data: bytes) -> _Source:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")  # GBK and beyond: 𣸣 and other characters outside the BMP
            except UnicodeDecodeError:
                raise LedgerError(
                    "无法识别该文件：它既不是 .xlsx，也不是 UTF-8 或 GBK 编码的 .csv 文件。"
                ) from None
    if "\x00" in text or re.search(r"[\x01-\x08\x0e-\x1f]", text[:65536]):
        raise LedgerError("无法识别该文件：它既不是 .xlsx，也不是 .csv 文本文件。")
    for delimiter in (",", "\t", ";"):
        source = _Source("csv", text=text, delimiter=delimiter)
        try:
            found = _find_header(source.rows())
        except csv.Error:
            found = None
        if found:
            source.header_line, source.header = found
            return source
    raise LedgerError(
        f"在文件的前{HEADER_SCAN_ROWS}行中找不到表头（应有“姓名”“村（居）”“类别1”等列，以逗号分隔）。"
        "请使用导入模板，或从模板另存为 CSV。"
    )


# ------------------------------------------------------------------------------------------ checking rows


@dataclass(frozen=True, slots=True)
class _Village:
    id: int
    code: str
    name: str
    town: str
    station_id: int | None
    station_name: str
    point_id: int | None


@dataclass(slots=True)
class _Existing:
    """The registered record a row's ID number found (with update, in scope)."""

    pk: int
    region_code: str
    household_id: int


@dataclass(slots=True)
class _Row:
    line: int
    errors: list[str] = field(default_factory=list)
    given: dict[str, Any] = field(default_factory=dict)  # the person's own fields with a non-empty cell
    number: str = ""
    id_hash: str | None = None
    masked: str = ""
    tail: str = ""
    gender: str = ""
    birth_date: date | None = None
    no_id_reason: str = ""
    village: _Village | None = None
    address: str = ""
    household: str = ""
    relation: str = ""
    categories: list[Category] = field(default_factory=list)
    existing: _Existing | None = None

    def add(self, key: str, message: str) -> None:
        self.errors.append(f"{LABELS.get(key, key)}：{message}")

    def has(self, key: str) -> bool:
        """Whether the column already has a problem (an unusable cell is not also reported as empty)."""
        prefix = f"{LABELS[key]}："
        return any(error.startswith(prefix) for error in self.errors)


# What a new person gets for a column left empty.
DEFAULTS = {
    "phone": "",
    "disability_type": "",
    "disability_grade": None,
    "living_situation": LivingSituation.WITH_FAMILY.value,
    "guardian_name": "",
    "guardian_relation": "",
    "guardian_phone": "",
    "health_notes": "",
    "risk_level": RiskLevel.LOW.value,
    "follow_up_level": 3,
    "notes": "",
}
IDENTITY_FIELDS = {
    "id_number": "id_number",
    "gender": "gender",
    "birth_date": "birth_date",
    "no_id_reason": "no_id_reason",
}


class _Places:
    """Villages under the import's region with their station and point (as services.placement finds them),
    and the category catalogue: loaded once, so checking a row costs no query."""

    def __init__(self, actor: User, into: Region):
        scope = scope_of(actor)
        self.by_code: dict[str, _Village] = {}
        self.by_name: dict[tuple[str, str], _Village | None] = {}  # None: two villages share the names
        self.towns: set[str] = set()
        stations: dict[str, tuple[int, str]] = {}
        low, high = code_range(into.prefix)
        for pk, code, name in (
            Station.objects.active()
            .filter(region_code__gte=low, region_code__lte=high)
            .order_by("region_code", "id")
            .values_list("id", "region_code", "name")
        ):
            if scope.everything or (
                pk in scope.station_ids if scope.station_ids is not None else scope.covers_code(code)
            ):
                stations.setdefault(code, (pk, name))
        points: dict[tuple[int, int], int] = {}
        station_ids = [pk for pk, _ in stations.values()]
        for pk, station_id, village_id in (
            Point.objects.active()
            .filter(station_id__in=station_ids, village__isnull=False)
            .order_by("id")
            .values_list("id", "station_id", "village_id")
        ):
            points.setdefault((station_id, village_id), pk)
        villages = (
            Region.objects.subtree(into)
            .filter(level=Level.VILLAGE)
            .values_list("id", "code", "name", "parent__name", "parent__code")
        )
        for pk, code, name, town, town_code in villages:
            station = stations.get(code[:9] + "000")
            village = _Village(
                id=pk,
                code=code,
                name=name,
                town=town or "",
                station_id=station[0] if station else None,
                station_name=station[1] if station else "",
                point_id=points.get((station[0], pk)) if station else None,
            )
            self.by_code[code] = village
            for town_key in (town or "", town_code or ""):
                key = (town_key, name)
                self.by_name[key] = None if key in self.by_name else village
            self.towns.update((town or "", town_code or ""))
        self.towns.discard("")
        self.categories: dict[str, Category] = {}
        for category in Category.objects.all():
            self.categories[category.name] = category
            self.categories[category.code.lower()] = category


class _Checker:
    def __init__(self, *, actor: User, into: Region, update: bool, columns: dict[str, int], source: _Source):
        self.actor = actor
        self.into = into
        self.update = update
        self.columns = columns
        self.places = _Places(actor, into)
        self.formula_cells = source.formula_cells
        self.rows: list[_Row] = []

    # ---- one row

    def read(self, line: int, values: tuple) -> None:
        cells: dict[str, Any] = {}
        row = _Row(line)
        width = len(values)
        for key, index in self.columns.items():
            value = values[index] if index < width else None
            if value is None:
                if (line, index + 1) in self.formula_cells:
                    row.add(key, FORMULA_MESSAGE.format(cell=f"{get_column_letter(index + 1)}{line}"))
                continue
            if isinstance(value, str):
                value = value.strip()
                if not value:
                    continue
                if value in EXCEL_ERRORS:
                    row.add(
                        key,
                        f"单元格{get_column_letter(index + 1)}{line}的值为错误值 {value}，请改正公式或填写数值",
                    )
                    continue
            cells[key] = value
        if not cells and not row.errors:
            return  # an empty row, or one of spaces only
        self._check(row, cells)
        self.rows.append(row)

    def _check(self, row: _Row, cells: dict[str, Any]) -> None:
        given = row.given
        name = clean_text(_text(cells.get("name")))
        if not name and not row.has("name"):
            row.add("name", "必填")
        given["name"] = name

        for key in OFFERED:
            if key in cells:
                try:
                    value = _enum(key, cells[key])
                except _CellError as error:
                    row.add(key, str(error))
                    continue
                if key == "gender":
                    row.gender = value
                elif key == "no_id_reason":
                    row.no_id_reason = value
                elif key == "relation":
                    row.relation = value
                else:
                    given[key] = value
        birth = None
        if "birth_date" in cells:
            try:
                birth = _date(cells["birth_date"])
            except _CellError as error:
                row.add("birth_date", str(error))
        self._identity(row, cells.get("id_number"), birth)

        for key in ("phone", "guardian_phone"):
            if key in cells:
                try:
                    given[key] = _phone(cells[key])
                except _CellError as error:
                    row.add(key, str(error))
        for key in ("guardian_name", "guardian_relation", "health_notes", "notes"):
            if key in cells:
                given[key] = clean_text(_text(cells[key]))
        row.address = clean_text(_text(cells.get("address")))
        row.household = _text(cells.get("household"))
        for key, limit in MAX_LENGTHS.items():
            value = row.address if key == "address" else given.get(key, "")
            if len(value) > limit:
                row.add(key, f"不能超过{limit}个字（现为{len(value)}个字）")
        if "disability_grade" in given and not given.get("disability_type"):
            row.add("disability_grade", "填写了残疾等级，请同时填写残疾类别")

        self._village(row, _text(cells.get("town")), _text(cells.get("village")))
        self._categories(row, cells)

    def _identity(self, row: _Row, raw: Any, birth: date | None) -> None:
        if isinstance(raw, int) and not isinstance(raw, bool):
            raw = str(raw)  # exact digits: a program wrote them
        elif isinstance(raw, float) and abs(raw) >= 1e15:
            # Excel keeps 15 significant digits of a number: an 18-digit ID number stored as one has lost its
            # last digits. Given as Excel shows it (4.45381E+17), parse names the mistake.
            raw = f"{raw:.5E}"
        try:
            who = identity(
                id_number=raw if raw is not None else "",
                no_id_reason=row.no_id_reason,
                gender=row.gender,
                birth_date=birth,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, messages in error.message_dict.items():
                    key = IDENTITY_FIELDS.get(name, "id_number")
                    if not row.has(key):
                        for message in messages:
                            row.add(key, message)
            else:
                for message in error.messages:
                    row.add("id_number", message)
            return
        row.number, row.id_hash, row.masked, row.tail = who.number, who.id_hash, who.masked, who.tail
        row.gender, row.birth_date, row.no_id_reason = who.gender, who.birth_date, who.no_id_reason

    def _village(self, row: _Row, town: str, village: str) -> None:
        places = self.places
        if not village:
            if not row.has("village"):
                row.add("village", "必填")
            return
        if re.fullmatch(r"\d{12}", village):
            found = places.by_code.get(village)
            if found is None:
                row.add("village", f"区划代码 {village} 不是{self.into.name}范围内的村（居）")
                return
        elif not town:
            if not row.has("town"):
                row.add("town", "必填（或在“村（居）”列填写12位区划代码）")
            return
        elif town not in places.towns:
            row.add("town", f"“{town}”不在{self.into.name}范围内，请核对名称")
            return
        else:
            key = (town, village)
            if key not in places.by_name:
                row.add("village", f"{town}没有名为“{village}”的村（居），请核对名称，或填写12位区划代码")
                return
            found = places.by_name[key]
            if found is None:
                row.add("village", f"{town}有两个名为“{village}”的村（居），请填写12位区划代码")
                return
        if found.station_id is None:
            row.add("village", f"“{found.name}”所在镇（街）没有您可登记的在用社工站，无法导入")
            return
        row.village = found

    def _categories(self, row: _Row, cells: dict[str, Any]) -> None:
        wanted = [(key, _text(cells[key])) for key in CATEGORY_KEYS if key in cells]
        if not wanted:
            if not row.has("category1"):
                row.add("category1", "必填：服务对象因所属类别而登记")
            return
        chosen: list[Category] = []
        for key, text in wanted:
            category = self.places.categories.get(text) or self.places.categories.get(text.lower())
            if category is None:
                row.add(key, f"“{text}”不在服务对象类别目录中")
            elif category not in chosen:
                chosen.append(category)
        row.categories = chosen

    # ---- across rows

    def check_file(self) -> None:
        self._duplicates()
        self._existing()
        self._households()
        self._retired_categories()

    def _retired_categories(self) -> None:
        """A retired category may stay on a record that has it (an update), never be given anew."""
        rows = [row for row in self.rows if any(not c.active for c in row.categories)]
        held: set[tuple[int, int]] = set()
        existing = [row.existing.pk for row in rows if row.existing is not None]
        for start in range(0, len(existing), ID_CHUNK):
            held.update(
                BeneficiaryCategory.objects.filter(
                    beneficiary_id__in=existing[start : start + ID_CHUNK]
                ).values_list("beneficiary_id", "category_id")
            )
        for row in rows:
            pk = row.existing.pk if row.existing is not None else None
            retired = [c.name for c in row.categories if not c.active and (pk, c.pk) not in held]
            if retired:
                row.add("category1", f"类别“{'、'.join(retired)}”已停用")

    def _duplicates(self) -> None:
        lines: dict[str, list[_Row]] = {}
        for row in self.rows:
            if row.id_hash:
                lines.setdefault(row.id_hash, []).append(row)
        for rows in lines.values():
            if len(rows) > 1:
                for row in rows:
                    others = "、".join(f"第{other.line}行" for other in rows if other is not row)
                    row.add("id_number", f"与{others}的身份证号相同，同一人只能填写一行")

    def _existing(self) -> None:
        by_hash = {row.id_hash: row for row in self.rows if row.id_hash}
        hashes = list(by_hash)
        scope = scope_of(self.actor)
        outside_codes: dict[str, list[_Row]] = {}
        for start in range(0, len(hashes), ID_CHUNK):
            found = Beneficiary.objects.filter(id_hash__in=hashes[start : start + ID_CHUNK]).values_list(
                "id_hash", "pk", "station_id", "station__name", "region_code", "household_id"
            )
            for id_hash, pk, station_id, station_name, region_code, household_id in found:
                row = by_hash[id_hash]
                if not self.update:
                    row.add("id_number", registered_elsewhere_message(station_name))
                    continue
                in_scope = scope.everything or (
                    station_id in scope.station_ids
                    if scope.station_ids is not None
                    else scope.covers_code(region_code)
                )
                if not in_scope:
                    row.add("id_number", f"该身份证号已在{station_name}登记，不在您的管辖范围内，不能更新。")
                    continue
                row.existing = _Existing(pk, region_code, household_id)
                if row.village is not None and row.village.code != region_code:
                    outside_codes.setdefault(region_code, []).append(row)
        if outside_codes:
            names = dict(Region.objects.filter(code__in=outside_codes).values_list("code", "name"))
            for code, rows in outside_codes.items():
                for row in rows:
                    row.add(
                        "village",
                        f"此人已登记在{names.get(code, code)}，导入不变更所在村（居）；如已迁居，请在系统中办理转移",
                    )

    def _households(self) -> None:
        groups: dict[str, list[_Row]] = {}
        for row in self.rows:
            if row.household:
                groups.setdefault(row.household, []).append(row)
            elif row.existing is None:
                row.relation = Relation.HEAD.value  # no 户号: a household of one
        for key, rows in groups.items():
            label = f"户号“{key}”"
            villages = {row.village.code for row in rows if row.village is not None}
            if len(villages) > 1:
                for row in rows:
                    row.add("household", f"{label}的成员填写了不同的村（居），同一户应在同一村（居）")
                continue
            if len(rows) == 1 and not rows[0].relation and rows[0].existing is None:
                rows[0].relation = Relation.HEAD.value
            existing = {row.existing.household_id for row in rows if row.existing is not None}
            new = [row for row in rows if row.existing is None]
            if len(existing) > 1:
                for row in rows:
                    row.add("household", f"{label}中的已登记人员在系统中属于不同的户，请核对户号")
                continue
            for row in new:
                if not row.relation:
                    row.add("relation", f"{label}有多人，请填写与户主的关系（户主本人填“户主”）")
            if existing:
                for row in new:
                    if row.relation == Relation.HEAD:
                        row.add("relation", f"{label}的户在系统中已有户主，新成员不能再登记为户主")
                continue
            heads = [row for row in rows if row.relation == Relation.HEAD]
            if len(heads) != 1:
                where = "、".join(f"第{row.line}行" for row in heads)
                message = (
                    f"{label}没有户主（应有一行的与户主关系为“户主”；户号只用于本文件内分户）"
                    if not heads
                    else f"{label}有多个户主（{where}）"
                )
                for row in rows:
                    row.add("household", message)


# ------------------------------------------------------------------------------------------ writing


# Field classes whose Python values the database drivers take as they are; every other field's values go
# through the field (encryption, dates, datetimes).
PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)


class _Insert:
    """Multi-row INSERTs of new rows of one model, returning their ids.

    Model.objects.bulk_create sends every value of every row through its field and, on SQLite, caps a
    statement at 999 parameters (about 20 beneficiaries); a 100,000-row import spent most of its time there.
    This prepares only the columns that need it, takes every other column's default (and auto_now time) once,
    and sends many rows per statement: on SQLite as VALUES lists up to its parameter limit, on PostgreSQL as
    one array per column, unnested (a statement of a few dozen parameters, whatever the number of rows).
    Nothing here validates: the rows were checked before, and the database's constraints still apply."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.names = [f.attname for f in self.fields]
        now = timezone.now()
        self.defaults = {}
        for f in self.fields:
            automatic = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            self.defaults[f.attname] = f.get_db_prep_save(now if automatic else f.get_default(), connection)
        self.convert = {
            f.attname: f.get_db_prep_save
            for f in self.fields
            if type(f) not in PLAIN_FIELDS and not isinstance(f, models.ForeignKey)
        }
        quote = connection.ops.quote_name
        self.sql = "INSERT INTO {} ({}) ".format(  # noqa: S608 (names from the model, quoted)
            quote(model._meta.db_table), ", ".join(quote(f.column) for f in self.fields)
        )
        self.returning = f" RETURNING {quote(model._meta.pk.column)}"
        self.unnest = connection.vendor == "postgresql"
        if self.unnest:
            arrays = ", ".join(f"%s::{f.cast_db_type(connection)}[]" for f in self.fields)
            self.sql += f"SELECT * FROM UNNEST({arrays})"  # noqa: S608 (types from the model)
            self.batch = BATCH
        else:
            self.sql += "VALUES "
            self.placeholders = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
            self.batch = max(1, min(BATCH, _max_parameters() // len(self.fields)))

    def _values(self, row: dict[str, Any]) -> list[Any]:
        defaults, convert = self.defaults, self.convert
        values = []
        for name in self.names:
            if name in row:
                value = row[name]
                values.append(convert[name](value, connection) if name in convert else value)
            else:
                values.append(defaults[name])
        return values

    def run(self, rows: list[dict[str, Any]], *, returning: bool = True) -> list[int]:
        if not (self.unnest or connection.features.can_return_rows_from_bulk_insert):
            objs = self.model._default_manager.bulk_create(
                [self.model(**row) for row in rows], batch_size=BATCH
            )
            return [obj.pk for obj in objs]
        ids: list[int] = []
        with connection.cursor() as cursor:
            for start in range(0, len(rows), self.batch):
                chunk = [self._values(row) for row in rows[start : start + self.batch]]
                if self.unnest:
                    sql, params = self.sql, [list(column) for column in zip(*chunk, strict=True)]
                else:
                    sql = self.sql + ", ".join([self.placeholders] * len(chunk))
                    params = [value for values in chunk for value in values]
                cursor.execute(sql + self.returning if returning else sql, params)
                if returning:
                    ids.extend(pk for (pk,) in cursor.fetchall())
        return ids


def _update_rows(model: type[models.Model], objs: list[models.Model], names: list[str]) -> None:
    """UPDATE ... WHERE id = %s for each object, as one prepared statement run many times (bulk_update's
    CASE WHEN per field and row is slow at tens of thousands of rows)."""
    if not objs:
        return
    fields = [model._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608 (names from the model, quoted)
        quote(model._meta.db_table),
        ", ".join(f"{quote(f.column)} = %s" for f in fields),
        quote(model._meta.pk.column),
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [
                [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk]
                for obj in objs
            ],
        )


def _max_parameters() -> int:
    """Bind parameters one SQLite statement may carry (Django assumes the old default of 999)."""
    connection.ensure_connection()
    getlimit = getattr(connection.connection, "getlimit", None)
    return getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) if getlimit else 999


class _Writer:
    """Bulk inserts and updates of a checked file, inside the caller's transaction."""

    def __init__(self, actor: User, rows: list[_Row], category_names: dict[int, str]):
        self.actor = actor
        self.rows = rows
        self.category_names = category_names
        self.created = self.updated = self.unchanged = self.households = 0
        self.today = timezone.localdate()

    def run(self) -> None:
        new_groups: dict[str, list[_Row]] = {}
        joining: dict[int, list[_Row]] = {}  # existing household id -> new members
        updates: list[_Row] = []
        group_existing: dict[str, int] = {}
        for row in self.rows:
            if row.existing is not None and row.household:
                group_existing[row.household] = row.existing.household_id
        for row in self.rows:
            if row.existing is not None:
                updates.append(row)
            elif row.household and row.household in group_existing:
                joining.setdefault(group_existing[row.household], []).append(row)
            else:
                new_groups.setdefault(row.household or f"\x00{row.line}", []).append(row)
        self._create(new_groups, joining)
        if updates:
            self._update(updates)

    def _create(self, groups: dict[str, list[_Row]], joining: dict[int, list[_Row]]) -> None:
        heads = [next(row for row in rows if row.relation == Relation.HEAD) for rows in groups.values()]
        household_ids = _Insert(Household).run(
            [
                {
                    "village_id": head.village.id,
                    "region_code": head.village.code,
                    "station_id": head.village.station_id,
                    "point_id": head.village.point_id,
                    "address": head.address,
                    "phone": head.given.get("phone", ""),
                }
                for head in heads
            ]
        )
        self.households = len(household_ids)
        members: list[tuple[tuple[int, str, int, int | None], _Row]] = []
        for household_id, head, rows in zip(household_ids, heads, groups.values(), strict=True):
            place = (household_id, head.village.code, head.village.station_id, head.village.point_id)
            members.extend((place, row) for row in rows)
        joined = Household.objects.filter(pk__in=list(joining)).values_list(
            "pk", "region_code", "station_id", "point_id"
        )
        places = {place[0]: place for place in joined}
        for household_id, rows in joining.items():
            members.extend((places[household_id], row) for row in rows)
        people = _Insert(Beneficiary)
        links = _Insert(BeneficiaryCategory)
        registered_by = self.actor.pk
        for start in range(0, len(members), BATCH):
            batch = members[start : start + BATCH]
            ids = people.run(
                [
                    DEFAULTS
                    | row.given
                    | {
                        "household_id": household_id,
                        "relation": row.relation,
                        "id_number": row.number,
                        "id_hash": row.id_hash,
                        "id_masked": row.masked,
                        "id_tail": row.tail,
                        "no_id_reason": row.no_id_reason,
                        "gender": row.gender,
                        "birth_date": row.birth_date,
                        "station_id": station_id,
                        "point_id": point_id,
                        "region_code": region_code,
                        "registered_on": self.today,
                        "registered_by_id": registered_by,
                        "in_hardship": any(c.umbrella == Umbrella.HARDSHIP for c in row.categories),
                        "in_special": any(c.umbrella == Umbrella.SPECIAL for c in row.categories),
                    }
                    for (household_id, region_code, station_id, point_id), row in batch
                ]
            )
            links.run(
                [
                    {
                        "beneficiary_id": beneficiary_id,
                        "category_id": category.pk,
                        "station_id": station_id,
                        "region_code": region_code,
                        "active": True,
                    }
                    for beneficiary_id, ((_, region_code, station_id, _), row) in zip(ids, batch, strict=True)
                    for category in row.categories
                ],
                returning=False,
            )
            self.created += len(ids)

    def _update(self, rows: list[_Row]) -> None:
        now = timezone.now()
        ip = current_ip.get()
        audit_rows = _Insert(AuditEntry)  # append-only rows, written in bulk like the people
        changed_fields: set[str] = set()
        for start in range(0, len(rows), ID_CHUNK):
            chunk = rows[start : start + ID_CHUNK]
            people = Beneficiary.objects.select_for_update().in_bulk([row.existing.pk for row in chunk])
            held: dict[int, set[int]] = {}
            link_ids: dict[tuple[int, int], int] = {}
            for pk, beneficiary_id, category_id in BeneficiaryCategory.objects.filter(
                beneficiary_id__in=list(people)
            ).values_list("pk", "beneficiary_id", "category_id"):
                held.setdefault(beneficiary_id, set()).add(category_id)
                link_ids[beneficiary_id, category_id] = pk
            to_save, audits, new_links, dropped_links = [], [], [], []
            for row in chunk:
                person = people[row.existing.pk]
                before = {key: getattr(person, key) for key in row.given}
                diff = field_changes(before, row.given)
                old = held.get(person.pk, set())
                new = {category.pk for category in row.categories}
                if new != old:
                    names = self.category_names
                    diff["类别"] = [sorted(names[pk] for pk in old), sorted(names[pk] for pk in new)]
                    active = person.status == Status.ACTIVE and person.merged_into_id is None
                    new_links.extend(
                        BeneficiaryCategory(
                            beneficiary_id=person.pk,
                            category_id=pk,
                            station_id=person.station_id,
                            region_code=person.region_code,
                            active=active,
                        )
                        for pk in new - old
                    )
                    dropped_links.extend(link_ids[person.pk, pk] for pk in old - new)
                    umbrellas = {category.umbrella for category in row.categories}
                    person.in_hardship = Umbrella.HARDSHIP in umbrellas
                    person.in_special = Umbrella.SPECIAL in umbrellas
                    changed_fields |= {"in_hardship", "in_special"}
                if not diff:
                    self.unchanged += 1
                    continue
                for key in row.given:
                    if key in diff:
                        setattr(person, key, row.given[key])
                        changed_fields.add(key)
                diff = redact_changes(diff)
                person.version += 1
                person.updated_at = now
                to_save.append(person)
                audits.append(
                    {
                        "actor_id": self.actor.pk,
                        "actor_name": self.actor.username,
                        "action": AuditAction.CHANGE.value,
                        "object_type": Beneficiary._meta.label_lower,
                        "object_id": str(person.pk),
                        "object_repr": str(person)[:200],
                        "changes": diff,
                        "region_code": person.region_code,
                        "ip": ip,
                    }
                )
            _update_rows(Beneficiary, to_save, sorted(changed_fields | {"version", "updated_at"}))
            if dropped_links:
                BeneficiaryCategory.objects.filter(pk__in=dropped_links).delete()
            BeneficiaryCategory.objects.bulk_create(new_links, batch_size=BATCH)
            audit_rows.run(audits, returning=False)
            self.updated += len(to_save)


# ------------------------------------------------------------------------------------------ the import


def import_ledger(
    *, actor: User, data: bytes, filename: str, into: Region, update: bool = False
) -> ImportRun:
    """Check every row of an uploaded ledger and import it all, or, with any problem, nothing: the run then
    records the problems and keeps an encrypted copy of the file with an error column.

    Raises LedgerError for a file that cannot be read as a ledger at all (nothing is recorded), and
    PermissionDenied when the actor may not import, or not into `into`."""
    started = time.monotonic()
    require(actor, "beneficiary.import", into)
    source = _open(data)
    try:
        # every row is placed by the importer's scope (scope_of, above and in _Places), the holder of a number
        # found anywhere is named only as the one-person-one-record rule needs
        with unscoped("a ledger import checks each row against the importer's scope itself"):
            return _import(source, actor=actor, filename=filename, into=into, update=update, started=started)
    finally:
        source.close()


def _readable(rows: Iterator[tuple[int, tuple]]) -> Iterator[tuple[int, tuple]]:
    """The rows, with a damaged file (a broken zip, bad XML, a bad CSV quote) as a LedgerError."""
    while True:
        try:
            item = next(rows)
        except StopIteration:
            return
        except Exception:
            raise LedgerError(
                "读取文件时出错，文件可能已损坏。请在 Excel 中打开并另存为 .xlsx 后再导入。"
            ) from None
        yield item


def _import(
    source: _Source, *, actor: User, filename: str, into: Region, update: bool, started: float
) -> ImportRun:
    columns, _ = _column_map(source.header)
    checker = _Checker(actor=actor, into=into, update=update, columns=columns, source=source)
    for line, values in _readable(source.rows()):
        if line > source.header_line:
            checker.read(line, values)
    if not checker.rows:
        raise LedgerError("表头下面没有数据行。")
    read = time.monotonic()
    checker.check_file()
    checked = time.monotonic()
    run = ImportRun(
        actor=actor,
        filename=Path(filename or "").name[:200] or "（未命名）",
        region_code=into.code,
        update_existing=update,
        rows=len(checker.rows),
    )
    bad = [row for row in checker.rows if row.errors]
    if not bad:
        try:
            with transaction.atomic():
                names = {c.pk: c.name for c in checker.places.categories.values()}
                writer = _Writer(actor, checker.rows, names)
                writer.run()
                run.status = ImportStatus.DONE
                run.created, run.updated, run.unchanged = writer.created, writer.updated, writer.unchanged
                run.households = writer.households
                run.seconds = round(time.monotonic() - started, 2)
                run.save()
                audit_record(
                    actor=actor,
                    action=AuditAction.CREATE,
                    obj=run,
                    region_code=into.code,
                    changes={
                        "导入": run.filename,
                        "行数": run.rows,
                        "新增": run.created,
                        "新增户数": run.households,
                        "更新": run.updated,
                        "未变": run.unchanged,
                    },
                )
            logger.info(
                "import %s: %d rows, read %.1fs, cross-checks %.1fs, write %.1fs",
                run.pk,
                run.rows,
                read - started,
                checked - read,
                time.monotonic() - checked,
            )
            return run
        except IntegrityError:
            raise LedgerError(
                "写入时发现冲突（可能有人同时登记了文件中的人员），本次未导入任何数据，请重新导入。"
            ) from None
    return _failed(run, source, bad, started)


def _failed(run: ImportRun, source: _Source, bad: list[_Row], started: float) -> ImportRun:
    errors = {row.line: row.errors for row in bad}
    run.status = ImportStatus.FAILED
    run.bad_rows = len(bad)
    run.errors = [{"row": row.line, "message": "；".join(row.errors)} for row in bad[:MAX_ERRORS_KEPT]]
    run.error_file = _store(_error_workbook(source, errors))
    run.seconds = round(time.monotonic() - started, 2)
    with transaction.atomic():
        run.save()
        audit_record(
            actor=run.actor,
            action=AuditAction.CREATE,
            obj=run,
            region_code=run.region_code,
            changes={
                "导入": run.filename,
                "结果": ImportStatus.FAILED.label,
                "行数": run.rows,
                "错误行数": run.bad_rows,
            },
        )
    return run


def _error_workbook(source: _Source, errors: dict[int, list[str]]) -> bytes:
    """The uploaded rows, at their own row numbers, with a last column naming each bad row's problems."""
    columns, dropped = _column_map(source.header)
    titled = max((index for index, value in enumerate(source.header) if _text(value)), default=-1)
    keep = [index for index in range(titled + 1) if index not in dropped]
    text_columns = {index for key, index in columns.items() if key in TEXT_KEYS}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(source.sheet_title or "服务对象")
    for position, index in enumerate(keep, start=1):
        if index in text_columns:  # what is typed into these columns in Excel stays text
            sheet.column_dimensions[get_column_letter(position)].width = 22
            sheet.column_dimensions[get_column_letter(position)].number_format = "@"
    sheet.column_dimensions[get_column_letter(len(keep) + 1)].width = 60
    pending = 0  # empty rows, written only when a row follows them (trailing ones are dropped)
    for line, values in source.rows():
        problems = errors.get(line)
        if not problems and not any(_text(value) for value in values):
            pending += 1
            continue
        for _ in range(pending):
            sheet.append([])
        pending = 0
        cells: list[Any] = []
        for index in keep:
            value = values[index] if index < len(values) else None
            # text is never a formula here (the file holds clear ID numbers), and keeps its exact value
            cell = text_cell(sheet, value) if isinstance(value, str) else None
            if problems or line == source.header_line or isinstance(value, date):
                cell = cell or WriteOnlyCell(sheet, value=value)
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
                elif index in text_columns:
                    cell.number_format = "@"
                if problems:
                    cell.fill = BAD_FILL
                if line == source.header_line:
                    cell.font = BOLD
            cells.append(value if cell is None else cell)
        if line == source.header_line:
            last = WriteOnlyCell(sheet, value=ERROR_HEADER)
            last.font = BOLD
            cells.append(last)
        elif problems:
            last = WriteOnlyCell(sheet, value="；".join(problems))
            last.font = BAD_FONT
            last.fill = BAD_FILL
            last.alignment = Alignment(wrap_text=True, vertical="top")
            cells.append(last)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _imports_dir() -> Path:
    directory = Path(settings.HOME) / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


ERROR_FILE_DAYS = 7  # an error file holds the upload's personal data: kept a week, then deleted


def _store(content: bytes) -> str:
    directory = _imports_dir()
    expired = time.time() - ERROR_FILE_DAYS * 86400
    for old in directory.glob("*.xlsx.enc"):
        if old.stat().st_mtime < expired:
            old.unlink(missing_ok=True)
    name = f"{secrets.token_hex(16)}.xlsx.enc"
    (directory / name).write_bytes(encrypt_bytes(content))
    return f"imports/{name}"


def error_file_bytes(run: ImportRun) -> bytes:
    """The decrypted error file (.xlsx) of a failed run; FileNotFoundError when the run has none."""
    if not run.error_file:
        raise FileNotFoundError("该次导入没有错误文件。")
    directory = _imports_dir().resolve()
    path = (Path(settings.HOME) / run.error_file).resolve()
    if path.parent != directory or not path.exists():
        raise FileNotFoundError(run.error_file)  # outside the folder, or deleted after ERROR_FILE_DAYS
    return decrypt_bytes(path.read_bytes())


# ------------------------------------------------------------------------------------------ the template


def template_workbook(user: User | None) -> bytes:
    """An empty ledger: Chinese headers (required ones marked *), dropdowns for every coded column and the
    villages of the user's scope (without a user, 镇（街）and 村（居）are free text), the ID column as text,
    and a sheet of instructions. The lists live on a hidden sheet, so long ones are not cut at 255 characters."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "服务对象"
    notes = workbook.create_sheet("说明")
    lists = workbook.create_sheet("选项")
    lists.sheet_state = "hidden"

    letters = {key: get_column_letter(index) for index, (_, key) in enumerate(COLUMNS, start=1)}
    for index, (header, key) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=f"{header}*" if key in REQUIRED_KEYS else header)
        cell.font = BOLD
        dimension = sheet.column_dimensions[letters[key]]
        dimension.width = {"id_number": 22, "address": 28, "health_notes": 24, "notes": 24}.get(key, 13)
        if key in TEXT_KEYS:
            dimension.number_format = "@"
    sheet.freeze_panes = "A2"
    for row in range(2, 1002):  # a column's style covers new cells in Excel; these make sure in WPS too
        for key in TEXT_KEYS:
            sheet[f"{letters[key]}{row}"].number_format = "@"

    categories = list(Category.objects.filter(active=True).values_list("name", flat=True))
    villages = list(selectors.village_choices(user).order_by("code")) if user is not None else []
    options: dict[str, list[str]] = {
        "category1": categories,
        **OFFERED,
        "town": list(dict.fromkeys(v.parent.name for v in villages if v.parent_id)),
        "village": list(dict.fromkeys(v.name for v in villages)),
    }
    column = 0
    for key, values in options.items():
        if not values:
            continue
        column += 1
        letter = get_column_letter(column)
        lists.cell(row=1, column=column, value=LABELS[key])
        for row, value in enumerate(values, start=2):
            lists.cell(row=row, column=column, value=value)
        reference = f"'选项'!${letter}$2:${letter}${len(values) + 1}"
        targets = CATEGORY_KEYS if key == "category1" else (key,)
        validation = DataValidation(
            type="list",
            formula1=reference,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle="不在可选范围内",
            error=f"“{LABELS[key]}”请从下拉选项中选择（仍可保存，导入时会检查）。",
        )
        for target in targets:
            validation.add(f"{letters[target]}2:{letters[target]}{TEMPLATE_ROWS + 1}")
        sheet.add_data_validation(validation)

    lines = [
        "服务对象台账导入说明",
        "",
        "1. 在“服务对象”工作表填写，一人一行；第一行为表头，请勿修改表头文字。带 * 的列必填。",
        "2. 身份证号：18位，该列已设为文本格式；请勿粘贴为数字（Excel 会丢失末几位）。15位旧号码会自动升级。",
        "3. 没有身份证号的，请填写“无身份证号原因”、性别和出生日期。有身份证号的，性别和出生日期可不填（按身份证号）。",
        "4. 出生日期可写作 1950-01-02、1950/1/2、1950年1月2日 或 19500102。",
        "5. 镇（街）、村（居）从下拉选项中选择；也可在“村（居）”填写12位区划代码。",
        "6. 同一户的成员填写相同的“户号”（任意编号，仅用于本文件内分户），其中一人的“与户主关系”为“户主”，"
        "户的住址和联系电话取户主这一行。户号为空的，此人单独成户并为户主。",
        "7. 类别1必填，最多3个类别，从下拉选项中选择。跟进级别、残疾等级可填“一级”至“四级”或数字1至4。",
        "8. 电话：手机号为1开头的11位数字，固定电话如 0766-1234567。",
        "9. 上传时检查全部行：只要有一行有错，全部不导入，并返回标注了错误的文件（最后一列“错误”）。",
        f"10. 也可上传 .csv 文件（UTF-8 或 GBK 编码，逗号分隔，表头同本模板）。文件不超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB。",
        "11. 身份证号已登记的，默认报错；选择“更新已登记的记录”时，按非空的单元格更新本人信息和类别（不改变所在户和村居）。",
    ]
    for row, line in enumerate(lines, start=1):
        notes.cell(row=row, column=1, value=line).font = BOLD if row == 1 else Font()
    notes.column_dimensions["A"].width = 120
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
