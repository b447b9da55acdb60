"""An issue as a `content.Document`: the frozen copy of a published issue, or, for a draft, its accepted articles
in section order with their placeholders filled from their records and their live tables built as of their day."""

from __future__ import annotations

from datetime import date

from shuangbai.core.dates import day_label
from shuangbai.regions.models import Region
from shuangbai.stations.exports import COLUMNS, NOTES, table_cells
from shuangbai.stations.progress import progress_table

from .content import SECTIONS, Article, Document, Photo, Section, Table
from .models import Article as ArticleRecord
from .models import ArticleStatus, Bulletin, TableKind
from .sources import fill, record_facts

SITE_GROUPS = ((2, "社工站"), (7, "社工点"))  # first column of each five-column group in the 一览表's header


def progress_title(city_code: str, as_of: date) -> str:
    city = Region.objects.get(code=city_code)
    return f"{city.name}{as_of.year}年“双百工程”社工站（点）建设进度情况一览表"


def progress_content_table(city_code: str, as_of: date) -> Table:
    """The city's 一览表 as of the day, laid out as in the bureaus' own (two-level merged header, 合计, notes)."""
    table = progress_table(Region.objects.get(code=city_code), as_of)
    width = len(COLUMNS)
    top = [text for text, _ in COLUMNS]
    top[0] = table.row_heading
    sub = [""] * width
    merges = []
    for first, label in SITE_GROUPS:
        sub[first : first + 5] = top[first : first + 5]
        top[first : first + 5] = [label, "", "", "", ""]
        merges.append((0, first, 0, first + 4))
    grouped = {c for first, _ in SITE_GROUPS for c in range(first, first + 5)}
    merges.extend((0, c, 1, c) for c in range(width) if c not in grouped)
    for c in range(width):
        if c not in grouped:
            sub[c] = ""
    body = [[_cell(value) for value in row] for row in table_cells(table, table.rows)]
    return Table(
        title=table.title,
        rows=[top, sub, *body],
        header_rows=2,
        merges=sorted(merges),
        lead=f"制表单位：{table.unit}　　时间：{day_label(table.as_of)}",
        notes=list(NOTES),
    )


def _cell(value) -> str:
    return "" if value is None else str(value)


def article_content(article: ArticleRecord) -> Article:
    """One article as it will print, from its record now."""
    facts = record_facts(article.source_kind, article.source_id) if article.source_kind else {}
    tables = []
    if article.table_kind == TableKind.PROGRESS and article.table_as_of:
        tables.append(progress_content_table(article.table_region_code, article.table_as_of))
    elif article.table_kind == TableKind.FIXED and article.table_data:
        tables.extend(Table.from_dict(table) for table in article.table_data["tables"])
    for table in tables:
        if table.title == article.title:  # a table article: its title is the table's, printed once
            table.title = ""
    return Article(
        title=article.title,
        paragraphs=[fill(line, facts) for line in article.paragraphs],
        photos=[Photo(path=p.path, caption=p.caption) for p in article.photos.all()],
        tables=tables,
        byline=article.byline,
    )


SECTION_ORDER = {key: i for i, key in enumerate(SECTIONS)}


def issue_articles(bulletin: Bulletin) -> list[ArticleRecord]:
    """The issue's articles in print order: by section, then their place in it."""
    articles = bulletin.articles.filter(status=ArticleStatus.ACCEPTED).prefetch_related("photos")
    return sorted(articles, key=lambda a: (SECTION_ORDER[a.section], a.position, a.id))


def compose(bulletin: Bulletin) -> Document:
    if bulletin.is_published:
        return Document.from_dict(bulletin.snapshot)
    by_section: dict[str, list[Article]] = {key: [] for key in SECTIONS}
    for article in issue_articles(bulletin):
        by_section[article.section].append(article_content(article))
    return Document(
        name=bulletin.name,
        number=bulletin.number,
        unit=bulletin.unit,
        issued_on=bulletin.issued_on,
        sections=[Section(key=key, articles=articles) for key, articles in by_section.items() if articles],
        sent_to=bulletin.sent_to,
        copied_to=bulletin.copied_to,
    )


def printed_article(article: ArticleRecord) -> Article:
    """An article as its issue prints it: from the frozen copy once the issue is published, else from now."""
    bulletin = article.bulletin
    if bulletin is None or not bulletin.is_published:
        return article_content(article)
    order = [record.pk for record in issue_articles(bulletin)]
    return Document.from_dict(bulletin.snapshot).articles()[order.index(article.pk)]
