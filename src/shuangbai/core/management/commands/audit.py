"""shuangbai audit verify: walk the audit log's chain and name every entry edited, deleted or inserted in the
database directly (exit 1 if any)."""

from django.core.management.base import BaseCommand, CommandError

from shuangbai.core.audit import audit_verify


class Command(BaseCommand):
    help = "审计日志：verify 校验整条日志链，指出在数据库中被直接修改、删除或插入的记录"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"], help="verify：校验审计日志链")

    def handle(self, *args, action, **options):
        count, problems = audit_verify()
        for problem in problems:
            self.stdout.write(problem)
        if problems:
            raise CommandError(f"审计日志校验未通过：共{count}条，发现{len(problems)}处问题（见上）。")
        self.stdout.write(f"审计日志校验通过：共{count}条，链完整。")
