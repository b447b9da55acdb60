"""shuangbai bulletin import FILE --city CODE [--json] [--save --year Y --sequence N --date YYYY-MM-DD]
shuangbai bulletin list [--city CODE]
shuangbai bulletin export ID -o FILE.docx

Import reads a back issue (.docx, or .txt like the seeds) and prints the sections and article titles it found;
with --save it files the split as it is in the city's archive (the page lets an officer correct it first).
Export writes an issue as .docx (a draft as composed now, a published one as it was frozen).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from shuangbai.bulletins import compose, importer, services
from shuangbai.bulletins.docx import render_docx
from shuangbai.bulletins.models import Bulletin
from shuangbai.core.commands import write_file
from shuangbai.core.models import system_actor
from shuangbai.regions.models import Level, Region


class Command(BaseCommand):
    help = "工作简报：导入往期（拆分栏目和文章）、导出 Word"

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
        read = commands.add_parser("import", help="导入往期简报（.docx 或 .txt），列出找到的栏目和文章标题")
        read.add_argument("file", metavar="FILE", help="往期简报文件")
        read.add_argument("--city", metavar="CODE", required=True, help="地级市区划代码，如 445300000000")
        read.add_argument("--json", dest="as_json", action="store_true", help="以 JSON 输出")
        read.add_argument(
            "--save", action="store_true", help="按拆分结果归入往期档案（需 --year --sequence --date）"
        )
        read.add_argument("--year", type=int, help="年度")
        read.add_argument("--sequence", type=int, help="期数")
        read.add_argument("--date", metavar="YYYY-MM-DD", help="印发日期")
        listing = commands.add_parser("list", help="列出各期简报：编号（导出时用）、期号、印发日期、状态")
        listing.add_argument("--city", metavar="CODE", help="只列出该地级市的简报")
        write = commands.add_parser("export", help="把一期简报导出为 Word（.docx）")
        write.add_argument("id", type=int, metavar="ID", help="简报编号")
        write.add_argument("-o", dest="output", metavar="FILE.docx", required=True, help="输出文件")

    def handle(self, *args, **options):
        if options["command"] == "import":
            self._import(options)
        elif options["command"] == "list":
            self._list(options)
        else:
            self._export(options)

    def _list(self, options) -> None:
        issues = Bulletin.objects.visible_to(system_actor()).order_by("region_code", "-year", "-sequence")
        if options["city"]:
            issues = issues.filter(region_code=options["city"])
        rows = list(issues)
        if not rows:
            self.stdout.write("没有简报。")
        for issue in rows:
            self.stdout.write(
                f"{issue.pk:>5}  {issue.number}  {issue.issued_on.isoformat()}  {issue.get_status_display()}  {issue.name}"
            )

    def _import(self, options) -> None:
        city = Region.objects.filter(code=options["city"], level=Level.CITY).first()
        if city is None:
            raise CommandError(f"找不到地级市“{options['city']}”，请填写 12 位区划代码，如 445300000000。")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件“{path}”。")
        places = [region.name for region in services.city_places(city.code)]
        try:
            parsed = importer.read_upload(path.name, path.read_bytes(), places)
        except ValueError as error:
            raise CommandError(f"{path.name}：{error}") from None
        if options["as_json"]:
            self.stdout.write(json.dumps(parsed.as_dict(), ensure_ascii=False, indent=2))
        else:
            for section in parsed.sections:
                self.stdout.write(f"●{section.title}（{len(section.articles)}篇）")
                for article in section.articles:
                    tables = f"  [表格{len(article.tables)}个]" if article.tables else ""
                    self.stdout.write(f"  {article.title}{tables}")
            if parsed.skipped:
                self.stdout.write(f"未导入的行：{len(parsed.skipped)}")
        if options["save"]:
            self._save(city, parsed, options)

    def _save(self, city: Region, parsed, options) -> None:
        missing = [flag for flag in ("year", "sequence", "date") if not options[flag]]
        if missing:
            raise CommandError("保存需要 " + "、".join(f"--{flag}" for flag in missing) + "。")
        try:
            issued_on = date.fromisoformat(options["date"])
        except ValueError:
            raise CommandError(f"印发日期“{options['date']}”格式不对，应为 YYYY-MM-DD。") from None
        try:
            bulletin = services.import_issue(
                actor=system_actor(),
                city_code=city.code,
                sections=parsed.sections,
                year=options["year"],
                sequence=options["sequence"],
                issued_on=issued_on,
                sent_to=parsed.sent_to,
                copied_to=parsed.copied_to,
            )
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None
        self.stdout.write(f"已归档：{bulletin}（编号 {bulletin.pk}）")

    def _export(self, options) -> None:
        bulletin = Bulletin.objects.visible_to(system_actor()).filter(pk=options["id"]).first()
        if bulletin is None:
            raise CommandError(f"找不到编号为 {options['id']} 的简报。")
        data = render_docx(compose.compose(bulletin))
        write_file(options["output"], data)
        self.stdout.write(f"已导出：{options['output']}（{bulletin}，{len(data) // 1024} KB）")
