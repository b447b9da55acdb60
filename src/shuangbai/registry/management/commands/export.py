"""shuangbai export beneficiaries --scope CODE -o FILE.xlsx --as USERNAME [--category CODE] [--status ...]"""

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from shuangbai.core.commands import user_named, write_file
from shuangbai.regions.models import Region
from shuangbai.registry.exports import export_beneficiaries_counted
from shuangbai.registry.models import Category, Status
from shuangbai.registry.selectors import BeneficiaryFilter, beneficiary_list


class Command(BaseCommand):
    help = (
        "导出服务对象名单（身份证号、电话脱敏；记入审计日志）：export beneficiaries --scope 区划代码 "
        "-o 名单.xlsx --as 用户名 [--category 类别代码] [--status active|exited|all]"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        people = sub.add_parser("beneficiaries", help="导出服务对象名单")
        people.add_argument(
            "--scope",
            metavar="CODE",
            required=True,
            help="区划代码（市、县、镇街、村居），须在该用户的管辖范围内",
        )
        people.add_argument("-o", "--output", metavar="FILE.xlsx", required=True)
        people.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            required=True,
            help="以该用户的身份导出（记入审计日志）",
        )
        people.add_argument("--category", metavar="CODE", help="只导出该类别（类别代码，如 dibao）")
        people.add_argument(
            "--status", choices=["active", "exited", "all"], default="active", help="在册（默认）、退出或全部"
        )

    def handle(self, *args, scope, output, as_user, category, status, **options):
        user = user_named(as_user)
        region = Region.objects.visible_to(user).filter(code=scope).first()
        if region is None:
            raise CommandError(f"区划代码 {scope} 不存在，或不在用户 {user.username} 的管辖范围内。")
        chosen = None
        if category:
            chosen = Category.objects.filter(code=category).first()
            if chosen is None:
                codes = "、".join(Category.objects.values_list("code", flat=True))
                raise CommandError(f"没有代码为“{category}”的类别。可用的类别代码：{codes}")
        filters = BeneficiaryFilter(
            region=region, category=chosen, status="" if status == "all" else Status(status)
        )
        try:
            content, count = export_beneficiaries_counted(
                actor=user, people=beneficiary_list(user, filters), description=filters.describe()
            )
        except PermissionDenied:
            raise CommandError(f"用户 {user.username} 的角色不能导出个人信息。") from None
        write_file(output, content)
        self.stdout.write(f"已导出 {count} 人到 {output}（范围：{filters.describe()}）。")
