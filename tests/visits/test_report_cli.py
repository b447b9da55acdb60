"""`shuangbai report coverage`: the same figures as the page, as a Chinese table or as JSON, scoped by --as."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from shuangbai import cli
from tests.visits.coverage_fixture import LUODING, SULONG, YUNFU, build


@pytest.fixture
def data(world):
    return build(world)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def test_the_json_carries_each_child_with_both_rates_and_overdue_by_level(world, data):
    out = run("coverage", "--region", YUNFU, "--from", "2025-01-01", "--to", "2025-01-31", "--json")
    report = json.loads(out)

    assert report["region"] == {"code": YUNFU, "name": "云浮市", "level": "city"}
    assert report["period"] == {
        "from": "2025-01-01",
        "to": "2025-01-31",
        "label": "2025年1月1日至2025年1月31日",
        "overdue_as_of": "2025-01-31",
    }
    # the numbers of test_coverage's January table, counted by hand there
    assert report["total"]["registered"] == 39
    assert report["total"]["visited"] == 14
    assert report["total"]["served"] == 17
    assert report["total"]["overdue"] == {"1": 2, "2": 3, "3": 16, "4": 2}
    children = {child["name"]: child for child in report["children"]}
    assert list(children) == ["云城区", "云安区", "新兴县", "郁南县", "罗定市"]
    assert children["罗定市"] == {
        "code": LUODING,
        "name": "罗定市",
        "registered": 26,
        "visited": 7,
        "served": 10,
        "visit_rate": 0.2692,
        "service_rate": 0.3846,
        "overdue": {"1": 2, "2": 2, "3": 11, "4": 2},
        "hardship": children["罗定市"]["hardship"],
        "special": children["罗定市"]["special"],
    }
    hardship, special = children["罗定市"]["hardship"], children["罗定市"]["special"]
    assert (hardship["registered"], hardship["visited"], hardship["served"]) == (15, 4, 6)
    assert (special["registered"], special["visited"], special["served"]) == (12, 3, 5)
    assert hardship["visit_rate"] == 0.2667 and special["service_rate"] == 0.4167
    assert children["云安区"]["visit_rate"] is None and children["云安区"]["registered"] == 0


def test_the_text_table_is_in_chinese(world, data):
    out = run("coverage", "--region", SULONG, "--from", "2025-01-01", "--to", "2025-01-31")
    lines = out.splitlines()
    assert lines[0] == f"素龙街道（{SULONG}） 入户与服务覆盖"
    assert lines[1] == "统计时段：2025年1月1日至2025年1月31日；逾期按 2025年1月31日 计。"
    assert "【全部】" in out and "【困难群众】" in out and "【特殊群体】" in out
    header = next(line for line in lines if line.startswith("社工点"))
    assert header.split() == [
        "社工点",
        "在册",
        "入户",
        "入户率",
        "获服务",
        "服务覆盖率",
        "逾期一级",
        "逾期二级",
        "逾期三级",
        "逾期四级",
    ]
    rows = [line.split() for line in lines]
    assert ["A点", "9", "4", "44.4%", "5", "55.6%", "1", "1", "0", "1"] in rows
    assert ["规划点", "0", "0", "—", "0", "—", "0", "0", "0", "0"] in rows
    assert ["合计", "11", "4", "36.4%", "7", "63.6%", "1", "2", "1", "1"] in rows


def test_as_a_user_the_report_sees_their_scope_only(world, data):
    january = ("--from", "2025-01-01", "--to", "2025-01-31", "--json")
    county = json.loads(run("coverage", "--region", LUODING, *january, "--as", "county"))
    assert (county["total"]["registered"], county["total"]["visited"]) == (26, 7)
    own = json.loads(run("coverage", "--region", "445381001000", *january, "--as", "worker_b"))
    assert (own["total"]["registered"], own["total"]["visited"]) == (15, 3)  # station B's people
    with pytest.raises(CommandError) as error:
        run("coverage", "--region", YUNFU, *january, "--as", "worker_b")
    assert str(error.value) == "区划代码 445300000000 不存在，或不在用户 worker_b 的管辖范围内。"


def test_a_short_region_code_is_padded(world, data):
    report = json.loads(
        run("coverage", "--region", "4453", "--from", "2025-02-01", "--to", "2025-02-28", "--json")
    )
    assert report["region"]["code"] == YUNFU and report["total"]["registered"] == 39


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--region", "445300000000", "--from", "2025-13-01", "--to", "2025-01-31"],
            "开始日期“2025-13-01”格式不对",
        ),
        (
            ["--region", "445300000000", "--from", "2025-02-01", "--to", "2025-01-31"],
            "结束日期不能早于开始日期。",
        ),
        (
            ["--region", "449900000000", "--from", "2025-01-01", "--to", "2025-01-31"],
            "区划代码 449900000000 不存在",
        ),
        (["--region", "445300000000", "--from", "2099-01-01", "--to", "2099-01-31"], "所选时段尚未开始"),
        (
            ["--region", "445300000000", "--from", "2025-01-01", "--to", "2025-01-31", "--as", "nobody"],
            "找不到用户“nobody”",
        ),
    ],
)
def test_bad_arguments_are_refused_in_chinese(world, args, message):
    with pytest.raises(CommandError) as error:
        run("coverage", *args)
    assert message in str(error.value)


def test_the_console_command_exits_non_zero_on_bad_arguments(world, monkeypatch, capsys):
    # run_from_argv closes the connections when it ends; the test's transaction must outlive it.
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    cli.main(
        ["report", "coverage", "--region", YUNFU, "--from", "2025-01-01", "--to", "2025-01-31", "--json"]
    )
    assert json.loads(capsys.readouterr().out)["total"]["registered"] == 0  # the world's people came today
    with pytest.raises(SystemExit) as exit_:
        cli.main(["report", "coverage", "--region", YUNFU, "--from", "2025-02-01", "--to", "2025-01-01"])
    assert exit_.value.code == 1
    assert "结束日期不能早于开始日期。" in capsys.readouterr().err
