"""shuangbai report coverage --region CODE --from YYYY-MM-DD --to YYYY-MM-DD [--json] [--as USERNAME]
shuangbai report progress-table --city CODE --as-of YYYY-MM-DD [-o FILE.xlsx | --json] [--as USERNAME]
shuangbai report station-figures --region CODE --from YYYY-MM-DD --to YYYY-MM-DD [-o FILE.xlsx | --json]

The programme's reports from the command line, one subcommand each. Without --as a report runs over everything, as a system report; with --as it sees what
that user would see on the page.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from shuangbai.core.commands import one_output, user_named, write_file
from shuangbai.core.dates import day_label
from shuangbai.core.models import User, system_actor
from shuangbai.core.periods import checked_period, dates_period
from shuangbai.regions.models import Level, Region
from shuangbai.stations import progress
from shuangbai.stations.exports import figures_workbook, progress_workbook, table_cells
from shuangbai.stations.figures import station_figures
from shuangbai.visits import coverage as cov

LEVEL_HEADERS = ["逾期一级", "逾期二级", "逾期三级", "逾期四级"]
PROGRESS_HEADERS = [
    "县（市、区）",
    "方案",
    *[f"{kind}{what}" for kind in ("站", "点") for what in ("应建", "已建", "办公", "设备", "人员")],
    "协调",
    "管理",
    "落实经费情况",
    "培训",
]


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

        table = reports.add_parser(
            "progress-table",
            help="社工站（点）建设进度情况一览表：按截至日期由记录计算，可导出 Excel",
        )
        table.add_argument("--city", metavar="CODE", required=True, help="地级市区划代码，如 445300000000")
        table.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD", required=True, help="截至日期")
        table.add_argument(
            "--from", dest="start", metavar="YYYY-MM-DD", help="培训统计起始日期（不填为截至日期当年1月1日）"
        )
        table.add_argument("-o", "--output", metavar="FILE.xlsx", help="导出为 Excel 文件")
        table.add_argument("--json", dest="as_json", action="store_true", help="以 JSON 输出")
        table.add_argument("--as", dest="as_user", metavar="USERNAME", help="以该用户的身份生成")

        figures = reports.add_parser(
            "station-figures",
            help="站点工作数据：走访、个案、转介、资源链接、物资发放、活动、志愿服务、新识别",
        )
        figures.add_argument("--region", metavar="CODE", required=True, help="区划代码（市、县、镇街）")
        figures.add_argument(
            "--from", dest="start", metavar="YYYY-MM-DD", required=True, help="开始日期（含）"
        )
        figures.add_argument("--to", dest="end", metavar="YYYY-MM-DD", required=True, help="结束日期（含）")
        figures.add_argument("-o", "--output", metavar="FILE.xlsx", help="导出为 Excel 文件")
        figures.add_argument("--json", dest="as_json", action="store_true", help="以 JSON 输出")
        figures.add_argument("--as", dest="as_user", metavar="USERNAME", help="以该用户的身份统计")

    def handle(self, *args, report: str, **options):
        return getattr(self, f"report_{report.replace('-', '_')}")(**options)

    # ------------------------------------------------------------------------------------------- coverage

    def report_coverage(self, *, region, start, end, as_json=False, as_user=None, **options):
        user = user_named(as_user) if as_user else system_actor()
        node = _region_in_scope(user, region, as_user=as_user)
        try:
            period = checked_period(dates_period(_day(start, "开始日期"), _day(end, "结束日期")))
        except ValidationError as error:
            raise CommandError(error.messages[0]) from None
        table = cov.coverage_table(user, node, period)
        if as_json:
            self.stdout.write(json.dumps(table.as_dict(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(self._coverage_text(table))

    # ------------------------------------------------------------------------------------ progress table

    def report_progress_table(
        self, *, city, as_of, start=None, output=None, as_json=False, as_user=None, **_
    ):
        one_output(output, as_json)
        user = user_named(as_user) if as_user else system_actor()
        node = _region_in_scope(user, city, as_user=as_user)
        if node.level != Level.CITY:
            raise CommandError(
                f"{node.name}（{node.code}）不是地级市：一览表按地级市生成，请给出市的区划代码。"
            )
        day = _day(as_of, "截至日期")
        first = _day(start, "培训统计起始日期") if start else None
        if first and first > day:
            raise CommandError("培训统计起始日期不能晚于截至日期。")
        table = progress.progress_table(node, day, start=first)
        if output:
            write_file(output, progress_workbook(table, table.rows))
            self.stdout.write(f"已导出 {table.title}（截至{day_label(day)}）：{output}")
            return
        if as_json:
            self.stdout.write(json.dumps(progress.table_as_dict(table), ensure_ascii=False, indent=2))
            return
        lines = table_cells(table, table.rows)
        self.stdout.write(
            "\n".join(
                [
                    table.title,
                    f"制表单位：{table.unit}    时间：{day_label(day)}",
                    "",
                    _table(PROGRESS_HEADERS, [[str(cell) for cell in line] for line in lines]),
                ]
            )
        )

    # ----------------------------------------------------------------------------------- station figures

    def report_station_figures(self, *, region, start, end, output=None, as_json=False, as_user=None, **_):
        one_output(output, as_json)
        user = user_named(as_user) if as_user else system_actor()
        node = _region_in_scope(user, region, as_user=as_user)
        try:
            period = checked_period(dates_period(_day(start, "开始日期"), _day(end, "结束日期")))
        except ValidationError as error:
            raise CommandError(error.messages[0]) from None
        table = station_figures(node, period.start, period.end)
        if output:
            write_file(output, figures_workbook(table))
            self.stdout.write(f"已导出 {node.name} 工作数据（{period.range_label}）：{output}")
            return
        if as_json:
            self.stdout.write(json.dumps(table.as_dict(), ensure_ascii=False, indent=2))
            return
        lines = [f"{node.name}（{node.code}） 工作数据：{period.range_label}"]
        for section in table.sections:
            lines += ["", f"【{section.name}】"]
            lines.append(_table(["项目", "数量"], [[f.label, f"{f.value}{f.unit}"] for f in section.figures]))
        self.stdout.write("\n".join(lines))

    def _coverage_text(self, table: cov.CoverageTable) -> str:
        period = table.period
        parts = [
            f"{table.region.name}（{table.region.code}） 入户与服务覆盖",
            f"统计时段：{period.range_label}；逾期按 {day_label(table.as_of)} 计。",
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


def _region_in_scope(user: User, text: str, *, as_user: str | None) -> Region:
    code = text.strip()
    if code.isdigit() and len(code) < 12:
        code = code.ljust(12, "0")
    node = Region.objects.visible_to(user).filter(code=code).first()
    if node is None:
        where = f"不在用户 {user.username} 的管辖范围内" if as_user else "不在区划表中"
        raise CommandError(f"区划代码 {text} 不存在，或{where}。")
    return node
