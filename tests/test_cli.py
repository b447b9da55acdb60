import io
import os
import re
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from shuangbai.core.models import User
from shuangbai.regions.models import Region


def test_regions_load_command(db, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(
        "code,name,parent_code\n440000000000,广东省,\n445300000000,云浮市,440000000000\n", encoding="utf-8"
    )
    out = io.StringIO()
    call_command("regions", "load", str(path), stdout=out)
    assert "新增 2" in out.getvalue()
    assert Region.objects.get(code="445300000000").level == "city"


def test_regions_load_command_reports_the_line_and_loads_nothing(db, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(
        "code,name,parent_code\n440000000000,广东省,\n44530000,云浮市,440000000000\n", encoding="utf-8"
    )
    with pytest.raises(CommandError) as error:
        call_command("regions", "load", str(path))
    assert "第3行" in str(error.value) and "12位数字" in str(error.value)
    assert Region.objects.count() == 0


def test_createuser_reads_the_password_and_refuses_a_wrong_scope(world, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("a-long-new-password\n"))
    call_command("createuser", "officer", "--role", "county", "--scope", "445302000000", stdout=io.StringIO())
    user = User.objects.get(username="officer")
    assert user.check_password("a-long-new-password") and user.scope_region.name == "云城区"
    monkeypatch.setattr(sys, "stdin", io.StringIO("a-long-new-password\n"))
    with pytest.raises(CommandError) as error:
        call_command("createuser", "x", "--role", "county", "--scope", "445300000000", stdout=io.StringIO())
    assert "范围不能是市" in str(error.value)


def test_createuser_refuses_a_weak_password(world, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("123\n"))
    with pytest.raises(CommandError) as error:
        call_command("createuser", "weak", "--role", "city", "--scope", "445300000000", stdout=io.StringIO())
    assert "密码不符合要求" in str(error.value)
    assert not User.objects.filter(username="weak").exists()


def test_createuser_refuses_a_password_like_the_username_in_chinese(world, monkeypatch):
    """Finding 10: validated with the account, so xworker1234 is refused for xworker; every message Chinese."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("xworker1234\n"))
    with pytest.raises(CommandError) as error:
        call_command(
            "createuser", "xworker", "--role", "city", "--scope", "445300000000", stdout=io.StringIO()
        )
    message = str(error.value)
    assert "密码不符合要求" in message and "用户名" in message, message
    assert not re.search(r"[A-Za-z]{4,}", message.replace("xworker", "")), message
    assert not User.objects.filter(username="xworker").exists()


def test_the_console_command_is_installed():
    result = subprocess.run(
        [sys.executable, "-m", "shuangbai.cli", "help", "regions"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "载入区划树" in result.stdout


def test_a_short_password_is_refused_in_chinese(world, monkeypatch):
    # Django 5.2's own Chinese lacks its new length message: ours says it
    monkeypatch.setattr(sys, "stdin", io.StringIO("short1\n"))
    with pytest.raises(CommandError, match="密码太短，至少需要10个字符"):
        call_command(
            "createuser", "shorty", "--role", "city", "--scope", "445300000000", stdout=io.StringIO()
        )


def _cli(*args: str, home) -> subprocess.CompletedProcess:
    env = {**os.environ, "SHUANGBAI_HOME": str(home), "DJANGO_SETTINGS_MODULE": "shuangbai.settings"}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "shuangbai.cli", *args], capture_output=True, text=True, timeout=120, env=env
    )


def test_commands_on_a_database_not_yet_built_say_what_to_do(tmp_path):
    for args in (
        ("synth", "--scale", "0.001"),
        ("report", "coverage", "--region", "4453"),
        ("createuser", "x"),
    ):
        result = _cli(*args, home=tmp_path)
        assert result.returncode == 2, result.stderr
        assert "数据库尚未建立：请先运行 shuangbai migrate" in result.stderr
        assert "Traceback" not in result.stderr


def test_the_command_list_names_serve_and_the_project_commands(tmp_path):
    result = _cli(home=tmp_path)
    assert result.returncode == 0
    for name in ("serve", "demo", "createuser", "permissions", "report", "bulletin"):
        assert f"  {name}" in result.stdout


def test_output_goes_into_a_new_folder_and_json_with_o_is_refused(world, tmp_path):
    from openpyxl import load_workbook

    target = tmp_path / "新建文件夹" / "工作数据.xlsx"
    call_command(
        "report", "station-figures", "--region", "445381000000", "--from", "2021-01-01", "--to", "2021-12-31",
        "-o", str(target), stdout=io.StringIO(),
    )  # fmt: skip
    assert load_workbook(target).active.max_row > 1
    with pytest.raises(CommandError, match="-o（写入 Excel 文件）与 --json（在终端输出）只能选用一个"):
        call_command(
            "report", "station-figures", "--region", "445381000000", "--from", "2021-01-01",
            "--to", "2021-12-31", "-o", str(target), "--json",
        )  # fmt: skip
    with pytest.raises(CommandError, match="是一个文件夹"):
        call_command("import", "template", "beneficiaries", "-o", str(tmp_path), "--as", "city")
