"""The bulletin as a .docx laid out as Chinese government documents are (GB/T 9704 conventions), and a table's
rows as the HTML preview lays them out.

A `Document` holds final text; this module only lays it out. Runs name the fonts the offices reading the file
have (方正小标宋简体, 黑体, 仿宋_GB2312, 楷体_GB2312) as their East Asian font and Times New Roman for digits and
Latin; the font table names each one's usual Windows alternative (`w:altName`), and a machine with none of them
(LibreOffice with fonts-noto-cjk) substitutes a CJK font of its own.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Length, Mm, Pt, RGBColor
from PIL import Image, ImageOps

from shuangbai.core.dates import day_label

from .content import Article, Document, Photo, Section, Table

# A4 portrait and GB/T 9704's margins: the type area is 156 x 225 mm.
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
TEXT_WIDTH = Emu(PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT)
LANDSCAPE_TEXT_WIDTH = Emu(PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM)  # A4 turned, its margins turned with it
WIDE_TABLE = 10  # columns: a wider table is set on landscape pages

# Chinese type sizes (字号), in points.
XIAOCHU, ERHAO, XIAOER, SANHAO, SIHAO, XIAOSI, WUHAO, XIAOWU, LIUHAO = 36, 22, 18, 16, 14, 12, 10.5, 9, 7.5

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋_GB2312"
CAPTION_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"

# (name, altName, family, pitch, charset): charset 86 is GB2312.
FONTS = [
    (LATIN_FONT, "", "roman", "variable", "00"),
    (PAGE_NUMBER_FONT, "SimSun", "auto", "variable", "86"),
    (TITLE_FONT, "宋体", "auto", "variable", "86"),
    (HEADING_FONT, "SimHei", "modern", "fixed", "86"),
    (BODY_FONT, "仿宋", "modern", "fixed", "86"),
    (CAPTION_FONT, "楷体", "modern", "fixed", "86"),
]

RED = RGBColor(0xFF, 0x00, 0x00)
BODY_LINE = Pt(28.95)  # fixed line pitch: 22 lines on the 225 mm type area, as GB/T 9704 sets
INDENT_2_CHARS = Pt(2 * SANHAO)
PHOTO_MAX_WIDTH, PHOTO_MAX_HEIGHT = Mm(140), Mm(105)
PIXEL = 9525  # EMU per pixel at 96 dpi: a small picture is printed at its own size, never enlarged
DOCX_IMAGE_FORMATS = {"JPEG", "PNG", "GIF", "BMP", "TIFF"}  # what python-docx can embed as it is
RULE_RED, RULE_THICK, RULE_THIN = 18, 8, 6  # border widths in eighths of a point (2.25, 1, 0.75 pt)

# Elements a `w:pBdr` / `w:tblBorders` / `w:tblCellMar` must come before in their parent (the schema's order).
PBDR_SUCCESSORS = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
    "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
TBLPR_TAIL = ("w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
TBLBORDERS_SUCCESSORS = ("w:shd", "w:tblLayout", "w:tblCellMar", *TBLPR_TAIL)

CENTER, LEFT, RIGHT, JUSTIFY = (
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.LEFT,
    WD_ALIGN_PARAGRAPH.RIGHT,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
)


def render_docx(document: Document, *, media_root: Path | None = None) -> bytes:
    """The issue as .docx bytes; photos are read from `media_root` (default: settings.MEDIA_ROOT).

    The same document gives the same bytes: dates inside and on the zip entries are the issue's day.
    """
    if media_root is None:
        from django.conf import settings

        media_root = Path(settings.MEDIA_ROOT)
    doc = docx.Document()
    _page_setup(doc)
    _fonts(doc)
    _page_numbers(doc)
    _masthead(doc, document)
    for section in document.sections:
        _section_heading(doc, section)
        for article in section.articles:
            _article(doc, article, media_root)
    _foot(doc, document)
    _core_properties(doc, document)
    out = io.BytesIO()
    doc.save(out)
    return _stamped(out.getvalue(), document.issued_on)


# ----------------------------------------------------------------------------------------------- the page


def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    # The page number's top edge about 7 mm below the type area, as GB/T 9704 places it.
    section.footer_distance = Mm(21)


def _fonts(doc) -> None:
    """Defaults for every run (仿宋 3号, Times New Roman, Chinese) and the font table with fallback names."""
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for child in list(rpr):  # the template's theme fonts and sizes: replaced by ours
        rpr.remove(child)
    rpr.append(_element("w:rFonts", ascii=LATIN_FONT, hAnsi=LATIN_FONT, cs=LATIN_FONT, eastAsia=BODY_FONT))
    rpr.append(_element("w:sz", val=str(SANHAO * 2)))
    rpr.append(_element("w:szCs", val=str(SANHAO * 2)))
    rpr.append(_element("w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA"))
    ppr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    for child in list(ppr):
        ppr.remove(child)
    ppr.append(_element("w:spacing", after="0", line="240", lineRule="auto"))

    entries = []
    for name, alt_name, family, pitch, charset in FONTS:
        alt = f'<w:altName w:val="{alt_name}"/>' if alt_name else ""
        entries.append(
            f'<w:font w:name="{name}">{alt}<w:charset w:val="{charset}"/><w:family w:val="{family}"/>'
            f'<w:pitch w:val="{pitch}"/></w:font>'
        )
    xml = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        + "".join(entries)
        + "</w:fonts>"
    )
    # python-docx keeps the font table as a plain part: its bytes are replaced whole.
    doc.part.part_related_by(RT.FONT_TABLE)._blob = xml.encode("utf-8")


def _page_numbers(doc) -> None:
    """Page numbers "— 1 —" in 4号 宋体: odd pages on the right, even pages on the left, one character in."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, align in ((section.footer, RIGHT), (section.even_page_footer, LEFT)):
        paragraph = footer.paragraphs[0]
        paragraph.alignment = align
        if align == RIGHT:
            paragraph.paragraph_format.right_indent = Pt(SIHAO)
        else:
            paragraph.paragraph_format.left_indent = Pt(SIHAO)
        _run(paragraph, "— ", font=PAGE_NUMBER_FONT, size=SIHAO)
        _field(paragraph, "PAGE", "1", font=PAGE_NUMBER_FONT, size=SIHAO)
        _run(paragraph, " —", font=PAGE_NUMBER_FONT, size=SIHAO)


# ------------------------------------------------------------------------------------------- the content


def _masthead(doc, document: Document) -> None:
    """The red name, the issue number, the unit and date, and the red rule under them."""
    name = _paragraph(doc, align=CENTER, after=Pt(6))
    _run(name, document.name, font=TITLE_FONT, size=_masthead_size(document.name), color=RED)
    number = _paragraph(doc, align=CENTER, after=Pt(12))
    _run(number, document.number, font=BODY_FONT, size=SANHAO)
    line = _paragraph(doc, after=Pt(24))
    line.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    _run(line, f"{document.unit}\t{day_label(document.issued_on)}", font=BODY_FONT, size=SANHAO)
    _borders(line, bottom=(RULE_RED, str(RED)))


def _masthead_size(name: str) -> float:
    """小初 where the name fits on one line, smaller (down to 二号) where it would not."""
    fits = TEXT_WIDTH.pt * 0.95 / max(len(name), 1)
    return max(ERHAO, min(XIAOCHU, int(fits)))


def _section_heading(doc, section: Section) -> None:
    heading = _paragraph(doc, before=Pt(12), line=BODY_LINE, keep_next=True)
    _run(heading, f"●{section.title}", font=HEADING_FONT, size=SANHAO)


def _article(doc, article: Article, media_root: Path) -> None:
    # An article that is only a wide table (the 一览表) has its title on the turned page, above the table.
    turned = (
        not article.paragraphs
        and not article.photos
        and bool(article.tables)
        and _column_count(article.tables[0]) > WIDE_TABLE
    )
    if turned:
        _turn(doc, landscape=True)
    title = _paragraph(doc, align=CENTER, before=Pt(12), after=Pt(12), keep_next=True)
    _run(title, article.title.strip(), font=TITLE_FONT, size=XIAOER, bold=True)
    if turned:
        first, *rest = article.tables
        _table_body(doc, first, LANDSCAPE_TEXT_WIDTH)
        _turn(doc, landscape=False)
        article = Article(title=article.title, tables=rest, byline=article.byline)
    for text in article.paragraphs:
        paragraph = _paragraph(doc, align=JUSTIFY, line=BODY_LINE, first_line_indent=INDENT_2_CHARS)
        _run(paragraph, text.strip(), font=BODY_FONT, size=SANHAO)
    for photo in article.photos:
        _photo(doc, photo, media_root)
    for table in article.tables:
        _table(doc, table)
    if article.byline:
        byline = _paragraph(doc, align=RIGHT, line=BODY_LINE)
        _run(byline, article.byline.strip(), font=BODY_FONT, size=SANHAO)


def _photo(doc, photo: Photo, media_root: Path) -> None:
    """The picture centred, at most 14 cm wide, its caption under it in 楷体; a missing file is said so."""
    # Single line spacing: a fixed line pitch would crop the picture to one line's height.
    paragraph = _paragraph(doc, align=CENTER, before=Pt(6), keep_next=bool(photo.caption))
    picture = _picture(media_root, photo.path)
    if picture is None:
        _run(paragraph, f"（图片缺失：{photo.path}）", font=CAPTION_FONT, size=SIHAO)
    else:
        stream, width, height = picture
        paragraph.add_run().add_picture(stream, width=width, height=height)
    if photo.caption:
        caption = _paragraph(doc, align=CENTER, after=Pt(6))
        _run(caption, photo.caption.strip(), font=CAPTION_FONT, size=SIHAO)


def _picture(media_root: Path, relative: str) -> tuple[io.BytesIO | str, Length, Length] | None:
    """The picture to embed (its path, or a re-encoded copy when python-docx cannot take it as it is or a
    phone's EXIF says it is turned) and its printed size; None if the file is missing or not a picture."""
    root = media_root.resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    try:
        with Image.open(path) as image:
            turned = image.getexif().get(0x0112, 1) != 1  # EXIF Orientation
            if image.format in DOCX_IMAGE_FORMATS and not turned:
                stream, (width, height) = str(path), image.size
            else:
                upright = ImageOps.exif_transpose(image)
                stream, (width, height) = io.BytesIO(), upright.size
                if upright.mode in ("RGBA", "LA", "P"):
                    upright.save(stream, "PNG")
                else:
                    upright.convert("RGB").save(stream, "JPEG", quality=90)
                stream.seek(0)
    except OSError:  # Pillow's UnidentifiedImageError is one
        return None
    scale = min(PHOTO_MAX_WIDTH / width, PHOTO_MAX_HEIGHT / height, PIXEL)
    return stream, Emu(int(width * scale)), Emu(int(height * scale))


def _table(doc, table: Table) -> None:
    """Title, lead line, the grid with its merges and repeated header rows, and the notes under it. A table wider
    than WIDE_TABLE columns (the 一览表 has 16) is set on landscape pages of its own, as the bureaus print it."""
    landscape = _column_count(table) > WIDE_TABLE
    if landscape:
        _turn(doc, landscape=True)
    _table_body(doc, table, LANDSCAPE_TEXT_WIDTH if landscape else TEXT_WIDTH)
    if landscape:
        _turn(doc, landscape=False)


def _turn(doc, *, landscape: bool) -> None:
    """A new section on a new page, A4 turned (or back upright), its margins turned with it; headers and footers
    (the page numbers) carry on from the section before."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    if landscape:
        section.page_width, section.page_height = PAGE_HEIGHT, PAGE_WIDTH
        section.top_margin, section.bottom_margin = MARGIN_LEFT, MARGIN_RIGHT
        section.left_margin, section.right_margin = MARGIN_TOP, MARGIN_BOTTOM
    else:
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
        section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT


def _table_body(doc, table: Table, text_width: Emu) -> None:
    if table.title:
        title = _paragraph(doc, align=CENTER, before=Pt(12), after=Pt(6), keep_next=True)
        _run(title, table.title.strip(), font=TITLE_FONT, size=SANHAO, bold=True)
    if table.lead:
        _table_lead(doc, table.lead, text_width)
    width = _column_count(table)
    if not table.rows or not width:
        return
    spans, covered = _merge_map(table, width)
    grid = doc.add_table(rows=len(table.rows), cols=width)
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    _table_borders(grid)
    for (first_row, first_col), (rowspan, colspan) in spans.items():
        if rowspan == colspan == 1:
            continue
        grid.cell(first_row, first_col).merge(grid.cell(first_row + rowspan - 1, first_col + colspan - 1))
    size = LIUHAO if width > 12 else XIAOWU if width > 8 else WUHAO  # 16 columns must fit 156 mm
    _column_widths(grid, table, width, spans, covered, text_width)
    for r, (row, cells) in enumerate(zip(table.rows, grid.rows, strict=True)):
        header = r < table.header_rows
        if header:
            _repeat_header(cells)
        row_cells = cells.cells
        for c in range(width):
            if (r, c) in covered:
                continue
            cell = row_cells[c]
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            paragraph = cell.paragraphs[0]
            paragraph.alignment = CENTER
            _run(paragraph, _cell_text(row, c), font=BODY_FONT, size=size, bold=header)
    for note in table.notes:
        paragraph = _paragraph(doc, before=Pt(3))
        _run(paragraph, note.strip(), font=BODY_FONT, size=WUHAO)


def _column_widths(grid, table: Table, width: int, spans: dict, covered: set, text_width: Emu) -> None:
    """Share the text width by what the columns hold: figures narrow, names wider, sentences (落实经费情况) widest,
    within 3 to 12 characters' weight, so that 县（市、区） does not wrap a character a line. Set on the grid (which
    LibreOffice reads) and on each single cell (which Word reads)."""
    weights = []
    for c in range(width):
        body = max((len(_cell_text(row, c).strip()) for row in table.rows[table.header_rows :]), default=0)
        head = max((len(_cell_text(row, c).strip()) for row in table.rows[: table.header_rows]), default=0)
        # a body cell on one line if short; a header in at most three lines
        weights.append(min(max(body + 1, -(-head // 3), 3), 12))
    total = sum(weights)
    widths = [Emu(int(text_width * w / total)) for w in weights]
    for column, value in zip(grid._tbl.tblGrid.gridCol_lst, widths, strict=True):
        column.w = value
    for r, row in enumerate(grid.rows):
        for c, cell in enumerate(row.cells):
            if (r, c) not in covered and spans.get((r, c), (1, 1))[1] == 1:  # merged: their columns' widths
                cell.width = widths[c]


def _table_lead(doc, lead: str, text_width: Emu) -> None:
    """制表单位… on the left and 时间… on the right where the lead has a wide gap between them."""
    paragraph = _paragraph(doc, after=Pt(3), keep_next=True)
    parts = re.split(r"\s{2,}", lead.strip(), maxsplit=1)
    if len(parts) == 2:
        paragraph.paragraph_format.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT)
        lead = "\t".join(parts)
    _run(paragraph, lead.strip(), font=BODY_FONT, size=XIAOSI)


def _table_borders(grid) -> None:
    """Single black lines around and between every cell, and narrow cell margins."""
    tbl_pr = grid._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_element(f"w:{side}", val="single", sz="4", space="0", color="000000"))
    tbl_pr.insert_element_before(borders, *TBLBORDERS_SUCCESSORS)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margins.append(_element(f"w:{side}", w="57", type="dxa"))  # 1 mm
    tbl_pr.insert_element_before(margins, *TBLPR_TAIL)


def _repeat_header(row) -> None:
    """A header row is repeated on each page the table runs onto, and never split."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    tr_pr.append(OxmlElement("w:tblHeader"))


def _foot(doc, document: Document) -> None:
    """发至 / 抄送 in 仿宋 4号 between a thick rule above, a thin one between and a thick one below.

    The rules run the type area's width, so the paragraphs are not indented: the text starts one full-width
    space in (as the seeds have it), and a wrapped line is hung under the text after the label.
    """
    lines = [
        (label, text.strip())
        for label, text in (("发至：", document.sent_to), ("抄送：", document.copied_to))
    ]
    lines = [(label, text) for label, text in lines if text]
    for i, (label, text) in enumerate(lines):
        paragraph = _paragraph(doc, before=Pt(36) if i == 0 else 0, line=Pt(22))
        paragraph.paragraph_format.left_indent = Pt(SIHAO * 4)
        paragraph.paragraph_format.first_line_indent = Pt(-SIHAO * 4)
        _run(paragraph, f"\u3000{label}{text}", font=BODY_FONT, size=SIHAO)
        top = (RULE_THICK, "000000") if i == 0 else None
        bottom = (RULE_THIN, "000000") if i < len(lines) - 1 else (RULE_THICK, "000000")
        _borders(paragraph, top=top, bottom=bottom)


def _core_properties(doc, document: Document) -> None:
    properties = doc.core_properties
    when = datetime.combine(document.issued_on, time())
    properties.title = f"{document.name} {document.number}"
    properties.subject = document.number
    properties.author = document.unit
    properties.last_modified_by = document.unit
    properties.comments = ""
    properties.language = "zh-CN"
    properties.created = when
    properties.modified = when
    properties.revision = 1
    # The template's thumbnail is a picture of some other document: a file manager would show it.
    package = doc.part.package
    for r_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(r_id)


def _stamped(data: bytes, day: date) -> bytes:
    """The package with every zip entry dated the issue's day (python-docx dates them now), pictures stored
    rather than deflated again (they do not shrink)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(day.year, day.month, day.day, 0, 0, 0))
            media = info.filename.startswith("word/media/")
            entry.compress_type = zipfile.ZIP_STORED if media else zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info))
    return out.getvalue()


# ------------------------------------------------------------------------------------- paragraphs and runs


def _paragraph(
    container, *, align=None, before=0, after=0, line=None, first_line_indent=None, keep_next=False
):
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    if align is not None:
        fmt.alignment = align
    fmt.space_before, fmt.space_after = before, after
    if line is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = line
    if first_line_indent is not None:
        fmt.first_line_indent = first_line_indent
    if keep_next:
        fmt.keep_with_next = True
    return paragraph


def _run(paragraph, text: str, *, font: str, size: float, bold: bool = False, color: RGBColor | None = None):
    """A run in `font` for Chinese and Times New Roman for digits and Latin; quotes and dashes, which either
    could draw, in the Chinese one (w:hint), as Chinese typesetting has them."""
    run = paragraph.add_run(text)
    run.font.name = LATIN_FONT
    run.font.size = Pt(size)
    if bold:
        run.font.bold = True
    if color is not None:
        run.font.color.rgb = color
    fonts = run._element.rPr.rFonts
    fonts.set(qn("w:eastAsia"), font)
    fonts.set(qn("w:hint"), "eastAsia")
    return run


def _field(paragraph, instruction: str, shown: str, **font) -> None:
    """A field (PAGE) as Word writes one: begin, instruction, separate, the value last computed, end."""
    for kind in ("begin", "instruction", "separate", "value", "end"):
        run = _run(paragraph, shown if kind == "value" else "", **font)
        if kind == "instruction":
            text = OxmlElement("w:instrText")
            text.set(qn("xml:space"), "preserve")
            text.text = f" {instruction} "
            run._r.append(text)
        elif kind != "value":
            run._r.append(_element("w:fldChar", fldCharType=kind))


def _borders(paragraph, *, top: tuple[int, str] | None = None, bottom: tuple[int, str] | None = None) -> None:
    """Rules above and/or below a paragraph: (width in eighths of a point, RGB hex)."""
    edges = OxmlElement("w:pBdr")
    for side, rule in (("top", top), ("bottom", bottom)):
        if rule is not None:
            width, color = rule
            edges.append(_element(f"w:{side}", val="single", sz=str(width), space="1", color=color))
    paragraph._p.get_or_add_pPr().insert_element_before(edges, *PBDR_SUCCESSORS)


def _element(tag: str, **attributes: str):
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    return element


# ------------------------------------------------------------------------------------------------ tables


@dataclass(frozen=True)
class HtmlCell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False


def table_html_rows(table: Table) -> list[list[HtmlCell]]:
    """The table's rows as HTML lays them out: each merge's first cell with its rowspan/colspan, the cells a
    merge covers left out, `header` on the cells of the first `header_rows` rows."""
    width = _column_count(table)
    spans, covered = _merge_map(table, width)
    rows = []
    for r, row in enumerate(table.rows):
        cells = []
        for c in range(width):
            if (r, c) in covered:
                continue
            rowspan, colspan = spans.get((r, c), (1, 1))
            cells.append(HtmlCell(_cell_text(row, c), rowspan, colspan, r < table.header_rows))
        rows.append(cells)
    return rows


def _column_count(table: Table) -> int:
    return max((len(row) for row in table.rows), default=0)


def _cell_text(row: list[str], c: int) -> str:
    return row[c].strip() if c < len(row) else ""  # a short row is padded with empty cells


def _merge_map(
    table: Table, width: int
) -> tuple[dict[tuple[int, int], tuple[int, int]], set[tuple[int, int]]]:
    """{first cell: (rowspan, colspan)} of each merge, and the cells merges cover (their first cells not)."""
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    taken: set[tuple[int, int]] = set()
    for merge in table.merges:
        first_row, first_col, last_row, last_col = merge
        if not (0 <= first_row <= last_row < len(table.rows) and 0 <= first_col <= last_col < width):
            raise ValueError(f"表格“{table.title}”的合并区域 {tuple(merge)} 超出表格范围")
        cells = {(r, c) for r in range(first_row, last_row + 1) for c in range(first_col, last_col + 1)}
        if cells & taken:
            raise ValueError(f"表格“{table.title}”的合并区域 {tuple(merge)} 与其他合并区域重叠")
        taken |= cells
        spans[(first_row, first_col)] = (last_row - first_row + 1, last_col - first_col + 1)
    return spans, taken - spans.keys()
