from django.core.management.base import BaseCommand, CommandError

from shuangbai.regions.services import RegionLoadError, read_region_csv, regions_load


class Command(BaseCommand):
    help = (
        "行政区划：load FILE.csv 载入区划树（列 code,name,parent_code[,level]；可重复执行；有错则全部不载入）"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="载入区划 CSV")
        load.add_argument("file")

    def handle(self, *args, action, file, **options):
        try:
            result = regions_load(read_region_csv(file))
        except FileNotFoundError:
            raise CommandError(f"找不到文件：{file}") from None
        except RegionLoadError as error:
            raise CommandError("区划文件有错误，未载入任何数据：\n" + "\n".join(error.errors)) from None
        self.stdout.write(f"新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}。")
