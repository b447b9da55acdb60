"""The `shuangbai` command: Django's management commands, plus `serve` (gunicorn).

shuangbai serve [--host H] [--port P] [--workers N]
shuangbai demo | migrate | createuser | regions load FILE.csv | synth --scale F | ...
"""

from __future__ import annotations

import argparse
import os
import sys


def serve(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="shuangbai serve", description="以 gunicorn 启动服务")
    parser.add_argument("--host", default=os.environ.get("SHUANGBAI_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 3)))
    args = parser.parse_args(argv)

    import django
    from django.core.management import call_command

    django.setup()
    call_command("collectstatic", interactive=False, verbosity=0)
    os.execvp(
        sys.executable,
        [
            sys.executable,
            "-m",
            "gunicorn",
            "shuangbai.wsgi:application",
            "--bind",
            f"{args.host}:{args.port}",
            "--workers",
            str(args.workers),
            "--access-logfile",
            "-",
        ],
    )


# Commands that read or write the programme's data: on a database not yet migrated they would end in "no such
# table"; say what to do instead.
NEEDS_DATABASE = {
    "synth",
    "createuser",
    "changepassword",
    "report",
    "import",
    "export",
    "bulletin",
    "regions",
}
OWN_COMMANDS = """shuangbai 的命令（shuangbai help 命令名 查看参数）：
  serve          以 gunicorn 启动服务（--host --port --workers）
  demo           建库并载入云浮市演示数据，列出演示账号
  migrate        建立或升级数据库
  createuser     新建用户；changepassword 修改密码
  permissions    列出权限表：谁可以做什么
  regions        载入区划
  import/export  服务对象台账的导入（含模板）与导出
  report         入户率、建设进度一览表、工作数据
  bulletin       工作简报的导入、导出、列表
  synth          生成合成数据（基准测试用）
"""


def database_ready() -> bool:
    from django.db import connection

    try:
        return "core_user" in connection.introspection.table_names()
    except Exception:  # a PostgreSQL server that cannot be reached: Django's own error says it better
        return True


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuangbai.settings")
    if argv and argv[0] == "serve":
        serve(argv[1:])
        return
    if not argv or argv[0] in ("help", "--help", "-h") and len(argv) == 1:
        print(OWN_COMMANDS)
        return
    import django
    from django.core.management import execute_from_command_line

    django.setup()
    if argv[0] in NEEDS_DATABASE and not database_ready():
        print(
            "数据库尚未建立：请先运行 shuangbai migrate（或 make demo，它会一并载入演示数据）。",
            file=sys.stderr,
        )
        sys.exit(2)
    execute_from_command_line(["shuangbai", *argv])


if __name__ == "__main__":
    main()
