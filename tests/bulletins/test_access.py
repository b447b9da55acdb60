"""A published issue is read city-wide and by the province, and by nobody of another city; it and its articles
are frozen for everyone. Case articles stay de-identified. (The access matrix covers drafts and articles sent in.)"""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from PIL import Image

from shuangbai.activities.services import activity_update
from shuangbai.bulletins.models import Article
from shuangbai.bulletins.services import (
    article_create,
    article_from_source,
    article_update,
    bulletin_publish,
)
from shuangbai.cases.services import case_unset_exemplary
from shuangbai.core.models import Role, system_actor
from tests.conftest import _user

from .conftest import CITY


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _photo_upload():
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "green").save(out, "JPEG")
    out.seek(0)
    out.name = "p.jpg"
    return out


@pytest.fixture
def published(world, records):
    city = world.city
    issue = records.bulletin
    article = article_from_source(
        actor=city, kind="activity", pk=records.lantern.pk, city_code=CITY, bulletin=issue
    )
    _client(city).post(
        reverse("bulletins:photo_add", args=[article.pk]), {"image": _photo_upload(), "caption": "灯谜"}
    )
    issue.refresh_from_db()
    bulletin_publish(actor=city, bulletin=issue, expected_version=issue.version)
    issue.refresh_from_db()
    return issue, Article.objects.get(pk=article.pk)


def test_a_published_issue_and_its_pieces_are_read_in_its_city_only(world, published):
    issue, article = published
    photo = article.photos.get()
    urls = [
        reverse("bulletins:detail", args=[issue.pk]),
        reverse("bulletins:preview", args=[issue.pk]),
        reverse("bulletins:docx", args=[issue.pk]),
        reverse("bulletins:media", args=[issue.pk, photo.path]),
        reverse("bulletins:article", args=[article.pk]),
        reverse("bulletins:photo", args=[photo.pk]),
    ]
    inside = [
        world.city,
        world.county,
        world.head_a,
        world.worker_b,
        world.supervisor,
        world.viewer,
        world.province,
    ]
    outside = [_user("guangzhou", Role.CITY, "440100000000"), _user("guangxi", Role.PROVINCE, "450000000000")]
    for user in inside:
        client = _client(user)
        for url in urls:
            assert client.get(url).status_code == 200, (user.username, url)
    for user in outside:
        client = _client(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user.username, url)
            assert client.post(url).status_code in (404, 405), (user.username, url)
    # a path outside the issue's photos, or outside the media folder, is not served
    city = _client(world.city)
    assert city.get(reverse("bulletins:media", args=[issue.pk, "../shuangbai.sqlite3"])).status_code == 404


def test_nothing_of_a_published_issue_can_be_changed(world, published):
    issue, article = published
    city = _client(world.city)
    photo = article.photos.get()
    before = (issue.snapshot, issue.version)
    article_before = (article.title, article.bulletin_id, article.position, article.status)
    posts = [
        (reverse("bulletins:edit", args=[issue.pk]), {"version": issue.version, "year": 2023, "sequence": 9}),
        (reverse("bulletins:table", args=[issue.pk]), {"as_of": "2023-02-10", "section": "city"}),
        (reverse("bulletins:publish", args=[issue.pk]), {"version": issue.version}),
        (reverse("bulletins:article_edit", args=[article.pk]), {"version": article.version, "title": "改"}),
        (reverse("bulletins:article_take_out", args=[article.pk]), {"version": article.version}),
        (reverse("bulletins:article_move", args=[article.pk]), {"step": "up"}),
        (
            reverse("bulletins:article_return", args=[article.pk]),
            {"version": article.version, "comment": "退"},
        ),
        (reverse("bulletins:photo_add", args=[article.pk]), {"image": _photo_upload()}),
        (reverse("bulletins:photo_remove", args=[photo.pk]), {}),
    ]
    for url, data in posts:
        response = city.post(url, data)
        assert response.status_code in (302, 403), (url, response.status_code)
    issue.refresh_from_db()
    article.refresh_from_db()
    assert (issue.snapshot, issue.version) == before
    assert (article.title, article.bulletin_id, article.position, article.status) == article_before
    assert article.photos.get() == photo


def test_a_published_article_page_shows_what_was_printed(world, records, published):
    issue, article = published
    lantern = records.lantern
    activity_update(actor=system_actor(), activity=lantern, version=lantern.version, title=lantern.title, theme="festival",
                    held_on=lantern.held_on, place="柑园社区", participants=99)  # fmt: skip
    page = _client(world.viewer).get(article.get_absolute_url())
    text = page.content.decode()
    assert "共有46名群众参与" in text and "99" not in text
    assert page.context["facts"] == {}  # no live values beside a frozen article
    # the archive finds it by the words as printed, numbers included, and by the place it is about
    archive = _client(world.county).get(
        reverse("bulletins:archive"), {"q": "46名群众", "region": "445381000000"}
    )
    assert [a.pk for a in archive.context["page"]] == [article.pk]
    bad = _client(world.county).get(
        reverse("bulletins:archive"), {"date_from": "2023-03-01", "date_to": "2023-01-01"}
    )
    assert bad.context["page"] is None and "起始日期不能晚于截止日期。" in bad.content.decode()


def test_a_case_article_stays_de_identified_and_needs_its_case_to_publish(world, records):
    city = world.city
    issue = records.bulletin
    article = article_from_source(actor=city, kind="case", pk=records.case.pk, city_code=CITY, bulletin=issue)
    person = world.beneficiary_a
    with pytest.raises(ValidationError) as error:
        article_update(actor=city, article=article, expected_version=article.version,
                       body=f"{person.name}家中取暖困难。")  # fmt: skip
    assert f"服务对象的姓名“{person.name}”" in error.value.message_dict["body"][0]
    assert "{化名}" not in Article.objects.get(pk=article.pk).body
    case = records.case
    case_unset_exemplary(actor=world.worker_a, case=case, version=case.version)
    issue.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        bulletin_publish(actor=city, bulletin=issue, expected_version=issue.version)
    assert "来源记录已不存在或不再可用" in error.value.messages[0]


def test_a_publish_posted_from_a_page_older_than_the_last_change_is_refused(world, records):
    issue = records.bulletin
    seen = issue.version
    article_create(
        actor=world.city, city_code=CITY, section="city", title="新稿", body="正文。", bulletin=issue
    )
    with pytest.raises(ValidationError, match="已被他人修改"):
        bulletin_publish(actor=world.city, bulletin=issue, expected_version=seen)
