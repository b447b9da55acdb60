"""The bulletin's .docx (read back with python-docx) and its HTML preview, from a Document built here."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest
from django.template.loader import render_to_string
from docx.oxml.ns import qn
from docx.shared import Mm, RGBColor
from PIL import Image

from shuangbai.bulletins.content import Article, Document, Photo, Section, Table
from shuangbai.bulletins.docx import HtmlCell, render_docx, table_html_rows

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

HEADER = [
    ["县（市、区）", "方案出台情况", "社工站", "", "", "", "", "社工点", "", "", "", "", "是否建立工作协调机制",
     "是否建立站点管理机制", "落实经费情况", "开展社工业务培训情况"],
    ["", "", "应建社工站数量", "已完成社工站数量", "落实办公场所数量", "设备设施情况", "人员配备数量",
     "应建社工点数量", "已完成社工点数量", "落实办公场所数量", "设备设施情况", "人员配备数量", "", "", "", ""],
]  # fmt: skip
BODY = [
    ["云城区", "已出台", "8", "8", "8", "基本配备", "16", "19", "19", "19", "基本配备", "19", "是", "是", "已落实", "已开展"],
    ["罗定市", "已出台", "21", "21", "21", "基本配备", "42", "33", "30", "30", "基本配备", "30", "是", "是", "已落实", "已开展"],
    ["合计", "", "55", "55", "55", "", "110", "123", "118", "118", "", "118", "", "", "", ""],
]  # fmt: skip
# The first two columns and the last four span both header rows; 社工站 and 社工点 each span five columns.
MERGES = [(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 0, 6), (0, 7, 0, 11)] + [(0, c, 1, c) for c in range(12, 16)]


def progress_table() -> Table:
    return Table(
        title="云浮市“双百工程”社工站（点）建设进度情况一览表",
        rows=[list(row) for row in HEADER + BODY],
        header_rows=2,
        merges=list(MERGES),
        lead="制表单位：云浮市民政局        时间：2021年8月9日",
        notes=["备注：社工点数量含村（居）服务点。"],
    )


def sample_document(media_root: Path) -> Document:
    """Three sections, articles with numbers, a photo (made here under media_root), the 一览表, the foot lines."""
    (media_root / "bulletins").mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (800, 600), (40, 120, 200)).save(media_root / "bulletins" / "health-packs.jpg", "JPEG")
    return Document(
        name="云浮市“双百工程”工作简报",
        number="2023年第2期",
        unit="云浮市民政局",
        issued_on=date(2023, 2, 20),
        sections=[
            Section(
                key="city",
                articles=[
                    Article(
                        title="市民政局到新兴县调研“双百工程”整体工作推进情况",
                        paragraphs=[
                            "2月7日，市民政局一行到新兴县民政局调研民政重点工作推进情况。",
                            "调研组要求社工熟悉惠民利民政策，确保入户率100%。",
                        ],
                    )
                ],
            ),
            Section(
                key="county",
                articles=[
                    Article(
                        title="郁南县发放2,700份健康包",
                        paragraphs=["郁南县各镇社工站向困难群众发放健康包2,700份，走访45户。"],
                        photos=[Photo(path="bulletins/health-packs.jpg", caption="社工入户发放健康包")],
                        byline="（郁南县民政局供稿）",
                    ),
                    Article(
                        title="社工站（点）建设进度",
                        paragraphs=["截至2021年8月9日，全市建成社工站55个。"],
                        tables=[progress_table()],
                    ),
                ],
            ),
            Section(
                key="station",
                articles=[
                    Article(
                        title="河口街道社工服务站：用脚绘制地图",
                        paragraphs=["社工协助16人申请残疾人补贴。"],
                    )
                ],
            ),
        ],
        sent_to="梁绍雄副市长；市直有关单位，各县（市、区）民政局。",
        copied_to="省民政厅，市委深改委成员。",
    )


@pytest.fixture
def document(tmp_path: Path) -> Document:
    return sample_document(tmp_path)


@pytest.fixture
def read(document: Document, tmp_path: Path):
    return docx.Document(io.BytesIO(render_docx(document, media_root=tmp_path)))


def texts(read) -> list[str]:
    return [p.text for p in read.paragraphs]


def test_the_page_is_a4_with_gbt_9704_margins(read):
    section = read.sections[0]

    def mm(*lengths):  # stored in twentieths of a point: within a hundredth of a millimetre
        return tuple(round(length.mm, 1) for length in lengths)

    assert mm(section.page_width, section.page_height) == (210, 297)
    assert mm(section.top_margin, section.bottom_margin) == (37, 35)
    assert mm(section.left_margin, section.right_margin) == (28, 26)


def test_the_masthead_is_red_with_number_unit_and_date_over_a_red_rule(read):
    name, number, line = read.paragraphs[:3]
    assert name.text == "云浮市“双百工程”工作简报"
    assert name.runs[0].font.color.rgb == RGBColor(0xFF, 0, 0)
    assert name.runs[0].font.size.pt >= 26
    assert number.text == "2023年第2期"
    assert line.text == "云浮市民政局\t2023年2月20日"
    bottom = line._p.pPr.find(f"{W}pBdr").find(f"{W}bottom")
    assert bottom.get(f"{W}color") == "FF0000"


def test_sections_articles_and_numbers_in_order(read):
    lines = texts(read)
    headings = [line for line in lines if line.startswith("●")]
    assert headings == ["●市级动态", "●县（市、区）动态", "●社工站（点）动态"]
    titles = [
        "市民政局到新兴县调研“双百工程”整体工作推进情况",
        "郁南县发放2,700份健康包",
        "社工站（点）建设进度",
        "河口街道社工服务站：用脚绘制地图",
    ]
    positions = [lines.index(title) for title in titles]
    assert positions == sorted(positions)
    assert lines.index("●县（市、区）动态") < lines.index("郁南县发放2,700份健康包")
    first = lines.index(titles[0])
    assert lines[first + 1 : first + 3] == [
        "2月7日，市民政局一行到新兴县民政局调研民政重点工作推进情况。",
        "调研组要求社工熟悉惠民利民政策，确保入户率100%。",
    ]
    for number in ("2,700份", "45户", "16人", "100%"):
        assert any(number in line for line in lines), number
    assert "（郁南县民政局供稿）" in lines
    assert read.paragraphs[lines.index("（郁南县民政局供稿）")].alignment == 2  # RIGHT


def test_body_is_fangsong_3hao_indented_two_characters_on_a_fixed_pitch(read):
    paragraph = read.paragraphs[texts(read).index("社工协助16人申请残疾人补贴。")]
    run = paragraph.runs[0]
    assert run.font.size.pt == 16
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert run.font.name == "Times New Roman"
    assert paragraph.paragraph_format.first_line_indent.pt == 32
    assert 28 <= paragraph.paragraph_format.line_spacing.pt <= 29


def test_titles_and_headings_name_their_chinese_fonts(read):
    lines = texts(read)
    heading = read.paragraphs[lines.index("●市级动态")].runs[0]
    title = read.paragraphs[lines.index("郁南县发放2,700份健康包")].runs[0]
    caption = read.paragraphs[lines.index("社工入户发放健康包")].runs[0]
    assert heading._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    assert title._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert caption._element.rPr.rFonts.get(qn("w:eastAsia")) == "楷体_GB2312"
    assert read.paragraphs[0].runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"


def test_the_font_table_names_fallbacks(read):
    fonts = read.part.part_related_by(docx.opc.constants.RELATIONSHIP_TYPE.FONT_TABLE)
    table = docx.oxml.parse_xml(fonts.blob)
    alt = {font.get(f"{W}name"): font.find(f"{W}altName") for font in table.findall(f"{W}font")}
    assert alt["仿宋_GB2312"].get(f"{W}val") == "仿宋"
    assert alt["方正小标宋简体"].get(f"{W}val") == "宋体"
    assert alt["楷体_GB2312"].get(f"{W}val") == "楷体"
    assert alt["黑体"].get(f"{W}val") == "SimHei"
    assert "Times New Roman" in alt
    defaults = read.styles.element.find(f"{W}docDefaults").find(f".//{W}rFonts")
    assert defaults.get(f"{W}eastAsia") == "仿宋_GB2312"
    assert defaults.get(f"{W}ascii") == "Times New Roman"


def test_the_picture_is_inline_centred_under_14cm_with_its_caption_below(read):
    assert len(read.inline_shapes) == 1
    assert read.inline_shapes[0].width <= Mm(140)
    lines = texts(read)
    caption = lines.index("社工入户发放健康包")
    picture = read.paragraphs[caption - 1]
    assert picture._p.findall(f".//{W}drawing")
    assert picture.alignment == read.paragraphs[caption].alignment == 1  # CENTER


def test_a_missing_picture_is_said_so_and_the_rest_is_rendered(document, tmp_path):
    document.sections[1].articles[0].photos.append(Photo(path="bulletins/gone.jpg", caption="已删除的照片"))
    document.sections[1].articles[0].photos.append(Photo(path="../outside.jpg", caption="库外的照片"))
    read = docx.Document(io.BytesIO(render_docx(document, media_root=tmp_path)))
    lines = texts(read)
    assert "（图片缺失：bulletins/gone.jpg）" in lines
    assert "（图片缺失：../outside.jpg）" in lines
    assert len(read.inline_shapes) == 1


def test_a_turned_phone_photo_is_embedded_upright(document, tmp_path):
    image = Image.new("RGB", (400, 300), (200, 40, 40))
    exif = image.getexif()
    exif[0x0112] = 6  # turned 90°: the picture is 300 wide, 400 high
    image.save(tmp_path / "bulletins" / "turned.jpg", "JPEG", exif=exif)
    document.sections[1].articles[0].photos = [Photo(path="bulletins/turned.jpg", caption="竖拍")]
    read = docx.Document(io.BytesIO(render_docx(document, media_root=tmp_path)))
    shape = read.inline_shapes[0]
    assert shape.height > shape.width


def test_the_table_has_its_cells_merges_and_repeated_bold_header(read):
    assert len(read.tables) == 1
    table = read.tables[0]
    assert len(table.rows) == 5
    assert len(table.columns) == 16
    assert table.cell(0, 2)._tc is table.cell(0, 6)._tc  # 社工站 over five columns
    assert table.cell(0, 2).text == "社工站"
    assert table.cell(0, 7).text == "社工点"
    assert table.cell(0, 0).text == table.cell(1, 0).text == "县（市、区）"  # down both header rows
    assert table.cell(0, 0)._tc.vMerge == "restart"
    assert table.rows[1]._tr.tc_lst[0].vMerge == "continue"
    assert [table.cell(1, c).text for c in (2, 6, 11)] == ["应建社工站数量", "人员配备数量", "人员配备数量"]
    assert [cell.text for cell in table.rows[2].cells] == BODY[0]
    assert table.cell(4, 6).text == "110"
    for r in (0, 1):
        assert table.rows[r]._tr.trPr.find(f"{W}tblHeader") is not None
        assert table.cell(r, 2).paragraphs[0].runs[0].font.bold
    assert table.rows[2]._tr.trPr is None
    assert table.cell(2, 0).paragraphs[0].runs[0].font.size.pt <= 9  # 16 columns in 156 mm
    borders = table._tbl.tblPr.find(f"{W}tblBorders")
    assert {b.get(f"{W}val") for b in borders} == {"single"}
    lines = texts(read)
    assert "云浮市“双百工程”社工站（点）建设进度情况一览表" in lines
    assert "制表单位：云浮市民政局\t时间：2021年8月9日" in lines
    assert "备注：社工点数量含村（居）服务点。" in lines


def test_the_foot_block_has_its_lines_and_rules(read):
    sent, copied = read.paragraphs[-2:]
    assert sent.text == "\u3000发至：梁绍雄副市长；市直有关单位，各县（市、区）民政局。"
    assert copied.text == "\u3000抄送：省民政厅，市委深改委成员。"
    # The rules run the type area's width; the text is hung after the label.
    assert not sent.paragraph_format.right_indent
    assert sent.paragraph_format.left_indent == -sent.paragraph_format.first_line_indent
    assert sent.runs[0].font.size.pt == 14

    def rule(paragraph, side):
        border = paragraph._p.pPr.find(f"{W}pBdr").find(f"{W}{side}")
        return None if border is None else int(border.get(f"{W}sz"))

    assert rule(sent, "top") > rule(sent, "bottom")  # thick above, thin between
    assert rule(copied, "top") is None
    assert rule(copied, "bottom") == rule(sent, "top")  # thick below


def test_an_empty_foot_line_is_left_out(document, tmp_path):
    document.copied_to = "  "
    read = docx.Document(io.BytesIO(render_docx(document, media_root=tmp_path)))
    last = read.paragraphs[-1]
    assert last.text == "\u3000发至：梁绍雄副市长；市直有关单位，各县（市、区）民政局。"
    assert not any("抄送" in p.text for p in read.paragraphs)
    border = last._p.pPr.find(f"{W}pBdr")
    assert border.find(f"{W}top") is not None and border.find(f"{W}bottom") is not None


def test_page_numbers_are_a_page_field_right_on_odd_pages_left_on_even(read):
    section = read.sections[0]
    assert read.settings.odd_and_even_pages_header_footer
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    for paragraph in (odd, even):
        instructions = [t.text.strip() for t in paragraph._p.iter(f"{W}instrText")]
        assert instructions == ["PAGE"]
        kinds = [f.get(f"{W}fldCharType") for f in paragraph._p.iter(f"{W}fldChar")]
        assert kinds == ["begin", "separate", "end"]
        assert paragraph.text == "— 1 —"
        assert paragraph.runs[0].font.size.pt == 14
    assert (odd.alignment, even.alignment) == (2, 0)  # RIGHT, LEFT


def test_the_same_document_gives_the_same_bytes(document, tmp_path):
    first = render_docx(document, media_root=tmp_path)
    assert render_docx(document, media_root=tmp_path) == first
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        assert {info.date_time for info in package.infolist()} == {(2023, 2, 20, 0, 0, 0)}
        assert not [name for name in package.namelist() if "thumbnail" in name]
    properties = docx.Document(io.BytesIO(first)).core_properties
    assert properties.title == "云浮市“双百工程”工作简报 2023年第2期"
    assert properties.created.date() == properties.modified.date() == date(2023, 2, 20)


def test_table_html_rows_spans_and_leaves_out_covered_cells():
    rows = table_html_rows(progress_table())
    assert [len(row) for row in rows] == [8, 10, 16, 16, 16]
    assert rows[0][0] == HtmlCell("县（市、区）", rowspan=2, colspan=1, header=True)
    assert rows[0][2] == HtmlCell("社工站", rowspan=1, colspan=5, header=True)
    assert rows[0][3] == HtmlCell("社工点", rowspan=1, colspan=5, header=True)
    assert rows[1][0] == HtmlCell("应建社工站数量", header=True)
    assert rows[2][0] == HtmlCell("云城区")
    # Every row fills the 16 columns once the spans from above are counted.
    filled = [0] * 5
    for r, row in enumerate(rows):
        for cell in row:
            for below in range(r, r + cell.rowspan):
                filled[below] += cell.colspan
    assert filled == [16] * 5


def test_table_html_rows_pads_short_rows_and_refuses_bad_merges():
    assert table_html_rows(Table(title="t", rows=[["a", "b"], ["c"]])) == [
        [HtmlCell("a", header=True), HtmlCell("b", header=True)],
        [HtmlCell("c"), HtmlCell("")],
    ]
    with pytest.raises(ValueError, match="超出表格范围"):
        table_html_rows(Table(title="t", rows=[["a", "b"]], merges=[(0, 0, 0, 2)]))
    with pytest.raises(ValueError, match="重叠"):
        table_html_rows(Table(title="t", rows=[["a", "b", "c"]], merges=[(0, 0, 0, 1), (0, 1, 0, 2)]))


def test_the_preview_template_renders_masthead_sections_and_spans(document):
    html = render_to_string("bulletins/_document.html", {"document": document, "media_url": "/media/"})
    assert 'class="bulletin-name">云浮市“双百工程”工作简报<' in html
    assert "2023年第2期" in html and "2023年2月20日" in html
    assert html.index("●市级动态") < html.index("●县（市、区）动态") < html.index("●社工站（点）动态")
    assert "郁南县发放2,700份健康包" in html
    assert '<img src="/media/bulletins/health-packs.jpg" alt="社工入户发放健康包"' in html
    assert '<th rowspan="2">县（市、区）</th>' in html
    assert '<th colspan="5">社工站</th>' in html
    assert len(re.findall(r"<th[ >]", html)) == 18
    assert '<td class="word">110</td>' in html  # a short cell stays on one line on screen
    assert "发至：" in html and "省民政厅" in html


def test_a_wide_table_is_set_on_a_turned_page_and_the_pages_after_are_upright_again(read):
    from docx.enum.section import WD_ORIENT

    first, turned, after = read.sections
    assert (first.orientation, turned.orientation, after.orientation) == (
        WD_ORIENT.PORTRAIT,
        WD_ORIENT.LANDSCAPE,
        WD_ORIENT.PORTRAIT,
    )
    assert (round(turned.page_width / Mm(1)), round(turned.page_height / Mm(1))) == (297, 210)
    assert [round(m / Mm(1)) for m in (turned.left_margin, turned.right_margin)] == [37, 35]
    assert turned.footer.is_linked_to_previous and after.footer.is_linked_to_previous  # page numbers carry on
    # the table (and its title) lie between the end of the first section and the end of the turned one
    body = list(read.element.body.iterchildren())
    ends = [i for i, child in enumerate(body) if child.find(f"{W}pPr/{W}sectPr") is not None]
    table_at = next(i for i, child in enumerate(body) if child.tag == f"{W}tbl")
    assert ends[0] < table_at < ends[1]
    # its columns share the turned page's width, sentences widest
    widths = [column.width for column in read.tables[0].columns]
    assert abs(sum(widths) - (turned.page_width - turned.left_margin - turned.right_margin)) < Mm(1)
    longest = max(range(16), key=lambda c: max(len(row[c]) for row in BODY))
    assert widths[longest] == max(widths) > min(widths)  # the column of the longest text is the widest
