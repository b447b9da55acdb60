import io
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


def test_the_console_command_is_installed():
    result = subprocess.run(
        [sys.executable, "-m", "shuangbai.cli", "help", "regions"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "载入区划树" in result.stdout
