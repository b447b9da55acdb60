"""shuangbai report coverage --region CODE --from YYYY-MM-DD --to YYYY-MM-DD [--json] [--as USERNAME]

The programme's reports from the command line, one subcommand each (coverage; the progress table and the
station figures follow). Without --as a report runs over everything, as a system report; with --as it sees what
that user would see on the page.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from shuangbai.core.commands import user_named
from shuangbai.core.models import User
from shuangbai.regions.models import Region
from shuangbai.visits import coverage as cov

LEVEL_HEADERS = ["逾期一级", "逾期二级", "逾期三级", "逾期四级"]


def system_user() -> User:
    """The reader of a report run without --as: sees everything, saved nowhere, audited as nobody."""
    return User(username="system", display_name="系统报表", is_superuser=True, is_active=True)


def _day(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(f"{what}“{text}”格式不对，应为 YYYY-MM-DD，如 2023-01-01。") from None


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(headers: list[str], rows: list[list[str]]) -> str:
    """Columns padded for a terminal, counting a Chinese character as two; the first column left-aligned."""
    widths = [max(_width(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    lines = []
    for row in [headers, *rows]:
        cells = []
        for i, text in enumerate(row):
            pad = " " * (widths[i] - _width(text))
            cells.append(text + pad if i == 0 else pad + text)
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "统计报表：report coverage --region 区划代码 --from 开始日期 --to 结束日期 [--json] [--as 用户名]"
        "（入户率、服务覆盖率、逾期人数，按下级区域列出）"
    )

    def add_arguments(self, parser):
        reports = parser.add_subparsers(dest="report", required=True, metavar="REPORT")
        coverage = reports.add_parser(
            "coverage",
            help="入户率与服务覆盖率：按下级区域列出在册、入户、获服务人数和逾期人数",
        )
        coverage.add_argument(
            "--region", metavar="CODE", required=True, help="区划代码（省、市、县、镇街、村居）"
        )
        coverage.add_argument(
            "--from", dest="start", metavar="YYYY-MM-DD", required=True, help="开始日期（含）"
        )
        coverage.add_argument("--to", dest="end", metavar="YYYY-MM-DD", required=True, help="结束日期（含）")
        coverage.add_argument(
            "--json", dest="as_json", action="store_true", help="以 JSON 输出（日期为 ISO 格式）"
        )
        coverage.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="以该用户的身份统计（只含其管辖范围）；不填则为系统报表，统计全部",
        )

    def handle(self, *args, report: str, **options):
        return getattr(self, f"report_{report.replace('-', '_')}")(**options)

    # ------------------------------------------------------------------------------------------- coverage

    def report_coverage(self, *, region, start, end, as_json=False, as_user=None, **options):
        user = user_named(as_user) if as_user else system_user()
        code = region.strip()
        if code.isdigit() and len(code) < 12:
            code = code.ljust(12, "0")
        node = Region.objects.visible_to(user).filter(code=code).first()
        if node is None:
            where = f"不在用户 {user.username} 的管辖范围内" if as_user else "不在区划表中"
            raise CommandError(f"区划代码 {region} 不存在，或{where}。")
        try:
            period = cov.checked_period(cov.dates_period(_day(start, "开始日期"), _day(end, "结束日期")))
        except ValidationError as error:
            raise CommandError(error.messages[0]) from None
        table = cov.coverage_table(user, node, period)
        if as_json:
            self.stdout.write(json.dumps(table.as_dict(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(self._coverage_text(table))

    def _coverage_text(self, table: cov.CoverageTable) -> str:
        period = table.period
        parts = [
            f"{table.region.name}（{table.region.code}） 入户与服务覆盖",
            f"统计时段：{period.range_label}；逾期按 {cov.day_label(table.as_of)} 计。",
        ]
        headers = [
            table.child_label or "区域",
            "在册",
            "入户",
            "入户率",
            "获服务",
            "服务覆盖率",
            *LEVEL_HEADERS,
        ]
        for key, label in (("total", "全部"), ("hardship", "困难群众"), ("special", "特殊群体")):
            rows = [_figures_row(child.name, child.figures(key)) for child in table.children]
            rows.append(_figures_row("合计", table.node.figures(key)))
            parts += ["", f"【{label}】", _table(headers, rows)]
        return "\n".join(parts)


def _figures_row(name: str, figures: cov.Figures) -> list[str]:
    return [
        name,
        str(figures.registered),
        str(figures.visited),
        figures.visit_percent,
        str(figures.served),
        figures.service_percent,
        *(str(n) for n in figures.overdue_counts),
    ]
