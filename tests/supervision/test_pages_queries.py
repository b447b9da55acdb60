"""The list and detail pages answer in a fixed number of queries, however many rows; the station panel renders."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shuangbai.supervision.selectors import station_panel
from shuangbai.supervision.services import recommendation_done

pytestmark = pytest.mark.django_db


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_list_does_not_query_per_row(world, items, inspect):
    client = Client()
    client.force_login(world.city)
    url = f"{reverse('supervision:index')}?region=445300000000"
    inspect(lead=world.supervisor.staff, recommendations=[("一", None)])
    few = _queries(client, url)
    for letter in "abcabc":
        inspect(
            station=getattr(world, f"station_{letter}"),
            actor=world.city,
            lead=world.supervisor.staff if letter != "c" else None,
            recommendations=[("二", None), ("三", None)],
        )
    assert _queries(client, url) == few


def test_the_detail_does_not_query_per_score_or_recommendation(world, items, inspect):
    client = Client()
    client.force_login(world.county)
    small = inspect(scores=[(items["入户走访"], 90, "")], recommendations=[("一", None)])
    large = inspect(
        scores=[(item, 80, "良好") for item in items.values()],
        recommendations=[(f"第{n}条", date(2023, 3, n)) for n in range(1, 6)],
    )
    for recommendation in large.recommendations.all()[:2]:
        recommendation_done(actor=world.head_a, recommendation=recommendation, done_on=date(2023, 3, 1))
    assert _queries(client, large.get_absolute_url()) == _queries(client, small.get_absolute_url())


def test_the_station_panel_lists_open_recommendations_and_marks_overdue(world, inspect):
    inspect(recommendations=[("共学《双百概论》实务内容", date(2023, 3, 31)), ("制定学习计划", None)])
    request = RequestFactory().get("/")
    request.user = world.supervisor
    context = {"station": world.station_a} | station_panel(world.supervisor, world.station_a)
    html = render_to_string("supervision/partials/station_recommendations.html", context, request=request)
    assert "督导检查意见（未完成2条）" in html
    assert html.index("共学《双百概论》实务内容") < html.index("制定学习计划")
    assert html.count("已逾期") == 1
    assert f"{reverse('supervision:create')}?station={world.station_a.pk}" in html
    request.user = world.viewer
    context = {"station": world.station_a} | station_panel(world.viewer, world.station_a)
    html = render_to_string("supervision/partials/station_recommendations.html", context, request=request)
    assert html.strip() == ""
