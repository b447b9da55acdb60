"""The demo's work bulletin of 云浮市, through the services:

- the masthead and distribution lists, with the 发至 / 抄送 lines of seed 000;
- the two seed bulletins imported as back issues and filed in the archive. The seeds carry no issue number or
  date: 2021年第7期 of 2021-08-10 and 2023年第2期 of 2023-02-15 are the demo's own (marked invented here);
- a draft 2023年第3期 (2023-03-15, invented) composed from the demo's records: 云安区's supervision of
  2023-02-09, the city's health-pack batch (to 素龙街道 and 郁南县's stations), the progress table as of 2023-02-10, 罗城街道's lanterns and 东成镇's
  元宵 games, 桂圩镇's write-up of 小Q; and, in the inbox, an article 素龙街道 sent in about its couplets.
"""

from __future__ import annotations

from datetime import date
from importlib import resources

from django.db import transaction

from shuangbai.activities.models import Activity
from shuangbai.assistance.models import Batch
from shuangbai.cases.models import Case
from shuangbai.core.models import User, system_actor
from shuangbai.stations.models import Station
from shuangbai.supervision.models import Inspection

from . import importer, services
from .models import Bulletin, SourceKind

CITY = "445300000000"
SENT_TO = "梁绍雄副市长、潘杰华二级调研员；市直有关单位，各县（市、区）委深改委、人民政府，民政局。"
COPIED_TO = "省民政厅，市委深改委成员。"
BACK_ISSUES = [  # (seed file, year, sequence, issued on): numbers and days invented, the seeds have none
    ("001_8f8367b09badc71e.txt", 2021, 7, date(2021, 8, 10)),
    ("000_e48372aba3d1b36b.txt", 2023, 2, date(2023, 2, 15)),
]


def seed_text(name: str) -> str:
    return resources.files("shuangbai").joinpath(f"data/bulletins/{name}").read_text(encoding="utf-8")


def _back_issues() -> None:
    places = [region.name for region in services.city_places(CITY)]
    for name, year, sequence, issued_on in BACK_ISSUES:
        parsed = importer.parse_text(seed_text(name), places=places)
        services.import_issue(
            actor=system_actor(),
            city_code=CITY,
            sections=parsed.sections,
            year=year,
            sequence=sequence,
            issued_on=issued_on,
            sent_to=parsed.sent_to,
            copied_to=parsed.copied_to,
        )


def _draft_from(kind: str, record, issue: Bulletin) -> None:
    if record is not None:
        services.article_from_source(
            actor=system_actor(), kind=kind, pk=record.pk, city_code=CITY, bulletin=issue
        )


def _draft_issue() -> None:
    issue = services.bulletin_create(
        actor=system_actor(), city_code=CITY, year=2023, sequence=3, issued_on=date(2023, 3, 15)
    )
    inspection = Inspection.objects.filter(
        region_code__startswith="445303", visited_on=date(2023, 2, 9)
    ).first()
    _draft_from(SourceKind.INSPECTION, inspection, issue)
    batch = Batch.objects.filter(region_code=CITY, item="健康包").order_by("received_on").first()
    _draft_from(SourceKind.BATCH, batch, issue)
    services.table_article_create(actor=system_actor(), bulletin=issue, as_of=date(2023, 2, 10))
    for town, title in (("罗城街道", "兔开心"), ("东成镇", "闹元宵")):
        activity = Activity.objects.filter(
            station__town__name=town, region_code__startswith="4453", title__contains=title
        ).first()
        _draft_from(SourceKind.ACTIVITY, activity, issue)
    _draft_from(SourceKind.CASE, Case.objects.filter(exemplary=True, nickname="小Q").first(), issue)

    sulong = Station.objects.active().filter(town__name="素龙街道", region_code__startswith="4453").first()
    if sulong is not None:
        article = services.article_create(
            actor=system_actor(),
            city_code=CITY,
            section="station",
            title="罗定市素龙街道社工站开展“喜迎新春送春联”活动",
            body=(
                "为喜迎兔年新春，营造欢乐喜庆、温馨和谐的节日氛围，素龙街道社工站开展“喜迎新春送春联”活动，"
                "为困难群众送上新年的祝福。"
            ),
            byline="（罗定市素龙街道社工站供稿）",
            unit=services.Unit(sulong.region_code, sulong.pk),
        )
        services.article_submit(actor=system_actor(), article=article, expected_version=article.version)


@transaction.atomic
def load_demo(actor: User) -> None:
    if Bulletin.objects.filter(region_code=CITY).exists():
        return
    masthead = services.masthead_for(CITY)
    services.masthead_save(
        actor=actor,
        city_code=CITY,
        name=masthead.name,
        unit=masthead.unit,
        sent_to=SENT_TO,
        copied_to=COPIED_TO,
    )
    _back_issues()
    _draft_issue()
