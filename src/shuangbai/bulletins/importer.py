"""Read a back issue of the work bulletin (a .txt extracted from Word, like the seeds, or the .docx itself) into
sections and articles of `content`, for the officer to correct on the review page before it is filed.

Pure functions, no database: `parse_text`, `parse_docx`, `read_upload` (by the file's extension). The work is
done in three steps over the document's lines (a .docx paragraph is a line; a .docx table arrives whole):

1. Classify each line on its own (`_classify`): blank; ● section heading; 发至： / 抄送： (the distribution block);
   a table cell (.txt only: the line starts with a TAB); 制表单位… (a table's lead); 备注… (a table's notes);
   （…供稿） (a byline); a *title line* — at most 45 characters once runs of spaces are collapsed, not ending in
   sentence punctuation (。！？…；); anything else is body text.
2. Build blocks (`_Blocks`): consecutive title lines, blank lines between allowed, join into one title with no
   separator ("郁南：张和清总督导莅临都城镇社工站" + "调研指导工作"), except that a title line beginning with a
   place name starts a new title (a table of contents, or a short closing line of the previous article). In a
   .txt, TAB lines form a table: consecutive cell lines are a row, a blank line ends a row, the first other line
   ends the table; a "table" one column wide is only indented text and stays text. A title right before a table
   (a 制表单位 lead may sit between) is the table's title; 备注 lines right after it and the numbered lines that
   follow ("2.落实经费情况…") are its notes.
3. Split (`_split`): lines before the first ● heading (masthead, table of contents) are skipped, and give the
   issue number (2023年第2期) and date when they hold them. A titled table is an article of its own. A title
   starts a new article when it names a place — a full region name from `places` anywhere in it, or the name
   with its suffix (区/市/县/镇/街道/乡) stripped at its start ("郁南：…", "郁南免费发放…") — an authority (我市,
   民政局, 民政厅) or a station (社工站, 社工点, 社工服务站…), or when the .docx centres it (article titles are
   centred in the official layout); otherwise it is a sub-heading inside the current article and is kept as one
   of its paragraphs. Body text is a paragraph of the current article. After 发至/抄送 the body is over.
   Articles with no body text and no table (a table of contents, a sub-heading list) are dropped to `skipped`,
   then empty sections too, and a section that appears twice is merged into the first.

Titles have inner runs of spaces collapsed to one space ("用脚绘制地图 用心丈量民情"); paragraphs keep their text
exactly, outer spaces (also full-width and no-break ones) stripped. With no `places`, a title starts an article
when it names an authority or a station, or opens with what looks like a place name (two or three characters and
a suffix: 云浮市…, 罗定市…); an article whose title names its place otherwise ("郁南免费发放…", "2021年云浮市…")
becomes part of the article before it, its title a paragraph there — nothing is lost, and the review page shows
it.

The .txt extraction flattens merged table cells: a horizontally merged header cell appears once (so the first
row is shorter than the others) and the cells under a vertical merge appear empty. When the first row is short,
the second full and empty exactly under the columns the first row spans alone, the header is rebuilt as two rows
with the merges expressed (`Table.merges`); otherwise short rows are padded with "" and no merge is guessed.
A .docx table keeps its real merges (gridSpan, vMerge) and its repeated header rows (else the rows its first-row
merges reach down to); a table holding 发至/抄送 is the foot block laid out as a table and is read as lines; a
content control (where Word puts a table of contents) is read like the body around it. Photos are not imported.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from enum import Enum
from pathlib import PurePath

from docx import Document as open_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.table import CT_Tbl
from docx.oxml.text.paragraph import CT_P
from docx.text.paragraph import Paragraph
from lxml.etree import XMLSyntaxError

from .content import SECTIONS, Article, Section, Table

TITLE_MAX = 45  # characters, spaces collapsed; the seeds' longest one-line title is 37
CENTRED_TITLE_MAX = 80  # a .docx title is one paragraph, not split over lines
SENTENCE_END = ("。", "！", "？", "…", "；", "!", "?", ";")
PLACE_SUFFIXES = ("街道", "区", "市", "县", "镇", "乡")
AUTHORITY_WORDS = ("我市", "全市", "民政局", "民政厅", "民政部")
STATION_WORDS = ("社工站", "社工点", "社工服务站", "社工服务点", "社会工作服务站")
BYLINE_WORDS = ("供稿", "撰稿", "来稿", "通讯员")
UNTITLED = "（无标题）"
NO_HEADING = "未找到栏目标题（●市级动态等）"

_SECTION_BY_TITLE = {title: key for key, title in SECTIONS.items()}
_NAME_LIKE = re.compile(r"[\u3400-\u9fff\U00020000-\U0003ffff]{2,3}(?:街道|区|市|县|镇|乡)")
_NUMBERED = re.compile(r"\d+\s*[.．、]")
_ISSUE_NUMBER = re.compile(r"(?:(\d{4})\s*年\s*)?第\s*(\d+)\s*期")
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


@dataclass
class ParsedIssue:
    sections: list[Section]
    sent_to: str = ""  # 发至 line, without the label
    copied_to: str = ""  # 抄送 line, without the label
    skipped: list[str] = field(default_factory=list)  # lines left out (masthead, table of contents), in order
    issued_on: date | None = None  # from the masthead, when it has a date
    number: str = ""  # 期号 from the masthead (2023年第2期), when it has one

    def as_dict(self) -> dict:
        return {
            "sections": [
                {"key": s.key, "title": s.title, "articles": [asdict(a) for a in s.articles]}
                for s in self.sections
            ],
            "sent_to": self.sent_to,
            "copied_to": self.copied_to,
            "skipped": list(self.skipped),
            "issued_on": self.issued_on.isoformat() if self.issued_on else None,
            "number": self.number,
        }


# ---------------------------------------------------------------------------------------------- entry points


def parse_text(text: str, *, places: Iterable[str] = ()) -> ParsedIssue:
    """Split the text of an issue (one line per paragraph, table cells on TAB lines) into sections and articles."""
    known = _Places(places)
    return _split(_build_blocks((_Line(raw) for raw in text.splitlines()), known), known)


def parse_docx(data: bytes, *, places: Iterable[str] = ()) -> ParsedIssue:
    """The same split for a .docx: its body in order, a paragraph a line, a table read cell by cell."""
    try:
        document = open_docx(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, PackageNotFoundError, XMLSyntaxError) as exc:
        raise ValueError("无法打开 .docx 文件：文件已损坏或不是 Word 文档") from exc
    known = _Places(places)
    return _split(_build_blocks(_docx_items(document), known), known)


def read_upload(name: str, data: bytes, places: Iterable[str] = ()) -> ParsedIssue:
    """Parse an uploaded file by its extension: .txt (UTF-8, UTF-8 with BOM, UTF-16 with BOM or GB18030) or .docx."""
    suffix = PurePath(name).suffix.lower()
    if suffix == ".docx":
        return parse_docx(data, places=places)
    if suffix == ".txt":
        return parse_text(_decode(data), places=places)
    raise ValueError("只支持 .docx 或 .txt 文件")


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    # Not text in any encoding we know: decode anyway, so the answer is the same "no section heading" a wrong
    # file gets, not a codec error.
    return data.decode("utf-8", errors="replace")


# ---------------------------------------------------------------------------------------------- places


class _Places:
    """The region names that tell an article's title from a sub-heading."""

    def __init__(self, names: Iterable[str]):
        full = {name.strip() for name in names if name and name.strip()}
        short = set()
        for name in full:
            for suffix in PLACE_SUFFIXES:
                # A one-character stem (X镇 → X) would match far too many titles.
                if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                    short.add(name[: -len(suffix)])
                    break
        self.full = tuple(full)
        self.starts = tuple(full | short)

    def begins(self, text: str) -> bool:
        return bool(self.starts) and text.startswith(self.starts)

    def named_in(self, title: str) -> bool:
        """Does the title name a place, an authority or a station (and so start an article)?"""
        if any(word in title for word in AUTHORITY_WORDS + STATION_WORDS):
            return True
        if self.full:
            return self.begins(title) or any(name in title for name in self.full)
        # No region tree to go by: a title that opens with what looks like a place name (罗定市…, 六都镇…).
        return bool(_NAME_LIKE.match(title))


# ---------------------------------------------------------------------------------------------- lines


class _Kind(Enum):
    BLANK = "blank"
    HEADING = "heading"
    SENT_TO = "sent_to"
    COPIED_TO = "copied_to"
    CELL = "cell"
    LEAD = "lead"
    NOTE = "note"
    BYLINE = "byline"
    TITLE = "title"
    TEXT = "text"


@dataclass
class _Line:
    raw: str
    centred: bool = False  # .docx only: the paragraph is centred
    caption: bool = False  # .docx only: the first paragraph after a picture, its caption (text, not a title)

    @property
    def text(self) -> str:
        return self.raw.strip()


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip())


def _section_key(heading: str) -> str | None:
    """The SECTIONS key of a heading's text (● and spaces removed, half-width brackets tolerated), or None."""
    name = re.sub(r"\s+", "", heading.lstrip("●"))
    name = name.replace("(", "（").replace(")", "）").replace(",", "、").replace("，", "、")
    return _SECTION_BY_TITLE.get(name)


def _label_value(text: str, labels: tuple[str, ...]) -> str | None:
    """The text after 发至： (or another label, spaces inside the label tolerated), or None."""
    compact = re.sub(r"\s+", "", text)
    for label in labels:
        if compact.startswith((label + "：", label + ":")):
            return re.split(r"[：:]", text, maxsplit=1)[1].strip()
    return None


def _classify(line: _Line) -> _Kind:
    text = line.text
    if not text:
        return _Kind.CELL if line.raw.startswith("\t") else _Kind.BLANK
    if line.raw.startswith("\t"):
        return _Kind.CELL
    if text.startswith("●") or _section_key(text):
        return _Kind.HEADING
    if _label_value(text, ("发至", "发送")) is not None:
        return _Kind.SENT_TO
    if _label_value(text, ("抄送",)) is not None:
        return _Kind.COPIED_TO
    if text.startswith(("制表单位", "填报单位", "制表时间")):
        return _Kind.LEAD
    if text.startswith(("备注", "注：", "注:")):
        return _Kind.NOTE
    if text[0] in "（(" and text[-1] in "）)" and any(word in text for word in BYLINE_WORDS):
        return _Kind.BYLINE
    if line.caption:
        return _Kind.TEXT
    limit = CENTRED_TITLE_MAX if line.centred else TITLE_MAX
    if len(_collapse(text)) <= limit and not text.endswith(SENTENCE_END):
        return _Kind.TITLE
    return _Kind.TEXT


# ---------------------------------------------------------------------------------------------- blocks


@dataclass
class _Title:
    lines: list[str]  # as in the file, outer spaces stripped
    centred: bool = False

    @property
    def text(self) -> str:
        return "".join(_collapse(line) for line in self.lines)


@dataclass
class _Heading:
    key: str | None  # None: a ● line that names none of the three sections
    line: str


@dataclass
class _Para:
    text: str
    kind: _Kind  # TEXT, LEAD, NOTE or BYLINE


@dataclass
class _TableBlock:
    table: Table
    lines: list[str]  # its title and lead lines, to skip with it


@dataclass
class _Distribution:
    kind: _Kind  # SENT_TO or COPIED_TO
    text: str  # after the label


class _Blocks:
    """Turns classified lines (and whole .docx tables) into blocks, joining titles and gathering table parts."""

    def __init__(self, places: _Places) -> None:
        self.places = places
        self.blocks: list = []
        self.title: _Title | None = None
        self.rows: list[list[str]] | None = None  # the .txt table being read
        self.row: list[str] = []
        self.in_notes = False

    def add_line(self, line: _Line) -> None:
        kind = _classify(line)
        if self.rows is not None:
            if kind is _Kind.CELL:
                self.row.append(line.raw[1:].strip())
                return
            if kind is _Kind.BLANK:
                self._end_row()
                return
            self._end_text_table()
        if kind is _Kind.BLANK:
            return
        if self.in_notes:
            table = self.blocks[-1].table
            if kind is _Kind.NOTE or (table.notes and _NUMBERED.match(line.text)):
                table.notes.append(line.text)
                return
            self.in_notes = False
        if kind is _Kind.TITLE:
            if self.title is not None and self.places.begins(line.text):
                self._end_title()
            if self.title is None:
                self.title = _Title([])
            self.title.lines.append(line.text)
            self.title.centred = self.title.centred or line.centred
            return
        self._end_title()
        if kind is _Kind.CELL:
            self.rows, self.row = [], [line.raw[1:].strip()]
        elif kind is _Kind.HEADING:
            self.blocks.append(_Heading(_section_key(line.text), line.text))
        elif kind in (_Kind.SENT_TO, _Kind.COPIED_TO):
            labels = ("发至", "发送") if kind is _Kind.SENT_TO else ("抄送",)
            self.blocks.append(_Distribution(kind, _label_value(line.text, labels) or ""))
        else:
            self.blocks.append(_Para(line.text, kind))

    def add_table(self, table: Table) -> None:
        self._end_title()
        lines: list[str] = []
        if self.blocks and isinstance(self.blocks[-1], _Para) and self.blocks[-1].kind is _Kind.LEAD:
            table.lead = self.blocks.pop().text
            lines.insert(0, table.lead)
        if self.blocks and isinstance(self.blocks[-1], _Title):
            title = self.blocks.pop()
            table.title = title.text
            lines[:0] = title.lines
        self.blocks.append(_TableBlock(table, lines))
        self.in_notes = True

    def finish(self) -> list:
        if self.rows is not None:
            self._end_text_table()
        self._end_title()
        return self.blocks

    def _end_title(self) -> None:
        if self.title is not None:
            self.blocks.append(self.title)
            self.title = None

    def _end_row(self) -> None:
        if self.row:
            self.rows.append(self.row)
        self.row = []

    def _end_text_table(self) -> None:
        self._end_row()
        rows, self.rows = self.rows, None
        table = _table_from_text_rows(rows)
        if table is not None:
            self.add_table(table)
        else:  # one column: TAB-indented body text, not a table
            self.blocks.extend(_Para(row[0], _Kind.TEXT) for row in rows if row[0])


def _build_blocks(items: Iterable[_Line | Table], places: _Places) -> list:
    builder = _Blocks(places)
    for item in items:
        if isinstance(item, Table):
            builder.add_table(item)
        else:
            builder.add_line(item)
    return builder.finish()


# ---------------------------------------------------------------------------------------------- tables


def _table_from_text_rows(rows: list[list[str]]) -> Table | None:
    width = max((len(row) for row in rows), default=0)
    if width < 2:
        return None
    header = _merged_header(rows, width)
    if header is not None:
        top, merges = header
        return Table(
            title="", rows=[top, *[_pad(row, width) for row in rows[1:]]], header_rows=2, merges=merges
        )
    return Table(title="", rows=[_pad(row, width) for row in rows], header_rows=1)


def _pad(row: list[str], width: int) -> list[str]:
    return row + [""] * (width - len(row))


def _merged_header(
    rows: list[list[str]], width: int
) -> tuple[list[str], list[tuple[int, int, int, int]]] | None:
    """Rebuild a two-row header whose first row lost its merged cells in the text extraction.

    The second row is full width and empty under each cell of the first row that spans both rows (vertically
    merged); the first row's other cells each span a run of filled second-row columns. Returns the first row laid
    out on the full width and the merges, or None when the rows do not fit that shape unambiguously.
    """
    if len(rows) < 2 or len(rows[0]) >= width or len(rows[1]) != width:
        return None
    top, second = rows[0], rows[1]
    empty = [c for c in range(width) if not second[c]]
    runs: list[tuple[int, int]] = []  # filled columns of the second row, as [first, last] runs
    for c in range(width):
        if second[c]:
            if runs and runs[-1][1] == c - 1:
                runs[-1] = (runs[-1][0], c)
            else:
                runs.append((c, c))
    spanning = len(top) - len(empty)  # first-row cells left to cover the runs
    if not runs or spanning < len(runs):
        return None
    groups: list[tuple[int, int]] = []
    if spanning == len(runs):
        groups = runs
    elif len(runs) == 1 and (runs[0][1] - runs[0][0] + 1) % spanning == 0:
        size = (runs[0][1] - runs[0][0] + 1) // spanning  # one run shared equally (社工站 ×5, 社工点 ×5)
        groups = [(runs[0][0] + i * size, runs[0][0] + (i + 1) * size - 1) for i in range(spanning)]
    else:
        return None
    starts = sorted([(c, c, True) for c in empty] + [(first, last, False) for first, last in groups])
    laid, merges = [""] * width, []
    for cell, (first, last, vertical) in zip(top, starts, strict=True):
        laid[first] = cell
        if vertical:
            merges.append((0, first, 1, first))
        elif last > first:
            merges.append((0, first, 0, last))
    return laid, merges


def _docx_table(tbl, paragraph_text) -> Table:
    """A .docx table as printed: its grid of cell text, with horizontal (gridSpan) and vertical (vMerge) merges."""
    grid_width = len(tbl.tblGrid.gridCol_lst) if tbl.tblGrid is not None else 0
    placed: list[list[str | None]] = []  # None: a grid position no cell covers (yet)
    origins: dict[tuple[int, int], list[int]] = {}  # (row, col) → [last_row, last_col]
    open_above: dict[int, tuple[int, int]] = {}  # col → origin of the vertical merge that continues down it
    header_rows = 0
    for r, tr in enumerate(tbl.tr_lst):
        row: list[str | None] = [None] * tr.grid_before
        if header_rows == r and tr.xpath("./w:trPr/w:tblHeader"):
            header_rows += 1
        for tc in tr.tc_lst:
            c, span = len(row), tc.grid_span
            text = "\n".join(paragraph_text(p) for p in tc.p_lst).strip()
            if tc.vMerge == "continue" and c in open_above:
                origin = open_above[c]
                origins[origin][0] = r
                row.extend([""] * span)
                continue
            origins[(r, c)] = [r, c + span - 1]
            if tc.vMerge == "restart":
                open_above[c] = (r, c)
            else:
                open_above.pop(c, None)
            row.extend([text] + [""] * (span - 1))
        placed.append(row)
    width = max([grid_width, *(len(row) for row in placed)])
    rows = [[cell or "" for cell in row] + [""] * (width - len(row)) for row in placed]
    merges = [
        (r, c, last_r, last_c)
        for (r, c), (last_r, last_c) in sorted(origins.items())
        if (last_r, last_c) != (r, c)
    ]
    if not header_rows:
        # A header merged down over several rows is all header (keep at least one body row).
        down = [last_r for (r, _c, last_r, _lc) in merges if r == 0]
        header_rows = min(max(down, default=0) + 1, max(len(rows) - 1, 1))
    return Table(title="", rows=rows, header_rows=header_rows, merges=merges)


def _docx_items(document) -> list[_Line | Table]:
    def paragraph_text(p) -> str:
        return Paragraph(p, document).text

    items: list[_Line | Table] = []
    after_picture = False

    def walk(parent) -> None:
        nonlocal after_picture
        for child in parent.iterchildren():
            if isinstance(child, CT_P):
                paragraph = Paragraph(child, document)
                centred = _is_centred(paragraph)
                caption = after_picture and bool(paragraph.text.strip())
                if caption or paragraph.text.strip():
                    after_picture = False
                if child.xpath(".//w:drawing | .//w:pict"):
                    after_picture = True  # photos are not imported; the caption under one stays text
                # A soft line break (w:br) splits a title over lines in Word as a paragraph mark does in the
                # seeds; a leading TAB is indentation here, not a table cell.
                for part in paragraph.text.split("\n"):
                    items.append(_Line(part.lstrip("\t"), centred=centred, caption=caption))
            elif isinstance(child, CT_Tbl):
                table = _docx_table(child, paragraph_text)
                cell_lines = [_Line(line) for row in table.rows for cell in row for line in cell.split("\n")]
                if any(_classify(line) in (_Kind.SENT_TO, _Kind.COPIED_TO) for line in cell_lines):
                    # The foot block (版记) is often laid out in a borderless table: read it as lines.
                    items.extend(cell_lines)
                else:
                    items.append(table)
            elif child.tag.endswith("}sdt"):  # a content control (Word puts its table of contents in one)
                for content in child.iterchildren():
                    if content.tag.endswith("}sdtContent"):
                        walk(content)

    walk(document.element.body)
    return items


def _is_centred(paragraph) -> bool:
    alignment = paragraph.paragraph_format.alignment
    style = paragraph.style
    while alignment is None and style is not None:
        alignment = style.paragraph_format.alignment
        style = style.base_style
    return alignment == WD_ALIGN_PARAGRAPH.CENTER


# ---------------------------------------------------------------------------------------------- the split


@dataclass
class _Draft:
    """An article being read, with its lines (and their places in the file) to skip if it has no body after all."""

    article: Article
    lines: list[tuple[int, str]]
    has_body: bool = False


@dataclass
class _DraftSection:
    key: str
    heading: tuple[int, str]
    drafts: list[_Draft] = field(default_factory=list)

    def current(self) -> _Draft:
        """The article text goes to; body text before any title gets an untitled article the officer names."""
        if not self.drafts:
            self.drafts.append(_Draft(Article(title=UNTITLED), []))
        return self.drafts[-1]


def _split(blocks: list, places: _Places) -> ParsedIssue:
    issue = ParsedIssue(sections=[])
    skipped: list[tuple[int, str]] = []  # (block index, line): sorted back into file order at the end
    outside: list[
        str
    ] = []  # lines before the first heading and after the foot: the number and date are there
    sections: list[_DraftSection] = []
    ended = False  # after 发至/抄送

    for at, block in enumerate(blocks):
        if isinstance(block, _Distribution):
            ended = True
            if block.kind is _Kind.SENT_TO:
                issue.sent_to = block.text
            else:
                issue.copied_to = block.text
        elif isinstance(block, _Heading) and not ended:
            sections.append(
                _DraftSection(block.key or _guess_section(block.line, sections), (at, block.line))
            )
            if block.key is None:
                skipped.append((at, block.line))
        elif not sections or ended:
            lines = _block_lines(block)
            skipped.extend((at, line) for line in lines)
            outside.extend(lines)
        else:
            _add_to_section(sections[-1], at, block, places)

    if not sections:
        raise ValueError(NO_HEADING)
    issue.sections = _keep_sections(sections, skipped)
    if not issue.sections:
        raise ValueError("栏目下没有找到文章正文（只有栏目标题或目录）")
    issue.skipped = [line for _at, line in sorted(skipped, key=lambda entry: entry[0])]
    issue.number, issue.issued_on = _masthead(outside)
    return issue


def _add_to_section(section: _DraftSection, at: int, block, places: _Places) -> None:
    if isinstance(block, _TableBlock):
        if block.table.title:
            lines = [(at, line) for line in block.lines]
            section.drafts.append(_Draft(Article(title=block.table.title, tables=[block.table]), lines, True))
        else:
            draft = section.current()
            draft.article.tables.append(block.table)
            draft.has_body = True
    elif isinstance(block, _Title):
        lines = [(at, line) for line in block.lines]
        if not section.drafts or block.centred or places.named_in(block.text):
            section.drafts.append(_Draft(Article(title=block.text), lines))
        else:  # a sub-heading inside the article: one of its paragraphs, but not a body on its own
            draft = section.current()
            draft.article.paragraphs.append("".join(block.lines))
            draft.lines.extend(lines)
    elif isinstance(block, _Para):
        draft = section.current()
        if block.kind is _Kind.BYLINE and not draft.article.byline:
            draft.article.byline = block.text
        else:
            draft.article.paragraphs.append(block.text)
        draft.has_body = True


def _guess_section(line: str, sections: list[_DraftSection]) -> str:
    """A ● heading that is none of the three: by its words, else the section it follows (else the city's)."""
    name = line.lstrip("●")
    if "站" in name or "点" in name:
        return "station"
    if "县" in name or "区" in name:
        return "county"
    if "市" in name:
        return "city"
    return sections[-1].key if sections else "city"


def _keep_sections(sections: list[_DraftSection], skipped: list[tuple[int, str]]) -> list[Section]:
    """Drop articles with no body (to `skipped`), then empty sections; merge a section met twice into the first."""
    kept: dict[str, Section] = {}
    for section in sections:
        articles = []
        for draft in section.drafts:
            if draft.has_body:
                articles.append(draft.article)
            else:
                skipped.extend(draft.lines)
        if articles:
            kept.setdefault(section.key, Section(key=section.key)).articles.extend(articles)
        elif section.heading not in skipped:
            skipped.append(section.heading)
    return list(kept.values())


def _block_lines(block) -> list[str]:
    if isinstance(block, _Title):
        return list(block.lines)
    if isinstance(block, _Heading):
        return [block.line]
    if isinstance(block, _Para):
        return [block.text]
    if isinstance(block, _TableBlock):
        table = block.table
        return [*block.lines, *(" ".join(cell for cell in row if cell) for row in table.rows), *table.notes]
    return []


def _masthead(lines: list[str]) -> tuple[str, date | None]:
    """The issue number (期号) and date in the lines outside the body, when they are there."""
    number, year, issued_on = "", None, None
    for line in lines:
        compact = re.sub(r"\s+", "", line)
        if not number and (match := _ISSUE_NUMBER.search(compact)):
            year, number = match.group(1), f"第{int(match.group(2))}期"
        if issued_on is None and (match := _DATE.search(compact)):
            try:
                issued_on = date(*(int(part) for part in match.groups()))
            except ValueError:
                continue
    if number:
        # 期号 as the compose side writes it: 2023年第2期 (the year from the date line when the number has none).
        year = year or (str(issued_on.year) if issued_on else None)
        number = f"{year}年{number}" if year else number
    return number, issued_on
