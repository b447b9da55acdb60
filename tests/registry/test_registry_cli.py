"""The ledger on the command line: shuangbai import / export, their files and their exit status."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from shuangbai import cli
from shuangbai.core.models import AuditAction, AuditEntry
from shuangbai.registry.models import Beneficiary, ImportRun
from tests.conftest import id_number
from tests.registry.test_ledger_import import error_column, ledger_xlsx, person


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_import_beneficiaries_reports_what_it_did(world, tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(
        ledger_xlsx(
            [
                person("甲", id_number("445381", "19500101", "111"), household="1", relation="户主"),
                person("乙", id_number("445381", "19500101", "122"), household="1", relation="配偶"),
            ]
        )
    )
    out = run("import", "beneficiaries", str(path), "--into", "445381000000", "--as", "county")
    assert "导入完成：共 2 行，新增 2 人（1 户），更新 0 人，未变 0 人" in out
    assert Beneficiary.objects.get(name="乙").registered_by.username == "county"


def test_import_with_a_bad_row_fails_and_writes_the_error_file(world, tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(
        ledger_xlsx(
            [person("甲", id_number("445381", "19500101", "111")), person("乙", "", village="无此村")]
        )
    )
    out_file = tmp_path / "错误.xlsx"
    before = Beneficiary.objects.count()
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command(
            "import",
            "beneficiaries",
            str(path),
            "--into",
            "445381000000",
            "--as",
            "county",
            "--errors",
            str(out_file),
            stdout=out,
        )
    assert "共 2 行，其中 1 行有错误，全部未导入" in str(error.value) and str(out_file) in str(error.value)
    assert "第3行：" in out.getvalue() and "无此村" in out.getvalue()
    assert Beneficiary.objects.count() == before
    sheet = load_workbook(out_file).active
    assert list(error_column(sheet)) == [3]
    assert ImportRun.objects.get().status == "failed"


def test_import_without_errors_option_writes_next_to_the_file(world, tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(ledger_xlsx([person("甲", "123")]))
    with pytest.raises(CommandError):
        run("import", "beneficiaries", str(path), "--into", "445381000000", "--as", "county")
    assert (tmp_path / "台账-错误.xlsx").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--into", "445381000000", "--as", "nobody"], "找不到用户“nobody”"),
        (["--into", "445302000000", "--as", "county"], "无权导入到云城区"),
        (["--into", "445381002000", "--as", "worker_a"], "无权导入"),
        (["--into", "999999999999", "--as", "county"], "找不到区划代码"),
    ],
)
def test_import_refuses_a_wrong_user_or_place(world, tmp_path, args, message):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(ledger_xlsx([person("甲", id_number("445381", "19500101", "111"))]))
    with pytest.raises(CommandError) as error:
        run("import", "beneficiaries", str(path), *args)
    assert message in str(error.value)
    assert not Beneficiary.objects.filter(name="甲").exists()


def test_import_of_a_file_that_is_not_a_ledger(world, tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"a,b\n1,2\n")
    with pytest.raises(CommandError) as error:
        run("import", "beneficiaries", str(path), "--into", "445381000000", "--as", "county")
    assert "文件不能导入" in str(error.value) and "找不到表头" in str(error.value)


def test_the_template_with_and_without_a_user(world, tmp_path):
    mine = tmp_path / "mine.xlsx"
    out = run("import", "template", "beneficiaries", "-o", str(mine), "--as", "county")
    assert "已生成导入模板" in out
    lists = load_workbook(mine)["选项"]
    villages = next(col for col in lists.iter_cols() if col[0].value == "村（居）")
    assert {cell.value for cell in villages[1:]} - {None} == {"凤塘村", "柑园村"}
    free = tmp_path / "free.xlsx"
    assert "自由填写" in run("import", "template", "beneficiaries", "-o", str(free))
    assert "村（居）" not in [col[0].value for col in load_workbook(free)["选项"].iter_cols()]


def test_export_writes_the_users_scope_and_audits_it(world, tmp_path):
    path = tmp_path / "名单.xlsx"
    out = run("export", "beneficiaries", "--scope", "445381000000", "-o", str(path), "--as", "county")
    assert "已导出 2 人" in out
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][0].startswith("导出人：county（county）")
    assert sorted(row[0] for row in rows[2:]) == ["对象A", "对象B"]
    assert AuditEntry.objects.get(action=AuditAction.EXPORT).actor == world.county

    town = tmp_path / "town.xlsx"
    run(
        "export",
        "beneficiaries",
        "--scope",
        "445381001000",
        "-o",
        str(town),
        "--as",
        "county",
        "--category",
        "dibao",
        "--status",
        "all",
    )
    rows = list(load_workbook(town).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[2:]] == ["对象B"]
    assert "类别：低保对象" in rows[0][0] and "状态：全部" in rows[0][0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scope", "445302000000", "--as", "county"], "不在用户 county 的管辖范围内"),
        (["--scope", "445381000000", "--as", "county", "--category", "rich"], "没有代码为“rich”的类别"),
        (["--scope", "445300000000", "--as", "viewer"], "不能导出个人信息"),
    ],
)
def test_export_refuses_outside_the_scope(world, tmp_path, args, message):
    path = tmp_path / "名单.xlsx"
    with pytest.raises(CommandError) as error:
        run("export", "beneficiaries", "-o", str(path), *args)
    assert message in str(error.value)
    assert not path.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_console_command_exits_non_zero_on_a_bad_file(world, tmp_path, monkeypatch, capsys):
    # run_from_argv closes the connections when it ends; the test's transaction must outlive it.
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    good = tmp_path / "good.xlsx"
    good.write_bytes(ledger_xlsx([person("甲", id_number("445381", "19500101", "111"))]))
    cli.main(["import", "beneficiaries", str(good), "--into", "445381000000", "--as", "county"])
    assert "导入完成" in capsys.readouterr().out

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(ledger_xlsx([person("乙", "12345")]))
    with pytest.raises(SystemExit) as exit_:
        cli.main(["import", "beneficiaries", str(bad), "--into", "445381000000", "--as", "county"])
    assert exit_.value.code == 1
    assert "全部未导入" in capsys.readouterr().err
    assert (tmp_path / "bad-错误.xlsx").exists()
