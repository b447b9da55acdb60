"""What a bulletin issue says, as plain data: the one shape the .docx writer, the HTML preview, the importer and
the frozen copy of a published issue all share.

A draft issue is composed into a `Document` from its articles and their live sources each time it is shown;
publishing stores `Document.as_dict()` and from then on the issue is rendered from that copy only, so later edits
to the records behind it do not change it. Everything here is text that is already final (numbers substituted,
dates written as 2023年2月7日): the writers lay it out and add nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

# The three sections of the seeds, in their order; an article's `section` is one of these keys.
SECTIONS = {"city": "市级动态", "county": "县（市、区）动态", "station": "社工站（点）动态"}


@dataclass
class Table:
    """A table as printed: `rows` of cell text, the first `header_rows` of them the header; `merges` are cell
    ranges (first_row, first_col, last_row, last_col), 0-based and inclusive, whose first cell holds the text
    (the others are ""); `lead` is the line above the table (制表单位…时间…), `notes` the lines below (备注)."""

    title: str
    rows: list[list[str]]
    header_rows: int = 1
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    lead: str = ""
    notes: list[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict) -> Table:
        return cls(
            title=data.get("title", ""),
            rows=[list(row) for row in data.get("rows", [])],
            header_rows=data.get("header_rows", 1),
            merges=[tuple(m) for m in data.get("merges", [])],
            lead=data.get("lead", ""),
            notes=list(data.get("notes", [])),
        )


@dataclass
class Photo:
    path: str  # relative to MEDIA_ROOT
    caption: str = ""


@dataclass
class Article:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    photos: list[Photo] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    byline: str = ""  # who sent it in, printed after the text: （罗定市素龙街道社工站供稿）; may be ""

    def text(self) -> str:
        """The article's words as printed: title, paragraphs, captions, tables, byline."""
        parts = [self.title, *self.paragraphs, *(photo.caption for photo in self.photos)]
        for table in self.tables:
            parts.append(table.title)
            parts.extend(cell for row in table.rows for cell in row)
        parts.append(self.byline)
        return "\n".join(part for part in parts if part)

    @classmethod
    def from_dict(cls, data: dict) -> Article:
        return cls(
            title=data["title"],
            paragraphs=list(data.get("paragraphs", [])),
            photos=[Photo(**p) for p in data.get("photos", [])],
            tables=[Table.from_dict(t) for t in data.get("tables", [])],
            byline=data.get("byline", ""),
        )


@dataclass
class Section:
    key: str  # a key of SECTIONS
    articles: list[Article] = field(default_factory=list)

    @property
    def title(self) -> str:
        return SECTIONS[self.key]

    @classmethod
    def from_dict(cls, data: dict) -> Section:
        return cls(key=data["key"], articles=[Article.from_dict(a) for a in data.get("articles", [])])


@dataclass
class Document:
    name: str  # the bulletin's name on the masthead: 云浮市“双百工程”工作简报
    number: str  # 期号: 2023年第2期
    unit: str  # compiling unit: 云浮市民政局
    issued_on: date
    sections: list[Section] = field(default_factory=list)
    sent_to: str = ""  # 发至 line, without the label
    copied_to: str = ""  # 抄送 line, without the label

    def as_dict(self) -> dict:
        data = asdict(self)
        data["issued_on"] = self.issued_on.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Document:
        return cls(
            name=data["name"],
            number=data["number"],
            unit=data["unit"],
            issued_on=date.fromisoformat(data["issued_on"]),
            sections=[Section.from_dict(s) for s in data.get("sections", [])],
            sent_to=data.get("sent_to", ""),
            copied_to=data.get("copied_to", ""),
        )

    def articles(self) -> list[Article]:
        """The articles in print order, all sections."""
        return [article for section in self.sections for article in section.articles]
