import getpass
import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from shuangbai.core.models import Role, User, system_actor
from shuangbai.staff.accounts import user_create


class Command(BaseCommand):
    help = "新建用户：createuser USERNAME --role ROLE --scope 区划代码 [--name 姓名]；密码从终端输入（或标准输入的一行）"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--scope", required=True, help="区划代码；站长/社工填社工站所在镇（街）的代码")
        parser.add_argument("--name", default="", help="姓名")
        parser.add_argument("--no-password", action="store_true", help="不设密码（之后由管理员设置）")

    def handle(self, *args, username, role, scope, name, no_password, **options):
        password = None
        if not no_password:
            if sys.stdin.isatty():
                password = getpass.getpass("密码：")
                if password != getpass.getpass("再次输入密码："):
                    raise CommandError("两次输入的密码不一致。")
            else:
                password = sys.stdin.readline().rstrip("\n")
            try:
                # with the account as it will be, so a password like its username (xworker1234) is refused
                validate_password(password, user=User(username=username, display_name=name))
            except ValidationError as error:
                raise CommandError("密码不符合要求：" + "；".join(error.messages)) from None
        try:
            user = user_create(
                actor=system_actor(),
                username=username,
                password=password,
                role=role,
                scope_code=scope,
                display_name=name,
            )
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None
        self.stdout.write(f"已新建用户 {user.username}（{user.get_role_display()}）。")
