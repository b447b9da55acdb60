"""The importer of back issues: the two seed texts split as a reader sees them, a .docx built here, bad files."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from importlib import resources

import pytest
from docx import Document as new_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH

from shuangbai.bulletins.content import Section
from shuangbai.bulletins.importer import NO_HEADING, UNTITLED, parse_docx, parse_text, read_upload

# The two seed bulletins, as shipped with the package (copies of ../shared/seeds: the demo imports them too).
SEED_2021 = "001_8f8367b09badc71e.txt"
SEED_2023 = "000_e48372aba3d1b36b.txt"


def _seed(name: str) -> str:
    return resources.files("shuangbai").joinpath(f"data/bulletins/{name}").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def places() -> list[str]:
    """The city, its counties and towns, from the region tree shipped with the package (= shared/data's CSV)."""
    text = resources.files("shuangbai").joinpath("data/regions-yunfu.csv").read_text(encoding="utf-8")
    return [
        row["name"] for row in csv.DictReader(io.StringIO(text)) if row["level"] in ("city", "county", "town")
    ]


def _titles(issue) -> dict[str, list[str]]:
    return {section.key: [article.title for article in section.articles] for section in issue.sections}


def _article(issue, title_start: str):
    return next(a for s in issue.sections for a in s.articles if a.title.startswith(title_start))


def _compact(text: str) -> str:
    return "".join(text.split())


# ---------------------------------------------------------------------------------------------- seed 2021


TITLES_2021 = {
    "city": [
        "省民政厅领导到我市云安区、新兴县开展广东社工“双百计划”项目监测评估工作",
        "云浮市民政局《双百花开遍地红》获省民政系统文艺汇演粤西片区三等奖",
        "云浮市圆满完成“双百工程”社工督导人员招聘面试工作",
        "云浮市召开2021年公开招聘“双百工程”社工笔试考务工作推进会",
        "2021年云浮市“双百工程”社工招聘笔试顺利结束",
        "市民政局到禁毒挂点帮扶街道罗定双东街道开展禁毒宣传活动",
        "云浮市2021年“双百工程”社工站（点）建设进度情况一览表",
    ],
    "county": [
        "郁南：张和清总督导莅临都城镇社工站调研指导工作",
        "罗定市民政局举办“双百工程”社工业务培训班",
    ],
    # The file has three spaces between the halves here (two in its table of contents): collapsed to one.
    "station": ["云城区河口街道社工服务站：用脚绘制地图 用心丈量民情"],
}


def test_the_2021_seed_splits_into_its_three_sections_and_eleven_articles(places):
    issue = parse_text(_seed(SEED_2021), places=places)

    assert [s.key for s in issue.sections] == ["city", "county", "station"]
    assert _titles(issue) == TITLES_2021
    article = _article(issue, "云浮市召开2021年")
    assert article.paragraphs[0] == (
        "2021年7月26日下午，在云浮市民政局8楼会议室召开2021年公开招聘“双百工程”社工笔试考务工作推进会，"
        "市人民政府副秘书长谢汉东出席会议并讲话。"
    )
    assert len(article.paragraphs) == 2
    assert [len(a.paragraphs) for a in issue.sections[1].articles] == [5, 3]
    # A leading no-break space and full-width spaces are stripped, the text is otherwise kept.
    assert _article(issue, "云浮市圆满完成").paragraphs[1].startswith("市民政局高度重视此次公开招聘面试工作")
    assert _article(issue, "云城区河口").paragraphs[1].startswith("因一次交通意外事故，河口街道青年小陈")


def test_the_2021_table_comes_back_with_its_merged_header_and_the_seed_values(places):
    issue = parse_text(_seed(SEED_2021), places=places)
    article = _article(issue, "云浮市2021年")

    assert article.paragraphs == []
    [table] = article.tables
    assert table.title == "云浮市2021年“双百工程”社工站（点）建设进度情况一览表"
    assert table.lead.startswith("制表单位：云浮市民政局")
    assert table.lead.endswith("时间：2021年8月9日")
    assert table.header_rows == 2
    assert table.rows[0] == [
        "县（市、区）", "方案出台情况", "社工站", "", "", "", "", "社工点", "", "", "", "",
        "是否建立工作协调机制", "是否建立站点管理机制", "落实经费情况", "开展社工业务培训情况",
    ]  # fmt: skip
    assert table.rows[1] == [
        "", "", "应建社工站数量", "已完成社工站数量", "落实办公场所数量", "设备设施情况", "人员配备数量",
        "应建社工点数量", "已完成社工点数量", "落实办公场所数量", "设备设施情况", "人员配备数量", "", "", "", "",
    ]  # fmt: skip
    assert table.merges == [
        (0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 0, 6), (0, 7, 0, 11),
        (0, 12, 1, 12), (0, 13, 1, 13), (0, 14, 1, 14), (0, 15, 1, 15),
    ]  # fmt: skip
    body = {row[0]: row for row in table.rows[2:]}
    assert list(body) == ["云城区", "云安区", "罗定市", "新兴县", "郁南县", "市本级", "合计"]
    assert all(len(row) == 16 for row in table.rows)
    assert body["云城区"] == [
        "云城区", "已出台", "8", "8", "8", "基本配备", "16", "19", "19", "19", "基本配备", "47",
        "是", "否", "正在测算费用，拟报区政府。", "1次",
    ]  # fmt: skip
    assert body["云安区"][14] == "已落实，165.7万元。"
    assert body["罗定市"][10] == "未配备齐全"
    assert body["新兴县"][14] == "测算县本级经费约232.92万元,已报请县政府审定。目前进入签批环节。"
    assert body["市本级"][2:12] == [""] * 10
    assert body["市本级"][12:14] == ["是", "是"]
    assert body["合计"] == [
        "合计",
        "",
        "63",
        "63",
        "63",
        "",
        "112",
        "146",
        "146",
        "146",
        "",
        "350",
        "",
        "",
        "",
        "10次",
    ]
    assert len(table.notes) == 3
    assert table.notes[0].startswith("备注：1.设备设施情况，是指已落实的办公场所中")
    assert table.notes[1:] == [
        "2.落实经费情况，是指是否有申请经费，申请的经费是否有批复，申请的数额。",
        "3.开展社工业务培训情况，是指目前开展的社工岗前培训、专业培训次数。",
    ]


def test_the_2021_foot_and_table_of_contents(places):
    issue = parse_text(_seed(SEED_2021), places=places)

    assert issue.sent_to.startswith("谢月浩副市长")
    assert issue.sent_to.endswith("各县（市、区）委深改委、人民政府，民政局。")
    assert issue.copied_to == "省民政厅，市委深改委成员。"
    # The table of contents at the top (cut short by the extraction) is left out, as the file writes it.
    assert issue.skipped == [
        "郁南：张和清总督导莅临都城镇社工站调研指导工作",
        "罗定市民政局举办“双百工程”社工业务培训班",
        "●社工站（点）动态",
        "云城区河口街道社工服务站：用脚绘制地图  用心丈量民情",
    ]
    assert issue.number == ""
    assert issue.issued_on is None


# ---------------------------------------------------------------------------------------------- seed 2023


TITLES_2023 = {
    "city": ["市民政局到新兴县调研“双百工程”整体工作推进情况"],
    "county": [
        "云城区民政局开展岁末年初民政服务机构安全生产和疫情防控工作检查暨社工关心关爱走访活动",
        "强督导促提升，云安区民政局深入各镇社工站开展督导检查工作",
        "郁南免费发放2700余份健康包，筑牢特困人员健康防线",
    ],
    "station": [
        "云城区高峰街道社工站开展“我们的节日•精神的家园”闹元宵亲子活动",
        "云安区六都镇社工站：巧手缤纷迎新春，儿童手工暖寒冬",
        "云安区六都镇社工站开展“包汤圆、庆团圆、贺元宵”活动",
        "罗定市素龙街道社工站开展2023年“迎新春·送温暖”春节慰问系列活动",
        "罗定市罗城街道社工站开展“兔开心，庆元宵”童趣小花灯主题活动",
        "新兴县水台镇社工站：链接辖区内资源开展“春节情更浓,关怀暖人心”春节慰问活动",
        "新兴县东成镇社工站：碧塘村“欢天喜地闹元宵”主题活动",
        "郁南县桂圩镇社工站：热心助力精神障碍患者平安入院",
        "郁南县连滩镇社工站：传承传统文化 非遗文化走进校园系列活动",
    ],
}


def test_the_2023_seed_splits_into_thirteen_articles(places):
    issue = parse_text(_seed(SEED_2023), places=places)

    assert [s.key for s in issue.sections] == ["city", "county", "station"]
    assert _titles(issue) == TITLES_2023
    assert [len(a.paragraphs) for a in issue.sections[1].articles] == [4, 3, 5]
    assert all(not a.tables for s in issue.sections for a in s.articles)
    assert (
        issue.sent_to
        == "梁绍雄副市长、潘杰华二级调研员；市直有关单位，各县（市、区）委深改委、人民政府，民政局。"
    )
    assert issue.copied_to == "省民政厅，市委深改委成员。"
    assert issue.skipped == []
    assert (issue.number, issue.issued_on) == ("", None)


def test_sub_headings_stay_paragraphs_of_their_article(places):
    issue = parse_text(_seed(SEED_2023), places=places)

    sulong = _article(issue, "罗定市素龙街道")
    assert len(sulong.paragraphs) == 12
    assert sulong.paragraphs[1:10:2] == [
        "协助开展春节慰问困难妇女儿童",
        "暖心大行动，送御寒物资",
        "慰问防返贫监测对象",
        "重点防疫，送暖心健康包",
        "喜迎新春送春联",
    ]
    assert sulong.paragraphs[2].startswith("2023年1月6日，素龙街道社工站、素龙街道妇联")
    assert sulong.paragraphs[-1].startswith("此次走访慰问系列活动")
    luocheng = _article(issue, "罗定市罗城街道")
    assert luocheng.paragraphs[1:6:2] == ["介绍元宵节由来", "猜灯谜环节", "制作兔子小桔灯环节"]
    assert len(luocheng.paragraphs) == 8


def test_paragraph_text_is_kept_exactly_inner_spaces_included(places):
    issue = parse_text(_seed(SEED_2023), places=places)

    liudu = _article(issue, "云安区六都镇社工站开展")
    # The file's line is "\xa0活动当天，\xa0社工提前…": the outer no-break space goes, the inner one stays.
    assert liudu.paragraphs[1].startswith("活动当天，\xa0社工提前准备好包汤圆所需的糯米粉")


@pytest.mark.parametrize("seed", [SEED_2021, SEED_2023])
@pytest.mark.parametrize("with_places", [True, False])
def test_no_line_of_a_seed_is_lost(seed, with_places, places):
    text = _seed(seed)
    issue = parse_text(text, places=places if with_places else ())

    found = list(issue.skipped) + [issue.sent_to, issue.copied_to]
    for section in issue.sections:
        for article in section.articles:
            found += [article.title, *article.paragraphs]
            for table in article.tables:
                found += [
                    table.title,
                    table.lead,
                    *table.notes,
                    *(cell for row in table.rows for cell in row),
                ]
    found_text = _compact("".join(found))
    headings = [section.title for section in issue.sections]
    for line in text.splitlines():
        if line.strip().startswith("●"):
            assert line.strip() in issue.skipped or line.strip().lstrip("●") in headings
        else:
            assert _compact(line.split("：", 1)[-1]) in found_text


# ---------------------------------------------------------------------------------------------- no places


def test_without_places_titles_naming_a_county_alone_join_the_article_before(places):
    issue = parse_text(_seed(SEED_2023), places=())

    # 郁南免费发放… names its county by its short name only: with no region tree it cannot be told from a
    # sub-heading, and is kept as a paragraph of the article before it. The others still split right.
    county = issue.sections[1].articles
    assert [a.title for a in county] == TITLES_2023["county"][:2]
    assert "郁南免费发放2700余份健康包，筑牢特困人员健康防线" in county[1].paragraphs
    assert _titles(issue)["station"] == TITLES_2023["station"]

    issue = parse_text(_seed(SEED_2021), places=())
    titles = _titles(issue)
    assert titles["city"] == [t for t in TITLES_2021["city"] if not t.startswith("2021年")]
    assert "2021年云浮市“双百工程”社工招聘笔试顺利结束" in _article(issue, "云浮市召开").paragraphs
    assert titles["county"] == TITLES_2021["county"]


# ---------------------------------------------------------------------------------------------- .docx


def _docx_bytes() -> bytes:
    document = new_docx()

    def line(text: str, *, centred: bool = False):
        paragraph = document.add_paragraph(text)
        if centred:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        return paragraph

    line("云浮市“双百工程”工作简报", centred=True)
    line("2023年第2期", centred=True)
    line("云浮市民政局　　　　　　2023年2月10日")
    line("●市级动态")
    line("市民政局到新兴县调研“双百工程”整体工作推进情况", centred=True)
    line("2月7日，市民政局一行到新兴县民政局调研民政重点工作推进情况。")
    line("慰问困难群众")  # a sub-heading: left-aligned, names no place
    line("\t调研组随后走访了3户困难群众。")  # a TAB indent in a .docx is not a table cell
    line("● 社工站(点)动态")  # half-width brackets and a space
    title = line("罗定市素龙街道社工站开展", centred=True)
    title.runs[0].add_break()  # a title broken over two lines inside one paragraph
    title.add_run("春节慰问活动")
    line("素龙街道社工站走访慰问困难群众20户。")
    line("春节送温暖")  # centred below: a title that names no place, but the layout says it is one
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    line("社工为困难群众送上春联。")
    line("2023年社工站建设进度表", centred=True)
    line("制表单位：云浮市民政局　　时间：2023年1月31日")
    table = document.add_table(rows=3, cols=4)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "县（市、区）"
    table.cell(0, 1).merge(table.cell(0, 2)).text = "社工站"
    table.cell(0, 3).merge(table.cell(1, 3)).text = "说明"
    table.cell(1, 1).text = "应建"
    table.cell(1, 2).text = "已建"
    for column, text in enumerate(["罗定市", "21", "21", "已落实"]):
        table.cell(2, column).text = text
    line("备注：数据截至2023年1月31日。")
    line("发至：梁绍雄副市长；市直有关单位。")
    line("抄送：省民政厅。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_docx_splits_into_sections_articles_and_its_table(places):
    issue = parse_docx(_docx_bytes(), places=places)

    assert _titles(issue) == {
        "city": ["市民政局到新兴县调研“双百工程”整体工作推进情况"],
        "station": ["罗定市素龙街道社工站开展春节慰问活动", "春节送温暖", "2023年社工站建设进度表"],
    }
    city = issue.sections[0].articles[0]
    assert city.paragraphs == [
        "2月7日，市民政局一行到新兴县民政局调研民政重点工作推进情况。",
        "慰问困难群众",
        "调研组随后走访了3户困难群众。",
    ]
    assert issue.sections[1].articles[0].paragraphs == ["素龙街道社工站走访慰问困难群众20户。"]
    [table] = issue.sections[1].articles[2].tables
    assert table.title == "2023年社工站建设进度表"
    assert table.lead == "制表单位：云浮市民政局　　时间：2023年1月31日"
    assert table.rows == [
        ["县（市、区）", "社工站", "", "说明"],
        ["", "应建", "已建", ""],
        ["罗定市", "21", "21", "已落实"],
    ]
    assert sorted(table.merges) == [(0, 0, 1, 0), (0, 1, 0, 2), (0, 3, 1, 3)]
    assert table.header_rows == 2
    assert table.notes == ["备注：数据截至2023年1月31日。"]
    assert issue.sent_to == "梁绍雄副市长；市直有关单位。"
    assert issue.copied_to == "省民政厅。"
    assert issue.skipped == [
        "云浮市“双百工程”工作简报",
        "2023年第2期",
        "云浮市民政局　　　　　　2023年2月10日",
    ]
    assert issue.number == "2023年第2期"
    assert issue.issued_on == date(2023, 2, 10)


def test_a_docx_foot_block_laid_out_in_a_table_is_read_as_lines(places):
    document = new_docx()
    document.add_paragraph("●县（市、区）动态")
    document.add_paragraph("罗定市民政局举办“双百工程”社工业务培训班")
    document.add_paragraph("培训班为期两天，共有80名社工参加。")
    foot = document.add_table(rows=2, cols=1)
    foot.cell(0, 0).text = "发至：各县（市、区）民政局。"
    foot.cell(1, 0).text = "抄送：省民政厅。"
    buffer = io.BytesIO()
    document.save(buffer)

    issue = parse_docx(buffer.getvalue(), places=places)

    assert _titles(issue) == {"county": ["罗定市民政局举办“双百工程”社工业务培训班"]}
    assert issue.sections[0].articles[0].tables == []
    assert (issue.sent_to, issue.copied_to) == ("各县（市、区）民政局。", "省民政厅。")


# ---------------------------------------------------------------------------------------------- small texts


def test_the_masthead_of_a_text_gives_number_and_date_and_stays_out_of_the_articles(places):
    text = "云浮市“双百工程”工作简报\n第2期\n云浮市民政局    2023年2月10日\n●市级动态\n云浮市召开推进会\n会议部署了下一阶段工作。\n"

    issue = parse_text(text, places=places)

    assert issue.number == "2023年第2期"  # the year from the date line
    assert issue.issued_on == date(2023, 2, 10)
    assert issue.skipped == ["云浮市“双百工程”工作简报", "第2期", "云浮市民政局    2023年2月10日"]
    assert _titles(issue) == {"city": ["云浮市召开推进会"]}


def test_a_section_met_twice_is_merged_and_an_empty_one_dropped(places):
    text = "\n".join(
        [
            "●市级动态",
            "云浮市召开推进会",
            "会议部署了工作。",
            "●县（市、区）动态",
            "●社工站（点）动态",
            "六都镇社工站开展元宵活动",
            "社工与村民一起包汤圆。",
            "●市级动态",
            "市民政局开展督导",
            "督导组走访了5个社工站。",
        ]
    )

    issue = parse_text(text, places=places)

    assert _titles(issue) == {
        "city": ["云浮市召开推进会", "市民政局开展督导"],
        "station": ["六都镇社工站开展元宵活动"],
    }
    assert issue.skipped == ["●县（市、区）动态"]


def test_odd_lines_find_a_sensible_place(places):
    text = "\n".join(
        [
            "●市级动态",
            "会前，各单位报送了材料。",  # body text before any title: an untitled article
            "●工作交流",  # not one of the three: stays in the section it follows, shown as skipped
            "罗定市民政局召开社工座谈会",
            "\t第一点",  # TAB lines one column wide (a blank line ends a row) are body text, not a table
            "",
            "\t第二点",
            "",
            "会议要求各站做好春节慰问。",
            "让爱心传递下去",  # a short closing line, then a title that begins with a place
            "云安区六都镇社工站开展培训",
            "培训内容包括个案工作方法。",
            "（六都镇社工站供稿）",
        ]
    )

    issue = parse_text(text, places=places)

    [section] = issue.sections
    untitled, forum, training = section.articles
    assert (untitled.title, untitled.paragraphs) == (UNTITLED, ["会前，各单位报送了材料。"])
    assert forum.title == "罗定市民政局召开社工座谈会"
    assert forum.paragraphs == ["第一点", "第二点", "会议要求各站做好春节慰问。", "让爱心传递下去"]
    assert training.title == "云安区六都镇社工站开展培训"
    assert training.byline == "（六都镇社工站供稿）"
    assert issue.skipped == ["●工作交流"]


def test_a_short_first_row_that_does_not_fit_a_merged_header_is_padded(places):
    text = "\n".join(
        ["●市级动态", "云浮市社工人数表", "\t县", "\t人数", "", "\t罗定市", "\t131", "\t已配齐", ""]
    )

    issue = parse_text(text, places=places)

    [table] = issue.sections[0].articles[0].tables
    assert table.rows == [["县", "人数", ""], ["罗定市", "131", "已配齐"]]
    assert (table.header_rows, table.merges) == (1, [])


def test_as_dict_is_json_and_reads_back_as_sections(places):
    issue = parse_text(_seed(SEED_2021), places=places)

    data = json.loads(json.dumps(issue.as_dict(), ensure_ascii=False))

    assert [s["title"] for s in data["sections"]] == ["市级动态", "县（市、区）动态", "社工站（点）动态"]
    assert data["issued_on"] is None
    assert data["skipped"] == issue.skipped
    sections = [Section.from_dict(s) for s in data["sections"]]
    assert sections == issue.sections


# ---------------------------------------------------------------------------------------------- wrong files


@pytest.mark.parametrize(
    "text",
    ["", "   \n\n", "云浮市召开推进会\n会议部署了下一阶段工作。\n", "\x00\x01\x02PK\x03\x04\ufffd\ufffd"],
)
def test_a_text_with_no_section_heading_is_refused_in_chinese(text):
    with pytest.raises(ValueError, match=r"未找到栏目标题（●市级动态等）"):
        parse_text(text)
    assert NO_HEADING == "未找到栏目标题（●市级动态等）"


def test_a_text_with_headings_but_no_article_body_is_refused():
    with pytest.raises(ValueError, match="栏目下没有找到文章正文"):
        parse_text("●市级动态\n云浮市召开推进会\n●社工站（点）动态\n六都镇社工站开展元宵活动\n")


def test_read_upload_chooses_by_extension_and_decodes_text(places):
    text = _seed(SEED_2023)
    expected = parse_text(text, places=places)

    for data in (text.encode("utf-8"), b"\xef\xbb\xbf" + text.encode("utf-8"), text.encode("gb18030")):
        assert read_upload("2023年第2期.TXT", data, places).sections == expected.sections
    assert _titles(read_upload("简报.docx", _docx_bytes(), places))["city"] == [
        "市民政局到新兴县调研“双百工程”整体工作推进情况"
    ]


@pytest.mark.parametrize("name", ["简报.doc", "简报.pdf", "简报", "简报.txt.zip"])
def test_read_upload_refuses_other_file_types(name):
    with pytest.raises(ValueError, match=r"只支持 \.docx 或 \.txt 文件"):
        read_upload(name, b"whatever", ())


@pytest.mark.parametrize(
    "data", [b"", b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe\x00garbage", bytes(range(256)) * 4]
)
def test_read_upload_of_garbage(data):
    with pytest.raises(ValueError, match=r"未找到栏目标题（●市级动态等）"):
        read_upload("简报.txt", data, ())
    with pytest.raises(ValueError, match=r"无法打开 \.docx 文件"):
        read_upload("简报.docx", data, ())


def test_an_exported_issue_with_photos_imports_back_with_the_same_articles(tmp_path, places):
    """Our own .docx, read back: each photo's caption stays text of its article, never a title of its own."""
    from PIL import Image

    from shuangbai.bulletins.content import Article, Document, Photo
    from shuangbai.bulletins.docx import render_docx

    Image.new("RGB", (60, 40), "orange").save(tmp_path / "p.jpg")
    articles = [
        Article(
            title="罗定市罗城街道社工站开展“兔开心，庆元宵”活动",
            paragraphs=["2月5日，社工与亲子家庭一起制作兔子小桔灯，共46名群众参与。"],
            photos=[Photo(path="p.jpg", caption="罗城街道社工站元宵活动现场")],
        ),
        Article(
            title="新兴县东成镇社工站：碧塘村“欢天喜地闹元宵”主题活动", paragraphs=["活动分为三个环节。"]
        ),
    ]
    document = Document(
        name="云浮市“双百工程”工作简报",
        number="2023年第3期",
        unit="云浮市民政局",
        issued_on=date(2023, 3, 15),
        sections=[Section(key="station", articles=articles)],
        sent_to="市直有关单位",
        copied_to="省民政厅",
    )
    issue = parse_docx(render_docx(document, media_root=tmp_path), places=places)
    found = [a for s in issue.sections for a in s.articles]
    assert [a.title for a in found] == [a.title for a in articles]
    assert "罗城街道社工站元宵活动现场" in found[0].paragraphs
    assert (issue.sent_to, issue.copied_to) == ("市直有关单位", "省民政厅")
