"""shuangbai import beneficiaries FILE --into CODE --as USERNAME [--update] [--errors OUT.xlsx]
shuangbai import template beneficiaries -o FILE.xlsx [--as USERNAME]"""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from shuangbai.core.commands import user_named, write_file
from shuangbai.regions.models import Region
from shuangbai.registry.ledger import (
    MAX_UPLOAD_BYTES,
    LedgerError,
    error_file_bytes,
    import_ledger,
    template_workbook,
)
from shuangbai.registry.models import ImportStatus

SHOWN_ERRORS = 20


class Command(BaseCommand):
    help = (
        "导入服务对象台账：import beneficiaries FILE.xlsx|FILE.csv --into 区划代码 --as 用户名 [--update] "
        "[--errors 错误文件.xlsx]；有一行出错则全部不导入。"
        "生成导入模板：import template beneficiaries -o 模板.xlsx [--as 用户名]"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        people = sub.add_parser("beneficiaries", help="导入服务对象台账（.xlsx 或 .csv）")
        people.add_argument("file", metavar="FILE", help=".xlsx 或 .csv（UTF-8 或 GBK）")
        people.add_argument(
            "--into",
            metavar="CODE",
            required=True,
            help="导入到的区划代码（县、镇街等），须在该用户的管辖范围内",
        )
        people.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            required=True,
            help="以该用户的身份导入（记入审计日志）",
        )
        people.add_argument(
            "--update", action="store_true", help="身份证号已登记（且在管辖范围内）的，更新其信息"
        )
        people.add_argument(
            "--errors",
            metavar="OUT.xlsx",
            help="有错误时，标注了错误的文件写到这里（默认：原文件名-错误.xlsx）",
        )
        template = sub.add_parser("template", help="生成导入模板")
        template.add_argument("kind", choices=["beneficiaries"])
        template.add_argument("-o", "--output", metavar="FILE.xlsx", required=True)
        template.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="按该用户的管辖范围给出镇（街）、村（居）下拉选项；不指定则这两列为自由填写",
        )

    def handle(self, *args, what, **options):
        if what == "template":
            self.template(options["output"], options.get("as_user"))
        else:
            self.beneficiaries(options)

    def template(self, output: str, as_user: str | None) -> None:
        user = user_named(as_user) if as_user else None
        write_file(output, template_workbook(user))
        villages = (
            "按用户的管辖范围给出村（居）下拉选项" if user else "未指定 --as，镇（街）、村（居）列为自由填写"
        )
        self.stdout.write(f"已生成导入模板：{output}（{villages}）。")

    def beneficiaries(self, options) -> None:
        user = user_named(options["as_user"])
        path = Path(options["file"])
        into = Region.objects.filter(code=options["into"]).first()
        if into is None:
            raise CommandError(f"找不到区划代码 {options['into']}。")
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise CommandError(f"找不到文件：{path}") from None
        if size > MAX_UPLOAD_BYTES:
            raise CommandError(
                f"文件过大（{size / 1024 / 1024:.1f} MB），上限为 {MAX_UPLOAD_BYTES // 1024 // 1024} MB。"
            )
        try:
            run = import_ledger(
                actor=user, data=path.read_bytes(), filename=path.name, into=into, update=options["update"]
            )
        except PermissionDenied:
            raise CommandError(f"用户 {user.username} 无权导入到{into.name}（{into.code}）。") from None
        except LedgerError as error:
            raise CommandError(f"文件不能导入，未导入任何数据：{error}") from None
        if run.status == ImportStatus.DONE:
            self.stdout.write(
                f"导入完成：共 {run.rows} 行，新增 {run.created} 人（{run.households} 户），"
                f"更新 {run.updated} 人，未变 {run.unchanged} 人；用时 {run.seconds:.1f} 秒。"
            )
            return
        out = Path(options["errors"] or path.with_name(f"{path.stem}-错误.xlsx"))
        out = write_file(str(out), error_file_bytes(run))
        for error in run.errors[:SHOWN_ERRORS]:
            self.stdout.write(f"第{error['row']}行：{error['message']}")
        if run.bad_rows > SHOWN_ERRORS:
            self.stdout.write(f"……另有 {run.bad_rows - SHOWN_ERRORS} 行有错误，见错误文件。")
        raise CommandError(
            f"共 {run.rows} 行，其中 {run.bad_rows} 行有错误，全部未导入。标注了错误的文件：{out}"
        )
