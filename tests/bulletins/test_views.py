"""The bulletin through its pages: a station writes and sends in, the city returns and then accepts, composes
from records, publishes; who sees what; importing a back issue with corrections; the archive."""

from __future__ import annotations

import io
from importlib import resources

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document as open_docx
from PIL import Image

from shuangbai.bulletins.models import Article, ArticleStatus, Bulletin, BulletinStatus
from shuangbai.bulletins.services import article_create, bulletin_publish, masthead_for
from shuangbai.core.models import AuditEntry, Role
from tests.conftest import _user

from .conftest import CITY

SEED_2021 = "001_8f8367b09badc71e.txt"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_a_station_writes_sends_in_is_returned_then_accepted_and_published(world, records):
    worker = _client(world.worker_a)
    response = worker.post(
        reverse("bulletins:article_create"),
        {
            "section": "station",
            "title": "素龙街道社工站开展春节慰问",
            "body": "1月6日，社工走访20户困难家庭。",
        },
    )
    article = Article.objects.get(title="素龙街道社工站开展春节慰问")
    assert response.status_code == 302 and response["Location"] == article.get_absolute_url()
    # the city is the worker's own, never posted; the unit is the station
    assert (article.city_code, article.station_id, article.status) == (CITY, world.station_a.pk, "draft")
    city = _client(world.city)
    assert article not in list(
        city.get(reverse("bulletins:index")).context["inbox"]
    )  # a draft is not sent in

    worker.post(reverse("bulletins:article_submit", args=[article.pk]), {"version": article.version})
    article.refresh_from_db()
    assert article.status == ArticleStatus.SUBMITTED
    assert article in list(city.get(reverse("bulletins:index")).context["inbox"])
    # sent in: the station no longer edits it
    assert worker.get(reverse("bulletins:article_edit", args=[article.pk])).status_code == 403

    response = city.post(
        reverse("bulletins:article_return", args=[article.pk]),
        {"version": article.version, "comment": ""},
        follow=True,
    )
    assert any(m.startswith("退回意见：") for m in _messages(response)), _messages(response)
    article.refresh_from_db()
    assert article.status == ArticleStatus.SUBMITTED  # an empty comment returns nothing
    city.post(
        reverse("bulletins:article_return", args=[article.pk]),
        {"version": article.version, "comment": "请补充慰问金额和照片。"},
    )
    article.refresh_from_db()
    assert (article.status, article.review_comment) == (ArticleStatus.RETURNED, "请补充慰问金额和照片。")
    page = worker.get(article.get_absolute_url())
    assert "退回意见：请补充慰问金额和照片。" in page.content.decode()

    response = worker.post(
        reverse("bulletins:article_edit", args=[article.pk]),
        {
            "version": article.version,
            "section": "station",
            "title": article.title,
            "body": "1月6日，社工走访20户困难家庭，送上慰问金。",
            "byline": "（罗定市素龙街道社工站供稿）",
        },
    )
    assert response.status_code == 302
    article.refresh_from_db()
    worker.post(reverse("bulletins:article_submit", args=[article.pk]), {"version": article.version})
    article.refresh_from_db()
    issue = records.bulletin
    response = city.post(
        reverse("bulletins:article_accept", args=[article.pk]),
        {"version": article.version, "bulletin": issue.pk, "section": "station"},
    )
    article.refresh_from_db()
    assert (article.status, article.bulletin_id) == (ArticleStatus.ACCEPTED, issue.pk)

    # the city edits it in the issue; who wrote and who changed what is kept
    city.post(
        reverse("bulletins:article_edit", args=[article.pk]),
        {
            "version": article.version,
            "section": "station",
            "title": "素龙街道社工站开展春节慰问活动",
            "body": article.body,
            "byline": article.byline,
        },
    )
    article.refresh_from_db()
    assert (article.created_by, article.updated_by) == (world.worker_a, world.city)
    changes = AuditEntry.objects.filter(object_type="bulletins.article", object_id=str(article.pk)).order_by(
        "at"
    )
    assert [(e.actor_name, sorted(e.changes)) for e in changes if "title" in e.changes] == [
        ("city", ["title"])  # updated_by was already the city's, from accepting it
    ]
    history = city.get(article.get_absolute_url()).context["history"]
    assert [(e.actor_name, fields) for e, fields in history if "标题" in fields] == [("city", ["标题"])]
    assert history[0][0].actor_name == "worker_a"  # who wrote it
    # the audit trail is for bureau roles: the station that wrote it does not see it
    assert worker.get(article.get_absolute_url()).context["history"] is None

    issue.refresh_from_db()
    response = city.post(reverse("bulletins:publish", args=[issue.pk]), {"version": issue.version})
    issue.refresh_from_db()
    assert issue.status == BulletinStatus.PUBLISHED
    data = city.get(reverse("bulletins:docx", args=[issue.pk]))
    assert data["Content-Type"].startswith("application/vnd.openxmlformats")
    texts = [p.text for p in open_docx(io.BytesIO(data.content)).paragraphs]
    assert "素龙街道社工站开展春节慰问活动" in texts and "（罗定市素龙街道社工站供稿）" in texts
    assert AuditEntry.objects.filter(object_type="bulletins.bulletin", action="export").exists()
    # frozen: the city can no longer edit or take it out
    assert city.get(reverse("bulletins:article_edit", args=[article.pk])).status_code == 403


def test_an_unpublished_issue_is_the_city_bureaus_alone_a_published_one_is_read_city_wide(world, records):
    issue = records.bulletin
    article_create(
        actor=world.city, city_code=CITY, section="city", title="市级动态", body="正文。", bulletin=issue
    )
    other_city = _user("guangzhou", Role.CITY, "440100000000")
    worker_d = _user("worker_d", Role.WORKER, world.station_d.region_code, staff=world.staff_d)
    everyone_in_city = [
        world.county,
        world.head_a,
        world.worker_a,
        world.worker_b,
        world.supervisor,
        world.viewer,
    ]
    url = reverse("bulletins:detail", args=[issue.pk])
    assert _client(world.city).get(url).status_code == 200
    for user in [*everyone_in_city, world.province, other_city, worker_d]:
        assert _client(user).get(url).status_code == 404, user.username
    issue.refresh_from_db()
    bulletin_publish(actor=world.city, bulletin=issue, expected_version=issue.version)
    for user in [world.city, *everyone_in_city, world.province]:
        for name in ("bulletins:detail", "bulletins:preview", "bulletins:docx"):
            assert _client(user).get(reverse(name, args=[issue.pk])).status_code == 200, (user.username, name)
    for user in (other_city, worker_d):
        assert _client(user).get(url).status_code == 404, user.username


def test_a_station_writes_only_for_its_own_city(world, records):
    worker_d = _user("worker_d", Role.WORKER, world.station_d.region_code, staff=world.staff_d)
    _client(worker_d).post(
        reverse("bulletins:article_create"),
        {"section": "station", "title": "沙面街道社工站稿件", "body": "正文。"},
    )
    article = Article.objects.get(title="沙面街道社工站稿件")
    assert article.city_code == "440100000000"
    # 云浮's bureau cannot see it, nor accept it into its issue
    city = _client(world.city)
    assert city.get(article.get_absolute_url()).status_code == 404
    response = city.post(
        reverse("bulletins:article_accept", args=[article.pk]),
        {"version": article.version, "bulletin": records.bulletin.pk, "section": "station"},
    )
    assert response.status_code == 404
    # the province, supervisors and the viewer do not write articles
    for user in (world.province, world.supervisor, world.viewer):
        assert _client(user).get(reverse("bulletins:article_create")).status_code == 403


def test_composing_from_records_and_the_live_table_through_the_pages(world, records):
    city = _client(world.city)
    issue = records.bulletin
    page = city.get(
        reverse("bulletins:article_draft") + f"?kind=activity&bulletin={issue.pk}"
    ).content.decode()
    assert "兔开心，庆元宵" in page
    response = city.post(
        reverse("bulletins:article_draft"),
        {"kind": "activity", "id": records.lantern.pk, "bulletin": issue.pk},
    )
    article = Article.objects.get(source_kind="activity", source_id=records.lantern.pk)
    assert response["Location"] == article.get_absolute_url() and article.bulletin_id == issue.pk
    assert "共有46名群众参与" in city.get(article.get_absolute_url()).content.decode()
    response = city.post(
        reverse("bulletins:table", args=[issue.pk]), {"as_of": "2099-01-01", "section": "city"}, follow=True
    )
    assert "一览表截至日期：截至日期不能晚于今天。" in _messages(response)
    city.post(reverse("bulletins:table", args=[issue.pk]), {"as_of": "2023-02-10", "section": "city"})
    table = Article.objects.get(bulletin=issue, table_kind="progress")
    assert table.title == "云浮市2023年“双百工程”社工站（点）建设进度情况一览表"
    preview = city.get(reverse("bulletins:preview", args=[issue.pk])).content.decode()
    assert "云浮市“双百工程”工作简报" in preview and "2023年第2期" in preview and "罗定市" in preview

    # a photo added to the article is served only through the issue that shows it
    image = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(image, "PNG")
    image.name = "photo.png"
    image.seek(0)
    response = city.post(
        reverse("bulletins:photo_add", args=[article.pk]), {"image": image, "caption": "猜灯谜"}, follow=True
    )
    assert _messages(response) == ["照片已添加。"]
    photo = article.photos.get()
    assert photo.path.endswith(".jpg") and photo.caption == "猜灯谜"
    assert city.get(reverse("bulletins:media", args=[issue.pk, photo.path])).status_code == 200
    assert (
        city.get(reverse("bulletins:media", args=[issue.pk, "bulletins/4453/other.jpg"])).status_code == 404
    )
    response = city.post(
        reverse("bulletins:photo_add", args=[article.pk]), {"image": io.BytesIO(b"not an image")}
    )
    assert article.photos.count() == 1


def _seed_upload(name: str):
    data = resources.files("shuangbai").joinpath(f"data/bulletins/{name}").read_bytes()
    upload = io.BytesIO(data)
    upload.name = "2021年第7期.txt"
    return upload


def test_a_back_issue_is_split_corrected_on_the_review_page_and_filed(world):
    city = _client(world.city)
    response = city.post(reverse("bulletins:import"), {"file": _seed_upload(SEED_2021)})
    assert response.status_code == 302 and response["Location"] == reverse("bulletins:import_review")
    page = city.get(reverse("bulletins:import_review"))
    rows = page.context["rows"]
    assert [form.initial["title"] for form, _ in rows][:2] == [
        "省民政厅领导到我市云安区、新兴县开展广东社工“双百计划”项目监测评估工作",
        "云浮市民政局《双百花开遍地红》获省民政系统文艺汇演粤西片区三等奖",
    ]
    assert len(rows) == 10 and "未导入的行" in page.content.decode()
    data = {
        "token": page.context["token"],
        "year": "2021",
        "sequence": "7",
        "issued_on": "2021-08-10",
        "sent_to": page.context["issue_form"].initial["sent_to"],
        "copied_to": page.context["issue_form"].initial["copied_to"],
        "a-TOTAL_FORMS": str(len(rows)),
        "a-INITIAL_FORMS": str(len(rows)),
    }
    for i, (form, _) in enumerate(rows):
        data.update({f"a-{i}-{k}": v for k, v in form.initial.items()})
    data["a-1-drop"] = "on"  # the officer leaves the art-show article out
    data["a-4-merge"] = "on"  # and folds the exam's end into the meeting before it
    response = city.post(reverse("bulletins:import_review"), data)
    issue = Bulletin.objects.get(year=2021, sequence=7)
    assert response["Location"] == issue.get_absolute_url()
    assert (issue.status, issue.imported) == (BulletinStatus.PUBLISHED, True)
    titles = [a["title"] for s in issue.snapshot["sections"] for a in s["articles"]]
    assert (
        len(titles) == 8 and "云浮市民政局《双百花开遍地红》获省民政系统文艺汇演粤西片区三等奖" not in titles
    )
    meeting = next(
        a for s in issue.snapshot["sections"] for a in s["articles"] if "考务工作推进会" in a["title"]
    )
    assert "2021年云浮市“双百工程”社工招聘笔试顺利结束" in meeting["paragraphs"]
    table = next(a for s in issue.snapshot["sections"] for a in s["articles"] if a["tables"])["tables"][0]
    total = next(row for row in table["rows"] if row[0] == "合计")
    assert total[2:5] == ["63", "63", "63"] and total[11] == "350" and total[15] == "10次"
    # filed under the places their titles name: 河口街道's article is found by its county
    hekou = Article.objects.get(bulletin=issue, title__startswith="云城区河口街道")
    assert (hekou.region_code, hekou.about_code) == (
        "445300000000",
        "445302003000",
    )  # filed by the city, about 河口
    archive = city.get(reverse("bulletins:archive"), {"region": "445302000000", "q": "小陈"})
    assert [a.pk for a in archive.context["page"]] == [hekou.pk]
    archive = city.get(reverse("bulletins:archive"), {"date_from": "2022-01-01"})
    assert archive.context["page"].paginator.count == 0
    # the same number again is refused, in Chinese, and nothing is filed twice
    city.post(reverse("bulletins:import"), {"file": _seed_upload(SEED_2021)})
    stale = city.post(reverse("bulletins:import_review"), data, follow=True)  # the old page's token
    assert "页面已过期（已上传了另一个文件）" in _messages(stale)[0]
    data["token"] = stale.context["token"]
    response = city.post(reverse("bulletins:import_review"), data)
    assert "2021年第7期已存在，请换一个期数。" in response.content.decode()
    assert Bulletin.objects.filter(year=2021, sequence=7).count() == 1


def test_the_review_page_without_an_upload_or_with_lost_rows_says_so(world):
    city = _client(world.city)
    response = city.get(reverse("bulletins:import_review"), follow=True)
    assert _messages(response) == ["没有待确认的导入，请先上传文件。"]
    city.post(reverse("bulletins:import"), {"file": _seed_upload(SEED_2021)})
    token = city.get(reverse("bulletins:import_review")).context["token"]
    response = city.post(
        reverse("bulletins:import_review"),
        {"token": token, "a-TOTAL_FORMS": "3", "a-INITIAL_FORMS": "3", "year": "2021"},
        follow=True,
    )
    assert "页面已过期" in _messages(response)[0] and not Bulletin.objects.exists()


def test_a_file_that_is_not_a_bulletin_is_refused_in_chinese(world):
    city = _client(world.city)
    upload = io.BytesIO("只是一段文字，没有栏目。".encode())
    upload.name = "随笔.txt"
    response = city.post(reverse("bulletins:import"), {"file": upload})
    assert response.status_code == 200
    assert "未找到栏目标题（●市级动态等）" in response.content.decode()
    upload = io.BytesIO(b"PK\x03\x04")
    upload.name = "表格.xlsx"
    response = city.post(reverse("bulletins:import"), {"file": upload})
    assert "只支持 .docx 或 .txt 文件" in response.content.decode()
    assert not Bulletin.objects.exists()


@pytest.mark.parametrize(
    "field, value, message",
    [("sequence", "0", "期数（第几期）"), ("issued_on", "2022-01-01", "印发日期应在2023年内")],
)
def test_a_new_issue_with_bad_input_is_refused_and_nothing_saved(world, field, value, message):
    data = {
        "year": "2023",
        "sequence": "3",
        "issued_on": "2023-03-01",
        "name": "简报",
        "unit": "云浮市民政局",
    }
    data[field] = value
    response = _client(world.city).post(reverse("bulletins:create"), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Bulletin.objects.exists()


def test_the_masthead_is_saved_and_a_second_editor_does_not_overwrite_the_first(world):
    city = _client(world.city)
    page = city.get(reverse("bulletins:masthead"))
    assert page.context["form"].initial["name"] == "云浮市“双百工程”工作简报"
    data = {
        "name": "云浮市“双百工程”工作简报",
        "unit": "云浮市民政局",
        "sent_to": "市直有关单位",
        "copied_to": "省民政厅",
    }
    assert city.post(reverse("bulletins:masthead"), {**data, "version": ""}).status_code == 302
    seen = city.get(reverse("bulletins:masthead")).context["form"].initial["version"]
    assert (
        city.post(
            reverse("bulletins:masthead"), {**data, "version": seen, "copied_to": "省民政厅。"}
        ).status_code
        == 302
    )
    stale = city.post(reverse("bulletins:masthead"), {**data, "version": seen, "sent_to": "覆盖"})
    assert "此记录已被他人修改" in stale.content.decode()
    masthead = masthead_for(CITY)
    assert (masthead.sent_to, masthead.copied_to) == ("市直有关单位", "省民政厅。")
    # a new issue starts from these lists
    assert city.get(reverse("bulletins:create")).context["form"].initial["sent_to"] == "市直有关单位"
    assert _client(world.county).get(reverse("bulletins:masthead")).status_code == 403
