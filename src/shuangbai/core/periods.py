"""Periods of days (a month, a quarter, a year, or any span) as the pages and reports name them in a URL."""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.utils import timezone

from .dates import day_label

FIRST_YEAR = 2000


@dataclass(frozen=True)
class Period:
    """A span of days, both ends included, with the query parameters that name it in a URL."""

    start: date
    end: date
    kind: str = "dates"  # month | quarter | year | dates
    label: str = ""
    params: tuple[tuple[str, str], ...] = ()

    @property
    def query(self) -> str:
        return urlencode(self.params)

    @property
    def range_label(self) -> str:
        return f"{day_label(self.start)}至{day_label(self.end)}"

    def running(self, today: date) -> bool:
        """Not over yet: its figures so far are partial."""
        return self.start <= today <= self.end

    def as_of(self, today: date) -> date:
        """The day the overdue counts look at: the period's last day, or today while it runs."""
        return min(self.end, today)


def month_period(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    return Period(
        date(year, month, 1),
        date(year, month, last),
        "month",
        f"{year}年{month}月",
        (("period", "month"), ("month", f"{year:04d}-{month:02d}")),
    )


def quarter_period(year: int, quarter: int) -> Period:
    first = 3 * quarter - 2
    last = 3 * quarter
    return Period(
        date(year, first, 1),
        date(year, last, calendar.monthrange(year, last)[1]),
        "quarter",
        f"{year}年第{quarter}季度",
        (("period", "quarter"), ("year", str(year)), ("quarter", str(quarter))),
    )


def year_period(year: int) -> Period:
    return Period(
        date(year, 1, 1), date(year, 12, 31), "year", f"{year}年", (("period", "year"), ("year", str(year)))
    )


def dates_period(start: date, end: date) -> Period:
    period = Period(
        start,
        end,
        "dates",
        f"{day_label(start)}至{day_label(end)}",
        (("period", "dates"), ("from", start.isoformat()), ("to", end.isoformat())),
    )
    if end < start:
        raise ValidationError("结束日期不能早于开始日期。")
    return period


def last_full_month(today: date) -> Period:
    """The month before this one: a report's default, since a running month's rates read low (21% on the 2nd
    looks like a crisis)."""
    first = today.replace(day=1)
    previous = date.fromordinal(first.toordinal() - 1)
    return month_period(previous.year, previous.month)


def year_to_date(today: date) -> Period:
    """From 1 January to today: the two-coverages page's default."""
    return dates_period(date(today.year, 1, 1), today)


def _year(text: str, today: date) -> int:
    if not re.fullmatch(r"\d{4}", text.strip()):
        raise ValidationError("年份应为四位数字，如“2023”。")
    year = int(text)
    if not FIRST_YEAR <= year <= today.year:
        raise ValidationError(f"年份应在{FIRST_YEAR}年至{today.year}年之间。")
    return year


def parse_day(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(f"{what}格式应为“2023-01-01”。") from None


def parse_period(params: Mapping[str, str], *, today: date | None = None) -> Period:
    """The period named by `period=month&month=2023-01`, `period=quarter&year=2023&quarter=1`,
    `period=year&year=2023` or `period=dates&from=2023-01-01&to=2023-02-15`; the current month when none is
    named. Bad input raises ValidationError with a Chinese message."""
    today = today or timezone.localdate()
    kind = (params.get("period") or "month").strip()
    if kind == "month":
        text = (params.get("month") or "").strip()
        if not text:
            period = month_period(today.year, today.month)
        else:
            found = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
            if not found or not 1 <= int(found[2]) <= 12:
                raise ValidationError("月份格式应为“2023-01”。")
            period = month_period(_year(found[1], today), int(found[2]))
    elif kind == "quarter":
        year = _year(params.get("year") or str(today.year), today)
        text = (params.get("quarter") or str((today.month - 1) // 3 + 1)).strip()
        if text not in {"1", "2", "3", "4"}:
            raise ValidationError("季度应为 1 至 4。")
        period = quarter_period(year, int(text))
    elif kind == "year":
        period = year_period(_year(params.get("year") or str(today.year), today))
    elif kind == "dates":
        if not (params.get("from") or "").strip() or not (params.get("to") or "").strip():
            raise ValidationError("请填写开始日期和结束日期。")
        period = dates_period(parse_day(params["from"], "开始日期"), parse_day(params["to"], "结束日期"))
    else:
        raise ValidationError("时段类型无效：请选择按月、按季度、按年或自定义日期。")
    return checked_period(period, today=today)


def checked_period(period: Period, *, today: date | None = None) -> Period:
    today = today or timezone.localdate()
    if period.start > today:
        raise ValidationError(f"所选时段尚未开始（{day_label(period.start)}开始），还没有可统计的数据。")
    return period
