"""`shuangbai bulletin import` prints the split of a back issue (and files it with --save); `export` writes the
.docx; bad input answers in Chinese."""

from __future__ import annotations

import io
import json
from importlib import resources

import pytest
from django.core.management import CommandError, call_command
from docx import Document as open_docx

from shuangbai.bulletins.models import Bulletin
from shuangbai.bulletins.services import article_create
from shuangbai.core.models import system_actor

from .conftest import CITY


def _seed(tmp_path, name: str):
    path = tmp_path / name
    path.write_bytes(resources.files("shuangbai").joinpath(f"data/bulletins/{name}").read_bytes())
    return path


def _run(*args) -> str:
    out = io.StringIO()
    call_command("bulletin", *args, stdout=out)
    return out.getvalue()


def test_import_prints_the_sections_and_titles_of_each_seed(world, tmp_path):
    text = _run("import", str(_seed(tmp_path, "000_e48372aba3d1b36b.txt")), "--city", CITY)
    lines = text.splitlines()
    assert lines[0] == "●市级动态（1篇）"
    assert "●县（市、区）动态（3篇）" in lines and "●社工站（点）动态（9篇）" in lines
    assert "  郁南县桂圩镇社工站：热心助力精神障碍患者平安入院" in lines
    data = json.loads(
        _run("import", str(_seed(tmp_path, "001_8f8367b09badc71e.txt")), "--city", CITY, "--json")
    )
    assert [(s["key"], len(s["articles"])) for s in data["sections"]] == [
        ("city", 7),
        ("county", 2),
        ("station", 1),
    ]
    table = data["sections"][0]["articles"][6]["tables"][0]
    assert next(row for row in table["rows"] if row[0] == "罗定市")[10] == "未配备齐全"
    assert not Bulletin.objects.exists()  # printing files nothing


def test_import_save_then_export_round_trip(world, tmp_path):
    seed = _seed(tmp_path, "001_8f8367b09badc71e.txt")
    text = _run(
        "import",
        str(seed),
        "--city",
        CITY,
        "--save",
        "--year",
        "2021",
        "--sequence",
        "7",
        "--date",
        "2021-08-10",
    )
    issue = Bulletin.objects.get()
    assert f"编号 {issue.pk}" in text and issue.is_published and issue.imported
    assert f"{issue.pk:>5}  2021年第7期  2021-08-10  已发布" in _run("list", "--city", CITY)
    out = tmp_path / "issue.docx"
    _run("export", str(issue.pk), "-o", str(out))
    document = open_docx(out)
    texts = [p.text for p in document.paragraphs]
    assert "2021年第7期" in texts and "●县（市、区）动态" in texts
    assert "云城区河口街道社工服务站：用脚绘制地图 用心丈量民情" in texts
    total = next(row for row in document.tables[0].rows if row.cells[0].text == "合计")
    assert [c.text for c in total.cells][2:5] == ["63", "63", "63"]
    # the exported issue imports back with the same sections and titles
    again = json.loads(_run("import", str(out), "--city", CITY, "--json"))
    assert [[a["title"] for a in s["articles"]] for s in again["sections"]] == [
        [a["title"] for a in s["articles"]] for s in issue.snapshot["sections"]
    ]


def test_bad_input_is_refused_in_chinese(world, records, tmp_path):
    with pytest.raises(CommandError, match="找不到地级市“445381000000”"):
        _run("import", str(_seed(tmp_path, "000_e48372aba3d1b36b.txt")), "--city", "445381000000")
    with pytest.raises(CommandError, match="找不到文件"):
        _run("import", str(tmp_path / "none.txt"), "--city", CITY)
    plain = tmp_path / "plain.txt"
    plain.write_text("没有栏目的文字。", encoding="utf-8")
    with pytest.raises(CommandError, match="plain.txt：未找到栏目标题"):
        _run("import", str(plain), "--city", CITY)
    with pytest.raises(CommandError, match="保存需要 --year、--sequence、--date"):
        _run("import", str(_seed(tmp_path, "000_e48372aba3d1b36b.txt")), "--city", CITY, "--save")
    with pytest.raises(CommandError, match="印发日期应在2021年内"):
        _run(
            "import", str(_seed(tmp_path, "000_e48372aba3d1b36b.txt")), "--city", CITY, "--save",
            "--year", "2021", "--sequence", "9", "--date", "2022-01-05",
        )  # fmt: skip
    with pytest.raises(CommandError, match="找不到编号为 999 的简报"):
        _run("export", "999", "-o", str(tmp_path / "x.docx"))
    # a draft exports as composed now
    article_create(
        actor=system_actor(),
        city_code=CITY,
        section="city",
        title="草稿稿件",
        body="正文。",
        bulletin=records.bulletin,
    )
    _run("export", str(records.bulletin.pk), "-o", str(tmp_path / "draft.docx"))
    assert "草稿稿件" in [p.text for p in open_docx(tmp_path / "draft.docx").paragraphs]
