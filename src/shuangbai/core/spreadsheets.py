"""Values going into a spreadsheet cell that someone else will open."""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@")


def clean_text(value: Any) -> Any:
    """Text without the control characters .xlsx cannot hold (other values unchanged)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def safe_cell(value: Any) -> Any:
    """As clean_text, and text that Excel would take for a formula (a name typed as =HYPERLINK(...)) written
    as text, with the apostrophe Excel itself uses."""
    value = clean_text(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def text_cell(sheet, value: Any):
    """A write-only cell that Excel shows as the text it is, even when it begins like a formula: stored as a
    string, not a formula, and without an added apostrophe, so a file that goes back into an import (the
    import's error file) keeps every value exactly as typed."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=clean_text(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def export_sheet(*, actor, title: str, headers: list[tuple[str, int]], description: str):
    """A write-only workbook for an export of personal data: one sheet whose first line names who exported
    it, when, and what, then the bold headers (column widths given with them), panes frozen below them."""
    from django.utils import timezone
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    now = timezone.localtime()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    for index, (_, width) in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "B3"
    bold = Font(bold=True)
    line = WriteOnlyCell(
        sheet,
        value=safe_cell(
            f"导出人：{actor}（{actor.username}） 导出时间：{now:%Y年%-m月%-d日 %H:%M} 范围：{description}"
        ),
    )
    line.font = bold
    sheet.append([line])
    header = []
    for text, _ in headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    return workbook, sheet


def finish_export(workbook, *, actor, description: str, count: int, what: str) -> bytes:
    """The workbook's bytes, the export written to the audit log (scope and rows, never the rows themselves)."""
    import io

    from .audit import audit_record
    from .models import AuditAction

    buffer = io.BytesIO()
    workbook.save(buffer)
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        changes={"范围": description, "行数": count},
        region_code=actor.home_region_code,
        object_repr=f"{what}（{count}人）",
    )
    return buffer.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str):
    """A download of an .xlsx under a Chinese file name (RFC 5987, which every current browser reads)."""
    from urllib.parse import quote

    from django.http import HttpResponse

    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
