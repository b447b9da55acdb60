"""The progress table as an .xlsx laid out like the bureaus' own: title, 制表单位 and 时间 line, the two-level
merged header, one row per county-level division, 市本级, 合计, and the three 备注 notes."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from shuangbai.core.dates import day_label

from .progress import ProgressRow, ProgressTable

SITE_HEADERS = ["应建{}数量", "已完成{}数量", "落实办公场所数量", "设备设施情况", "人员配备数量"]
# (header, column width); the site groups sit between 方案出台情况 and 是否建立工作协调机制.
COLUMNS = [
    ("县（市、区）", 12),
    ("方案出台情况", 10),
    *[(text.format("社工站"), 10) for text in SITE_HEADERS],
    *[(text.format("社工点"), 10) for text in SITE_HEADERS],
    ("是否建立工作协调机制", 10),
    ("是否建立站点管理机制", 10),
    ("落实经费情况", 28),
    ("开展社工业务培训情况", 10),
]
NOTES = [
    "备注：1.设备设施情况，是指已落实的办公场所中是否已配备必要的办公桌椅、空调、电脑、打印机、电话、档案柜、"
    "办公文具、消防设施，全部配备的填全部配备，缺一项或者两项的填基本配备，缺少三项以上的填未配备齐全。",
    "2.落实经费情况，是指是否有申请经费，申请的经费是否有批复，申请的数额。",
    "3.开展社工业务培训情况，是指目前开展的社工岗前培训、专业培训次数。",
]
LAST = get_column_letter(len(COLUMNS))
HEADER_TOP = 3  # the header's first row; the title is row 1 and the unit/date line row 2


def site_cells(row: ProgressRow, kind: str, *, total: bool = False) -> list:
    counts = getattr(row, kind)
    if not total and not row.shows_sites:
        return [""] * 5
    return [counts.planned, counts.built, counts.office, "" if total else counts.equipment, counts.staff]


def row_cells(row: ProgressRow, *, total: bool = False) -> list:
    return [
        row.label,
        row.plan,
        *site_cells(row, "stations", total=total),
        *site_cells(row, "points", total=total),
        row.coordination,
        row.management,
        row.funding,
        f"{row.trainings}次",
    ]


def table_cells(table: ProgressTable, rows: list[ProgressRow], *, with_total: bool = True) -> list[list]:
    lines = [row_cells(row) for row in rows]
    if with_total:
        lines.append(row_cells(table.total, total=True))
    return lines


def progress_workbook(table: ProgressTable, rows: list[ProgressRow], *, with_total: bool = True) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "建设进度一览表"
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    bold = Font(bold=True)

    sheet["A1"] = table.title
    sheet["A1"].font = Font(bold=True, size=16)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.merge_cells(f"A1:{LAST}1")
    sheet.row_dimensions[1].height = 30
    sheet["A2"] = f"制表单位：{table.unit}"
    sheet.merge_cells("A2:H2")
    sheet["I2"] = f"时间：{day_label(table.as_of)}"
    sheet["I2"].alignment = Alignment(horizontal="right")
    sheet.merge_cells(f"I2:{LAST}2")

    top, sub = HEADER_TOP, HEADER_TOP + 1
    for index, (text, width) in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = width
        in_group = 3 <= index <= 12
        sheet.cell(sub if in_group else top, index, table.row_heading if index == 1 else text)
        if not in_group:
            sheet.merge_cells(f"{letter}{top}:{letter}{sub}")
    sheet.cell(top, 3, "社工站")
    sheet.merge_cells(start_row=top, start_column=3, end_row=top, end_column=7)
    sheet.cell(top, 8, "社工点")
    sheet.merge_cells(start_row=top, start_column=8, end_row=top, end_column=12)
    sheet.row_dimensions[sub].height = 45

    for line in table_cells(table, rows, with_total=with_total):
        sheet.append(line)
    last_row = sheet.max_row
    for row in sheet.iter_rows(min_row=top, max_row=last_row, max_col=len(COLUMNS)):
        for cell in row:
            cell.border = border
            cell.alignment = centre
            if cell.row <= sub:
                cell.font = bold
    for cell in sheet[f"O{sub + 1}:O{last_row}"]:
        cell[0].alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)

    for offset, note in enumerate(NOTES, start=2):
        row = last_row + offset
        sheet.cell(row, 1, note).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.merge_cells(f"A{row}:{LAST}{row}")
        sheet.row_dimensions[row].height = 32 if offset == 2 else 18
    sheet.freeze_panes = sheet.cell(sub + 1, 2)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.sheet_properties.pageSetUpPr.fitToPage = True

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def figures_workbook(table) -> bytes:
    """The station figures as a sheet: a title line, then section, item, number and unit per row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "工作数据"
    sheet["A1"] = f"{table.region.name}工作数据（{day_label(table.start)}至{day_label(table.end)}）"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells("A1:D1")
    sheet.append(["类别", "项目", "数量", "单位"])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for section in table.sections:
        for figure in section.figures:
            sheet.append([section.name, figure.label, figure.value, figure.unit])
    for letter, width in zip("ABCD", (12, 36, 12, 8), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
