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


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuangbai.settings")
    if argv and argv[0] == "serve":
        serve(argv[1:])
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(["shuangbai", *argv])


if __name__ == "__main__":
    main()
