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
