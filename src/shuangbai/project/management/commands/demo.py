import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from shuangbai.demo import demo_password, load_demo, registry_summary


class Command(BaseCommand):
    help = "迁移数据库并载入云浮市演示数据（可重复执行），打印每个角色的演示账号"

    def handle(self, *args, **options):
        started = time.monotonic()

        def progress(line: str) -> None:
            # Each step as it starts, with the seconds so far: a newcomer sees it working, not a silent minute.
            self.stdout.write(f"[{time.monotonic() - started:5.1f}秒] {line}")
            self.stdout.flush()

        progress("建立数据库表")
        call_command("migrate", interactive=False, verbosity=0)
        logins = load_demo(progress=progress)
        progress("完成")
        self.stdout.write("云浮市演示数据已就绪（区划为真实代码；村居代码、人名、电话均为虚构）。")
        self.stdout.write(registry_summary())
        self.stdout.write(f"演示账号（密码均为 {demo_password()}）：")
        for username, role, scope in logins:
            self.stdout.write(f"  {username:<11} {role:<12} {scope}")
