"""The supervision pages through the test client: list, the one-page form, detail with 标记完成, the catalogue."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from shuangbai.supervision.models import CheckItem, Inspection, Recommendation

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _create_url(station) -> str:
    return f"{reverse('supervision:create')}?station={station.pk}"


def _post_data(items, **overrides) -> dict:
    return {
        "visited_on": "2023-02-09",
        "kind": "inspection",
        "team": "云安区民政局、市社工督导人员",
        "lead": "",
        "methods": ["site", "records", "meeting"],
        "findings": "入户走访记录完整，五社联动有待加强。",
        f"score_{items['入户走访'].pk}": "92",
        f"verdict_{items['入户走访'].pk}": "优秀",
        f"verdict_{items['五社联动'].pk}": "需加强",
        "rec_text_1": "加强培训学习，熟悉惠民政策",
        "rec_deadline_1": "2023-03-31",
        "rec_text_2": "总结经验亮点，形成优秀案例",
    } | overrides


def test_a_supervisor_records_an_inspection_on_one_page(world, items):
    client = _client(world.supervisor)
    page = client.get(_create_url(world.station_a))
    assert page.status_code == 200
    body = page.content.decode()
    for name in ("入户走访", "建档立卡", "五社联动", "工作简报", "实地查看", "入户抽查"):
        assert name in body
    assert f'<option value="{world.supervisor.staff_id}" selected>' in body  # leads their own visit
    response = client.post(_create_url(world.station_a), _post_data(items))
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response["Location"] == inspection.get_absolute_url()
    assert inspection.recorded_by == world.supervisor
    assert inspection.methods == ["site", "records", "meeting"]
    assert sorted((s.item.name, s.verdict) for s in inspection.scores.all()) == [
        ("五社联动", "需加强"),
        ("入户走访", "优秀"),
    ]
    assert [(r.text, r.deadline) for r in inspection.recommendations.order_by("id")] == [
        ("加强培训学习，熟悉惠民政策", date(2023, 3, 31)),
        ("总结经验亮点，形成优秀案例", None),
    ]


def test_invalid_input_is_answered_in_chinese_and_nothing_is_lost(world, items):
    client = _client(world.county)
    data = _post_data(
        items,
        visited_on="2999-01-01",
        methods=[],
        **{f"score_{items['建档立卡'].pk}": "120", "rec_deadline_3": "2023-04-01"},
    )
    response = client.post(_create_url(world.station_a), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "检查方式：请至少选择一种检查方式。" in body
    assert "建档立卡评分：确保该值小于或等于100。" in body
    assert "第3条意见建议：填写了整改期限，请同时填写意见建议的内容。" in body
    # what was typed is still there
    assert "云安区民政局、市社工督导人员" in body and "加强培训学习，熟悉惠民政策" in body
    assert 'value="优秀"' in body and 'value="2023-04-01"' in body
    assert not Inspection.objects.exists()

    # the form passes, the service refuses: the message lands on the field it names
    response = client.post(_create_url(world.station_a), _post_data(items, visited_on="2999-01-01"))
    assert "检查日期：检查日期不能晚于今天。" in response.content.decode()
    assert not Inspection.objects.exists()


@pytest.mark.parametrize("username", ["head_a", "worker_a"])
def test_station_roles_may_not_open_the_form(world, items, username):
    client = _client(getattr(world, username))
    assert client.get(_create_url(world.station_a)).status_code == 403
    assert client.post(_create_url(world.station_a), _post_data(items)).status_code == 403
    assert not Inspection.objects.exists()


def test_a_supervisor_posting_for_an_unassigned_station_gets_404(world, items):
    client = _client(world.supervisor)
    assert client.post(_create_url(world.station_c), _post_data(items)).status_code == 404
    assert not Inspection.objects.exists()


def test_the_viewer_sees_no_inspections(world, inspect):
    inspection = inspect()
    client = _client(world.viewer)
    assert client.get(reverse("supervision:index")).status_code == 404
    assert client.get(inspection.get_absolute_url()).status_code == 404


def test_the_list_of_a_station_and_of_a_region(world, inspect):
    inspect(team="甲督导组", recommendations=[("一", None), ("二", None)])
    inspect(station=world.station_c, actor=world.city, team="乙督导组")
    client = _client(world.city)
    body = client.get(f"{reverse('supervision:index')}?station={world.station_a.pk}").content.decode()
    assert "甲督导组" in body and "乙督导组" not in body
    assert "2023年2月9日" in body
    body = client.get(f"{reverse('supervision:index')}?region={world.station_c.town.code}").content.decode()
    assert "乙督导组" in body and "甲督导组" not in body


def test_the_detail_page_shows_everything_and_marks_a_recommendation_done(world, items, inspect):
    inspection = inspect(
        scores=[(items["工作简报"], 78, "合格")],
        recommendations=[("共学《双百概论》实务内容，制定学习计划", date(2023, 3, 31))],
    )
    recommendation = inspection.recommendations.get()
    client = _client(world.head_a)
    body = client.get(inspection.get_absolute_url()).content.decode()
    for text in ("2023年2月9日", "罗定市民政局、市社工督导人员", "查阅台账资料", "工作简报", "78.0", "合格"):
        assert text in body
    assert "共学《双百概论》实务内容，制定学习计划" in body and "标记完成" in body
    done_url = reverse("supervision:recommendation_done", args=[recommendation.pk])
    response = client.post(done_url, {"done_on": "2023-02-01", "note": ""})
    assert "完成日期：完成日期不能早于检查日期。" in response.content.decode()
    response = client.post(done_url, {"done_on": "2023-03-20", "note": "已制定学习计划"})
    assert response.status_code == 302 and response["Location"] == inspection.get_absolute_url()
    recommendation.refresh_from_db()
    assert recommendation.done_on == date(2023, 3, 20) and recommendation.done_by == world.head_a
    body = client.get(inspection.get_absolute_url()).content.decode()
    assert "已完成" in body and "已制定学习计划" in body and 'action="' + done_url not in body


def test_a_worker_sees_the_detail_but_cannot_mark_done(world, inspect):
    inspection = inspect(recommendations=[("加强培训", None)])
    recommendation = inspection.recommendations.get()
    client = _client(world.worker_a)
    body = client.get(inspection.get_absolute_url()).content.decode()
    assert "加强培训" in body and "标记完成" not in body
    done_url = reverse("supervision:recommendation_done", args=[recommendation.pk])
    assert client.post(done_url, {"done_on": "2023-03-01"}).status_code == 403
    assert Recommendation.objects.get().is_open


def test_the_city_adds_and_deactivates_check_items(world, items):
    client = _client(world.city)
    response = client.post(reverse("supervision:items"), {"name": "个案服务", "sort_order": 70})
    assert response.status_code == 302
    assert CheckItem.objects.get(name="个案服务").active
    body = client.post(reverse("supervision:items"), {"name": "入户走访", "sort_order": 5}).content.decode()
    assert "检查项目名称：检查项目“入户走访”已存在" in body
    brief = items["工作简报"]
    client.post(reverse("supervision:item_toggle", args=[brief.pk]))
    brief.refresh_from_db()
    assert brief.active is False
    # the form offers the new item and no longer the deactivated one
    body = _client(world.county).get(_create_url(world.station_a)).content.decode()
    form = body[body.index("<main>") :]  # the top bar has a 工作简报 link of its own
    assert "个案服务" in form and "工作简报" not in form


@pytest.mark.parametrize("username", ["county", "head_a", "supervisor", "viewer"])
def test_only_the_province_and_city_edit_the_catalogue(world, items, username):
    client = _client(getattr(world, username))
    assert client.get(reverse("supervision:items")).status_code == 403
    assert client.post(reverse("supervision:items"), {"name": "个案服务", "sort_order": 1}).status_code == 403
    assert client.post(reverse("supervision:item_toggle", args=[items["五社联动"].pk])).status_code == 403
    assert not CheckItem.objects.filter(name="个案服务").exists()
    assert CheckItem.objects.get(name="五社联动").active
