"""Reading an applicant list (报名名单) from an .xlsx or .csv file: the header is found by its titles among the
first rows of the first sheet that has one, every row is checked and every problem collected as "第N行 列名：
what is wrong". Writing is the service's (`services.applicants_import`), and only when no row has a problem.

A small cousin of the beneficiary ledger's reader (`registry.ledger`): a few hundred or thousand rows, six
columns, no error file.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shuangbai.core.spreadsheets import clean_text
from shuangbai.core.validators import normalise_phone

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
HEADER_SCAN_ROWS = 10
MAX_ERRORS_SHOWN = 200

# (header, key) in the order the import page lists them; * marks the required ones there.
COLUMNS = [
    ("姓名", "name"),
    ("性别", "gender"),
    ("手机号码", "phone"),
    ("报考县（市、区）", "county"),
    ("笔试成绩", "written_score"),
    ("面试成绩", "interview_score"),
]
REQUIRED = ("name", "gender", "county")
LABELS = {key: header for header, key in COLUMNS}
ALIASES = {
    "手机号": "phone",
    "手机": "phone",
    "电话": "phone",
    "联系电话": "phone",
    "报考县": "county",
    "报考县（区）": "county",
    "报考县（市区）": "county",
    "县（市、区）": "county",
    "报考地区": "county",
    "笔试": "written_score",
    "笔试分数": "written_score",
    "面试": "interview_score",
    "面试分数": "interview_score",
}
GENDERS = {"男": "M", "女": "F", "男性": "M", "女性": "F", "m": "M", "f": "F"}
ABSENT = {"缺考", "未参加", "弃考"}  # a score cell saying the person did not sit
MOBILE = re.compile(r"1[3-9]\d{9}")
SCORE = re.compile(r"(\d{1,3}(?:\.\d{1,2})?)\s*分?")


class ImportFileError(Exception):
    """The file as a whole cannot be read; str(error) says why, in Chinese."""


@dataclass
class ApplicantRow:
    line: int
    name: str = ""
    gender: str = ""
    phone: str = ""
    county: Any = None  # the Region of the round's positions the row names
    written_score: Decimal | None = None
    interview_score: Decimal | None = None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header_key(value: Any) -> str | None:
    text = re.sub(r"[\s*＊]", "", _text(value)).replace("(", "（").replace(")", "）")
    for header, key in COLUMNS:
        if text == header:
            return key
    return ALIASES.get(text)


def _header(rows: list[tuple]) -> tuple[int, dict[str, int]] | None:
    """(line, {key: column index}) of the first row naming 姓名 and at least two other known columns."""
    for line, values in enumerate(rows[:HEADER_SCAN_ROWS], start=1):
        columns: dict[str, int] = {}
        for index, value in enumerate(values):
            key = _header_key(value)
            if key is not None:
                if key in columns:
                    raise ImportFileError(
                        f"表头中“{LABELS[key]}”列出现了两次（第{columns[key] + 1}列和第{index + 1}列），请只保留一列。"
                    )
                columns[key] = index
        if "name" in columns and len(columns) >= 3:
            return line, columns
    return None


def _read_table(data: bytes) -> list[tuple]:
    if not data:
        raise ImportFileError("文件为空。")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFileError(f"文件过大（上限 {MAX_UPLOAD_BYTES // 1024 // 1024} MB）。")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            "这是旧版 Excel（.xls）或加密的文件，请在 Excel 中“另存为” .xlsx 格式后再导入。"
        )
    if data.startswith(b"PK\x03\x04"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:
            raise ImportFileError("无法读取该文件：它不是有效的 .xlsx 文件（可能已损坏）。") from None
        try:
            for sheet in workbook.worksheets:
                if sheet.sheet_state != "visible" or not hasattr(sheet, "iter_rows"):
                    continue
                sheet.reset_dimensions()
                rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
                if _header(rows):
                    return rows
        finally:
            workbook.close()
        return []
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError("无法识别该文件：它既不是 .xlsx，也不是 UTF-8 或 GBK 编码的 .csv 文件。")
    if "\x00" in text:
        raise ImportFileError("无法识别该文件：它既不是 .xlsx，也不是 .csv 文本文件。")
    return [tuple(row) for row in csv.reader(io.StringIO(text, newline=""))]


def _score(value: Any) -> Decimal | None:
    """A score of 0 to 100 with at most two decimals; empty or 缺考: None. Raises ValueError with the reason."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = Decimal(str(value))
    else:
        text = _text(value)
        if not text or text in ABSENT:
            return None
        match = SCORE.fullmatch(text)
        if not match:
            raise ValueError(f"“{text}”不是成绩，应为0至100的数字（未参加可填“缺考”或留空）")
        number = Decimal(match.group(1))
    if not number.is_finite() or number != number.quantize(Decimal("0.01")):
        raise ValueError(f"“{_text(value)}”不是有效成绩，最多保留两位小数")
    if not 0 <= number <= 100:
        raise ValueError(f"“{_text(value)}”超出范围，成绩应在0至100之间")
    return number


def read_applicants(data: bytes, counties: dict[str, Any]) -> tuple[list[ApplicantRow], list[str]]:
    """The rows of an applicant list and every problem found; `counties` maps the names and codes a row may
    use for 报考县（市、区） (the round's position rows; "市本级" for the city's own) to their Region."""
    rows = _read_table(data)
    found = _header(rows)
    if found is None:
        raise ImportFileError(
            f"在文件的前{HEADER_SCAN_ROWS}行中找不到表头，应有“姓名”“性别”“报考县（市、区）”等列。"
        )
    header_line, columns = found
    missing = [LABELS[key] for key in REQUIRED if key not in columns]
    if missing:
        raise ImportFileError(f"表头缺少必填列：{'、'.join(missing)}。")
    offered = "、".join(dict.fromkeys(region_name for region_name in counties if not region_name.isdigit()))
    result: list[ApplicantRow] = []
    errors: list[str] = []
    for line, values in enumerate(rows[header_line:], start=header_line + 1):
        cells = {key: values[index] if index < len(values) else None for key, index in columns.items()}
        if all(_text(value) == "" for value in cells.values()):
            continue
        if len(result) >= MAX_ROWS:
            raise ImportFileError(f"名单超过{MAX_ROWS}行，请拆分后分别导入。")
        row = ApplicantRow(line)

        def problem(key: str, what: str, line: int = line) -> None:
            errors.append(f"第{line}行 {LABELS[key]}：{what}")

        row.name = clean_text(_text(cells["name"]))
        if not row.name:
            problem("name", "必填")
        elif len(row.name) > 50:
            problem("name", "不能超过50个字")
        gender = _text(cells["gender"])
        row.gender = GENDERS.get(gender.lower(), "")
        if not gender:
            problem("gender", "必填（男或女）")
        elif not row.gender:
            problem("gender", f"“{gender}”不是可选值（可选：男、女）")
        phone = _text(cells.get("phone"))
        if phone:
            row.phone = normalise_phone(phone)
            if not MOBILE.fullmatch(row.phone):
                problem("phone", f"“{phone}”不是有效的手机号码，应为11位数字，以1开头（如13812345678）")
        county = re.sub(r"\s", "", _text(cells["county"]))
        row.county = counties.get(county)
        if not county:
            problem("county", "必填")
        elif row.county is None:
            problem("county", f"“{county}”不是本次招聘设有名额的县（市、区）（可选：{offered}）")
        for key in ("written_score", "interview_score"):
            if key in cells:
                try:
                    setattr(row, key, _score(cells[key]))
                except ValueError as error:
                    problem(key, str(error))
        result.append(row)
    if not result and not errors:
        raise ImportFileError("名单中没有报名人员（表头下没有数据行）。")
    return result, errors
