#!/usr/bin/env python
"""The work bulletin benchmark (issue 7): a 40-article issue with 20 photos and two tables, to .docx.

    python bench/bulletin.py [--runs 20] [--warmup 2] [--photos 20] [--articles 40]

`build_document()` makes the issue: 40 articles over the three sections (four paragraphs of seed-like text each,
with figures), 20 of them with a photo (JPEG, 1600x1200, about 260 KB, made with Pillow in a temporary media
folder), one article with the progress table (一览表: 2 header rows and 6 counties, 16 columns, its merges) and
one with a small table (4 x 4). Timed: `render_docx(document)` (the official layout, fonts, page numbers, foot
block, the zip re-stamped). Floor, in the same run and interleaved: the same texts, pictures and cells written
with plain python-docx calls and no logic of ours (add_paragraph, add_picture at 14 cm, add_table, cell text,
cell merges, save to memory). Budget (issue 7): p95 under 3 s. No database: when composing from records lands,
`build_document` is the step to swap for `compose(...)`, timed with the rendering.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from run import POSTGRES_ADMIN_URL, _percentile, run_child_in_fresh_database

BUDGET_MS = 3000.0
POSTGRES_BENCH_URL = (
    "postgres://postgres@127.0.0.1:5432/shuangbai_bench_bulletin"  # made and dropped by the run
)

PARAGRAPHS = [
    "为进一步做好困难群众和特殊群体的关心关爱工作，{day}，{town}社工站联合镇民政办、村（居）委会开展入户走访，"
    "共走访困难群众{n}户，为{m}名独居老人送上慰问品，并协助{k}人申请残疾人两项补贴。",
    "社工通过入户走访、电话回访等方式，详细了解服务对象的身体状况、生活需求和家庭情况，建立和更新台账{n}份，"
    "对其中{k}户重点关注对象每周探访两次，及时链接救助资源。",
    "活动中，社工向群众宣传低保、特困供养、临时救助等惠民政策，发放宣传资料{m}份，解答群众咨询{k}人次，"
    "进一步提高了群众对“双百工程”的知晓度和满意度。",
    "下一步，{town}社工站将继续发挥“双百”社工驻村入户的优势，做实做细兜底民生服务，确保困难群众和特殊群体"
    "入户率100%、专业服务覆盖率100%。",
]
TOWNS = [
    "河口街道",
    "都城镇",
    "连滩镇",
    "素龙街道",
    "车岗镇",
    "富林镇",
    "六都镇",
    "思劳镇",
    "腰古镇",
    "南江口镇",
]
COUNTIES = ["云城区", "云安区", "罗定市", "新兴县", "郁南县", "合计"]


def make_photos(media_root: Path, count: int) -> list[str]:
    """`count` JPEGs of 1600x1200 with some detail (so they compress as photos do), relative to media_root."""
    from PIL import Image, ImageChops

    folder = media_root / "bulletins" / "photos"
    folder.mkdir(parents=True, exist_ok=True)
    size = (1600, 1200)
    gradient = Image.linear_gradient("L").resize(size)
    names = []
    for i in range(count):
        detail = Image.effect_mandelbrot(size, (-2.0 + 0.03 * i, -1.2, 1.0, 1.2), 60 + i)
        noise = Image.effect_noise(size, 12)
        image = Image.merge(
            "RGB", (detail, ImageChops.add(gradient, noise, scale=2), ImageChops.multiply(detail, gradient))
        )
        name = f"bulletins/photos/{i:02d}.jpg"
        image.save(media_root / name, "JPEG", quality=85)
        names.append(name)
    return names


def progress_table():
    from shuangbai.bulletins.content import Table

    header = [
        ["县（市、区）", "方案出台情况", "社工站", "", "", "", "", "社工点", "", "", "", "", "是否建立工作协调机制",
         "是否建立站点管理机制", "落实经费情况", "开展社工业务培训情况"],
        ["", "", "应建社工站数量", "已完成社工站数量", "落实办公场所数量", "设备设施情况", "人员配备数量",
         "应建社工点数量", "已完成社工点数量", "落实办公场所数量", "设备设施情况", "人员配备数量", "", "", "", ""],
    ]  # fmt: skip
    body = [
        [county, "已出台", str(8 + i), str(8 + i), str(8 + i), "基本配备", str(16 + 2 * i), str(19 + 3 * i),
         str(19 + 3 * i), str(19 + 3 * i), "基本配备", str(19 + 3 * i), "是", "是", "已落实", "已开展"]
        for i, county in enumerate(COUNTIES)
    ]  # fmt: skip
    merges = [(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 0, 6), (0, 7, 0, 11)] + [(0, c, 1, c) for c in range(12, 16)]
    return Table(
        title="云浮市“双百工程”社工站（点）建设进度情况一览表",
        rows=header + body,
        header_rows=2,
        merges=merges,
        lead="制表单位：云浮市民政局        时间：2023年2月20日",
        notes=["备注：社工点数量含村（居）服务点。"],
    )


def small_table():
    from shuangbai.bulletins.content import Table

    rows = [["项目", "户数", "人数", "金额（元）"]]
    rows += [
        [name, str(40 + i), str(96 + 3 * i), f"{12000 + 850 * i:,}"]
        for i, name in enumerate(("低保", "特困", "临时救助"))
    ]
    return Table(title="春节慰问情况统计表", rows=rows, notes=["数据截至2023年2月15日。"])


def build_document(media_root: Path, *, articles: int = 40, photos: int = 20):
    """The issue to render. Swap this for composing an issue from the database when that lands."""
    from shuangbai.bulletins.content import SECTIONS, Article, Document, Photo, Section

    photo_paths = make_photos(media_root, photos)
    keys = list(SECTIONS)
    sections = [Section(key=key) for key in keys]
    for i in range(articles):
        town = TOWNS[i % len(TOWNS)]
        values = {"day": f"2月{1 + i % 20}日", "town": town, "n": 45 + i, "m": 2700 + 10 * i, "k": 16 + i % 9}
        article = Article(
            title=f"{town}社工站开展岁末年初困难群众关爱走访活动（{i + 1}）",
            paragraphs=[text.format(**values) for text in PARAGRAPHS],
            byline=f"（{town}社工站供稿）",
        )
        if i < len(photo_paths):
            article.photos.append(Photo(path=photo_paths[i], caption=f"{town}社工入户走访困难群众"))
        if i == 0:
            article.tables.append(progress_table())
        if i == 1:
            article.tables.append(small_table())
        sections[min(i * len(keys) // articles, len(keys) - 1)].articles.append(article)
    return Document(
        name="云浮市“双百工程”工作简报",
        number="2023年第2期",
        unit="云浮市民政局",
        issued_on=date(2023, 2, 20),
        sections=sections,
        sent_to="梁绍雄副市长、潘杰华二级调研员；市直有关单位，各县（市、区）委深改委、人民政府，民政局。",
        copied_to="省民政厅，市委深改委成员。",
    )


def floor_docx(document, media_root: Path) -> bytes:
    """The same content with plain python-docx calls: no layout, fonts, fields or borders of ours."""
    import docx
    from docx.shared import Mm

    doc = docx.Document()
    doc.add_paragraph(document.name)
    doc.add_paragraph(document.number)
    doc.add_paragraph(f"{document.unit} {document.issued_on}")
    for section in document.sections:
        doc.add_paragraph(section.title)
        for article in section.articles:
            doc.add_paragraph(article.title)
            for text in article.paragraphs:
                doc.add_paragraph(text)
            for photo in article.photos:
                doc.add_picture(str(media_root / photo.path), width=Mm(140))
                doc.add_paragraph(photo.caption)
            for table in article.tables:
                doc.add_paragraph(table.title)
                doc.add_paragraph(table.lead)
                grid = doc.add_table(rows=len(table.rows), cols=len(table.rows[0]))
                for row, cells in zip(table.rows, grid.rows, strict=True):
                    for text, cell in zip(row, cells.cells, strict=True):
                        cell.text = text
                for first_row, first_col, last_row, last_col in table.merges:
                    grid.cell(first_row, first_col).merge(grid.cell(last_row, last_col))
                for note in table.notes:
                    doc.add_paragraph(note)
            doc.add_paragraph(article.byline)
    doc.add_paragraph(document.sent_to)
    doc.add_paragraph(document.copied_to)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def check(data: bytes, document) -> list[str]:
    """What the rendered file must hold: every picture, both tables, every article title."""
    import docx

    read = docx.Document(io.BytesIO(data))
    photos = sum(len(a.photos) for s in document.sections for a in s.articles)
    tables = sum(len(a.tables) for s in document.sections for a in s.articles)
    titles = [a.title for s in document.sections for a in s.articles]
    texts = {p.text for p in read.paragraphs}
    problems = []
    if len(read.inline_shapes) != photos:
        problems.append(f"{len(read.inline_shapes)} pictures, expected {photos}")
    if len(read.tables) != tables:
        problems.append(f"{len(read.tables)} tables, expected {tables}")
    missing = [title for title in titles if title not in texts]
    if missing:
        problems.append(f"{len(missing)} article titles missing")
    return problems


def compose_from_records(articles: int, photos: int):
    """In the child's fresh database, through the services: the Yunfu region tree, two stations, ten activities,
    a draft issue of `articles` articles (the first ten drafted from the activities, so their numbers are
    placeholders filled at composition), `photos` photos, the live progress table and a fixed table. Returns the
    issue."""
    from dataclasses import asdict
    from datetime import date as day
    from importlib import resources

    from django.conf import settings

    from shuangbai.activities.services import activity_record
    from shuangbai.bulletins.models import ArticlePhoto
    from shuangbai.bulletins.services import (
        article_create,
        article_from_source,
        bulletin_create,
        table_article_create,
    )
    from shuangbai.core.models import system_actor
    from shuangbai.regions.models import Region
    from shuangbai.regions.services import read_region_csv, regions_load
    from shuangbai.stations.services import station_create

    regions_load(
        read_region_csv(resources.files("shuangbai").joinpath("data/regions-yunfu.csv").read_bytes())
    )
    city = "445300000000"
    stations = [
        station_create(actor=system_actor(), town=Region.objects.get(name=name, level="town"), status="operating",
                       opened_on=day(2021, 7, 1))
        for name in ("河口街道", "素龙街道")
    ]  # fmt: skip
    issue = bulletin_create(actor=system_actor(), city_code=city, year=2023, sequence=2, issued_on=day(2023, 2, 20),
                            sent_to="市直有关单位", copied_to="省民政厅")  # fmt: skip
    media_root = Path(settings.MEDIA_ROOT)
    paths = make_photos(media_root, photos)
    keys = ["city", "county", "station"]
    made = []
    for i in range(articles):
        town = TOWNS[i % len(TOWNS)]
        if i < 10:
            activity = activity_record(actor=system_actor(), station=stations[i % 2], title=f"元宵活动{i + 1}",
                                       theme="festival", held_on=day(2023, 2, 1 + i), place="社工站", participants=30 + i,
                                       segments=["猜灯谜", "包汤圆"], narrative=PARAGRAPHS[3].format(town=town))  # fmt: skip
            article = article_from_source(
                actor=system_actor(), kind="activity", pk=activity.pk, city_code=city, bulletin=issue
            )
        else:
            values = {
                "day": f"2月{1 + i % 20}日",
                "town": town,
                "n": 45 + i,
                "m": 2700 + 10 * i,
                "k": 16 + i % 9,
            }
            article = article_create(actor=system_actor(), city_code=city, section=keys[i * 3 // articles],
                                     title=f"{town}社工站开展岁末年初困难群众关爱走访活动（{i + 1}）",
                                     body="\n".join(t.format(**values) for t in PARAGRAPHS), bulletin=issue,
                                     byline=f"（{town}社工站供稿）")  # fmt: skip
        made.append(article)
    for article, path in zip(made, paths, strict=False):
        ArticlePhoto.objects.create(
            article=article, path=path, width=1600, height=1200, caption="社工入户走访"
        )
    table_article_create(actor=system_actor(), bulletin=issue, as_of=day(2023, 2, 10))
    article_create(actor=system_actor(), city_code=city, section="city", title="春节慰问情况统计表", bulletin=issue,
                   table_kind="fixed", table_data={"tables": [asdict(small_table())]})  # fmt: skip
    return issue


def child(args) -> None:
    import json

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from shuangbai.bulletins.compose import compose
    from shuangbai.bulletins.docx import render_docx

    call_command("migrate", verbosity=0, interactive=False)
    start = time.perf_counter()
    issue = compose_from_records(args.articles, args.photos)
    build_s = time.perf_counter() - start
    media_root = Path(settings.MEDIA_ROOT)
    document = compose(issue)
    for _ in range(args.warmup):
        render_docx(compose(issue), media_root=media_root)
        floor_docx(document, media_root)
    ours_ms, floor_ms = [], []
    for _ in range(args.requests):
        start = time.perf_counter()
        data = render_docx(compose(issue), media_root=media_root)
        ours_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        floor_data = floor_docx(document, media_root)
        floor_ms.append((time.perf_counter() - start) * 1000)
    result = {
        "database": args.child,
        "build_s": round(build_s, 1),
        "ours_ms": ours_ms,
        "floor_ms": floor_ms,
        "kb": len(data) // 1024,
        "floor_kb": len(floor_data) // 1024,
        "articles": sum(len(s.articles) for s in document.sections),
        "problems": check(data, document),
    }
    Path(args.out).write_text(json.dumps(result))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--runs", dest="requests", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--photos", type=int, default=20)
    parser.add_argument("--scale", type=float, default=0, help=argparse.SUPPRESS)  # the runner passes it on
    parser.add_argument("--requests", dest="requests", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--postgres-admin-url", default=POSTGRES_ADMIN_URL)
    parser.add_argument("--postgres-url", default=POSTGRES_BENCH_URL)
    parser.add_argument("--child", choices=("sqlite", "postgres"), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import django

        django.setup()
        from shuangbai.core.scoping import unscoped

        # the harness builds and checks its own data; the pages it times run guarded, as in production
        with unscoped("the benchmark harness"):
            child(args)
        return 0
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = [run_child_in_fresh_database(db, args, script=__file__, label="bulletin") for db in dbs]
    print(f"\nbulletin composed from records and written as .docx: {args.articles} articles (10 drafted from "
          f"activities), {args.photos} photos of 1600x1200, 2 tables (the live 一览表, a fixed one); "
          f"{args.requests} timed runs after {args.warmup} warm-ups; ms")  # fmt: skip
    print(f"{'db':9}{'row':22}{'p50':>8}{'p95':>8}{'floor p50':>10}{'floor p95':>10}{'ratio':>7}{'KB':>7}"
          f"{'floor KB':>9}{'budget':>8}  verdict")  # fmt: skip
    failed = False
    for result in results:
        if "error" in result:
            print(f"{result['database']:9}ERROR {result['error']}")
            failed = True
            continue
        ours, floor = result["ours_ms"], result["floor_ms"]
        p95, floor_p95 = _percentile(ours, 0.95), _percentile(floor, 0.95)
        verdict = "ok" if p95 <= BUDGET_MS else "OVER BUDGET"
        print(f"{result['database']:9}{'compose + render_docx':22}{statistics.median(ours):>8.0f}{p95:>8.0f}"
              f"{statistics.median(floor):>10.0f}{floor_p95:>10.0f}{p95 / floor_p95:>7.2f}{result['kb']:>7}"
              f"{result['floor_kb']:>9}{BUDGET_MS:>8.0f}  {verdict}")  # fmt: skip
        for problem in result["problems"]:
            print(f"CHECK: {problem}")
            failed = True
    print("ratio = p95 / floor p95; floor = the same texts, pictures and cells with plain python-docx calls.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
