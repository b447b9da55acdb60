"""Compose an issue from records (two activities, an exemplary case's write-up, a batch, the progress table),
publish it, and read the .docx back: sections in order, titles, the records' numbers, the table's cells, the
foot block, A4 and its margins. A published issue does not change when its records do."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from docx import Document as open_docx
from docx.shared import Mm

from shuangbai.activities.services import activity_update
from shuangbai.bulletins import compose
from shuangbai.bulletins.docx import render_docx
from shuangbai.bulletins.models import Article, ArticleStatus, BulletinStatus
from shuangbai.bulletins.services import (
    article_create,
    article_from_source,
    article_move,
    article_update,
    bulletin_publish,
    table_article_create,
)
from shuangbai.core.models import system_actor

from .conftest import CITY


def _texts(data: bytes) -> list[str]:
    document = open_docx(io.BytesIO(data))
    return [p.text for p in document.paragraphs if p.text.strip()]


def _after(texts: list[str], *needles: str) -> None:
    """Each needle appears, in this order (each in a paragraph after the one before)."""
    at = -1
    for needle in needles:
        found = next((i for i, text in enumerate(texts) if i > at and needle in text), None)
        assert found is not None, f"{needle!r} not found after paragraph {at}: {texts[at + 1 : at + 4]}"
        at = found


@pytest.fixture
def composed(world, records):
    city = world.city
    issue = records.bulletin
    lantern = article_from_source(
        actor=city, kind="activity", pk=records.lantern.pk, city_code=CITY, bulletin=issue
    )
    dumplings = article_from_source(
        actor=city, kind="activity", pk=records.dumplings.pk, city_code=CITY, bulletin=issue
    )
    case = article_from_source(actor=city, kind="case", pk=records.case.pk, city_code=CITY, bulletin=issue)
    batch = article_from_source(actor=city, kind="batch", pk=records.batch.pk, city_code=CITY, bulletin=issue)
    table = table_article_create(actor=city, bulletin=issue, as_of=date(2023, 2, 10))
    own = article_create(
        actor=city,
        city_code=CITY,
        section="city",
        title="市民政局召开“双百工程”工作推进会",
        body="2月7日，市民政局召开工作推进会。",
        bulletin=issue,
    )
    return {
        "lantern": lantern,
        "dumplings": dumplings,
        "case": case,
        "batch": batch,
        "table": table,
        "own": own,
    }


def test_a_draft_from_an_activity_carries_its_facts_as_placeholders(composed):
    lantern = composed["lantern"]
    assert "{参与人数}" in lantern.body and "46" not in lantern.body
    content = compose.article_content(lantern)
    assert content.paragraphs[0] == (
        "2023年2月5日，罗定市罗城街道社工站联合罗定市新华书店在柑园社区新时代文明实践站开展“兔开心，庆元宵”活动，"
        "共有46名群众参与。"
    )
    assert content.paragraphs[1] == "本次活动共分为3个环节：介绍元宵节由来；猜灯谜；制作兔子小桔灯。"
    assert content.byline == "（罗定市罗城街道社工站供稿）"


def test_the_issue_as_docx_holds_the_sections_titles_numbers_table_and_foot(world, records, composed):
    issue = records.bulletin
    issue.refresh_from_db()
    bulletin_publish(actor=world.city, bulletin=issue, expected_version=issue.version)
    issue.refresh_from_db()
    data = render_docx(compose.compose(issue))
    texts = _texts(data)
    _after(
        texts,
        "云浮市“双百工程”工作简报",
        "2023年第2期",
        "●市级动态",
        "云浮市民政局发放健康包12份",  # the batch: 1 + 11 handed out
        "2023年1月10日，云浮市民政局筹集健康包60份。截至目前，已通过1个社工站向12户困难群众发放健康包12份。",
        "云浮市2023年“双百工程”社工站（点）建设进度情况一览表",
        "市民政局召开“双百工程”工作推进会",
        "●社工站（点）动态",
        "罗定市罗城街道社工站开展“兔开心，庆元宵”活动",
        "共有46名群众参与",
        "云城区高峰街道社工站开展“我们的节日·精神的家园”活动",
        "共有37名群众参与",
        "罗定市素龙街道社工站：温暖过冬",
        "社工入户发现小Q家中取暖困难。",
        "发至：各县（市、区）民政局",
        "抄送：省民政厅",
    )
    # the case's person: only the nickname and the write-up are published, nothing else of the case
    for private in ("对象A", "独居，冬季取暖困难", "2023年1月20日", world.beneficiary_a.id_number):
        assert not any(private in text for text in texts), private
    document = open_docx(io.BytesIO(data))
    section = document.sections[0]
    assert (round(section.page_width / Mm(1)), round(section.page_height / Mm(1))) == (210, 297)
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(m / Mm(1)) for m in margins] == [37, 35, 28, 26]
    table = document.tables[0]
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells[0][0] == "县（市、区）" and cells[0][2] == "社工站" and cells[1][2] == "应建社工站数量"
    rows = {row[0]: row for row in cells[2:]}
    assert set(rows) >= {"云城区", "罗定市", "合计"}
    # staff in post from the world fixture: 罗定市's head at station A and the workers of points A and B, 云城区's
    # worker of point C (the fixture's sites have no construction dates, so their site counts are 0)
    assert (rows["罗定市"][6], rows["罗定市"][11], rows["云城区"][11], rows["合计"][11]) == (
        "1",
        "2",
        "1",
        "3",
    )
    assert rows["罗定市"][1] == "未报送" and rows["合计"][15] == "0次"


def test_a_published_issue_does_not_change_when_its_activity_is_edited(world, records, composed):
    issue = records.bulletin
    issue.refresh_from_db()
    bulletin_publish(actor=world.city, bulletin=issue, expected_version=issue.version)
    issue.refresh_from_db()
    before = render_docx(compose.compose(issue))
    lantern = records.lantern
    activity_update(
        actor=system_actor(),
        activity=lantern,
        version=lantern.version,
        title="兔开心，庆元宵",
        theme="festival",
        held_on=lantern.held_on,
        place="柑园社区",
        participants=99,
    )
    assert (
        "共有99名群众参与"
        in compose.article_content(Article.objects.get(pk=composed["lantern"].pk)).paragraphs[0]
    )
    issue.refresh_from_db()
    after = render_docx(compose.compose(issue))
    assert _texts(after) == _texts(before)
    assert any("共有46名群众参与" in text for text in _texts(after))
    with pytest.raises(PermissionDenied):
        article_update(
            actor=world.city,
            article=Article.objects.get(pk=composed["own"].pk),
            expected_version=1,
            title="改",
        )
    with pytest.raises(
        ValidationError, match="本期简报已发布"
    ):  # a copy read before publishing: the lock says so
        article_update(actor=world.city, article=composed["own"], expected_version=1, title="改")


def test_a_draft_issue_follows_its_records_until_published(world, records, composed):
    lantern = records.lantern
    activity_update(
        actor=system_actor(),
        activity=lantern,
        version=lantern.version,
        title="兔开心，庆元宵",
        theme="festival",
        held_on=lantern.held_on,
        place="柑园社区新时代文明实践站",
        participants=50,
    )
    texts = _texts(render_docx(compose.compose(records.bulletin)))
    assert any("共有50名群众参与" in text for text in texts)


def test_a_placeholder_the_record_does_not_have_is_refused(world, composed):
    article = composed["lantern"]
    with pytest.raises(ValidationError) as error:
        article_update(
            actor=world.city,
            article=article,
            expected_version=article.version,
            body="{参与人数}人，{捐款金额}元。",
        )
    assert "{捐款金额}" in error.value.message_dict["body"][0]


def test_articles_are_reordered_and_moved_between_sections(world, records, composed):
    issue = records.bulletin
    article_move(actor=world.city, article=composed["dumplings"], step=-1)
    station = [a.title for s in compose.compose(issue).sections if s.key == "station" for a in s.articles]
    assert station[0].startswith("云城区高峰街道社工站") and station[1].startswith("罗定市罗城街道社工站")
    case = composed["case"]
    article_update(actor=world.city, article=case, expected_version=case.version, section="county")
    county = [a.title for s in compose.compose(issue).sections if s.key == "county" for a in s.articles]
    assert county == ["罗定市素龙街道社工站：温暖过冬"]


def test_publishing_freezes_and_an_empty_issue_cannot_be_published(world, records):
    issue = records.bulletin
    with pytest.raises(ValidationError) as error:
        issue.refresh_from_db()
        bulletin_publish(actor=world.city, bulletin=issue, expected_version=issue.version)
    assert "还没有稿件" in error.value.messages[0]
    article_create(
        actor=world.city, city_code=CITY, section="city", title="标题", body="正文。", bulletin=issue
    )
    issue.refresh_from_db()
    bulletin_publish(actor=world.city, bulletin=issue, expected_version=issue.version)
    issue.refresh_from_db()
    assert (
        issue.status == BulletinStatus.PUBLISHED
        and issue.snapshot["sections"][0]["articles"][0]["title"] == "标题"
    )
    assert (
        Article.objects.get(bulletin=issue).published_text == "标题\n正文。"
    )  # the words as printed, for the archive
    with pytest.raises(ValidationError):
        article_create(actor=world.city, city_code=CITY, section="city", title="迟到", bulletin=issue)
    assert Article.objects.filter(bulletin=issue, status=ArticleStatus.ACCEPTED).count() == 1


@pytest.mark.parametrize(
    ("title", "phrase"),
    [
        ("喜迎新春送春联", "“喜迎新春送春联”活动"),
        ("“兔开心，庆元宵”童趣小花灯主题活动", "“兔开心，庆元宵”童趣小花灯主题活动"),
        ("“我们的节日·精神的家园”", "“我们的节日·精神的家园”活动"),
        ("健康讲座活动", "“健康讲座”活动"),
    ],
)
def test_a_drafted_article_names_an_activity_as_a_person_would(title, phrase):
    from shuangbai.bulletins.sources import activity_phrase

    assert activity_phrase(title) == phrase
    sentence = f"开展{activity_phrase(title)}"
    assert (
        "““" not in sentence
        and "”“" not in sentence
        and "活动”活动" not in sentence
        and "活动活动" not in sentence
    )
