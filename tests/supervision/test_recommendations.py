"""Following up recommendations: recommendation_done, open_recommendations and the station panel."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from shuangbai.core.models import AuditEntry
from shuangbai.supervision.models import Recommendation
from shuangbai.supervision.selectors import inspection_list, open_recommendations, station_panel
from shuangbai.supervision.services import recommendation_done

pytestmark = pytest.mark.django_db


def _one(inspection) -> Recommendation:
    return inspection.recommendations.get()


def test_the_station_head_marks_a_recommendation_done(world, inspect):
    recommendation = _one(inspect(recommendations=[("共学《双百概论》", date(2023, 3, 31))]))
    recommendation_done(
        actor=world.head_a, recommendation=recommendation, done_on=date(2023, 3, 20), note="已制定学习计划"
    )
    recommendation.refresh_from_db()
    assert (recommendation.done_on, recommendation.done_by, recommendation.done_note) == (
        date(2023, 3, 20),
        world.head_a,
        "已制定学习计划",
    )
    entry = AuditEntry.objects.get(object_type="supervision.recommendation", object_id=str(recommendation.pk))
    assert entry.action == "change" and entry.changes["完成日期"] == [None, "2023-03-20"]


def test_a_second_marking_is_refused_not_overwritten(world, inspect):
    recommendation = _one(inspect(recommendations=[("加强培训", None)]))
    recommendation_done(actor=world.county, recommendation=recommendation, done_on=date(2023, 3, 1))
    stale = Recommendation.objects.get(pk=recommendation.pk)
    with pytest.raises(ValidationError) as caught:
        recommendation_done(actor=world.supervisor, recommendation=stale, done_on=date(2023, 3, 5), note="x")
    assert caught.value.messages == ["该意见建议已由county于2023年3月1日标记完成。"]
    stale.refresh_from_db()
    assert (stale.done_on, stale.done_by) == (date(2023, 3, 1), world.county)


def test_the_done_date_lies_between_the_inspection_and_today(world, inspect):
    recommendation = _one(inspect(recommendations=[("加强培训", None)]))
    with pytest.raises(ValidationError) as caught:
        recommendation_done(actor=world.county, recommendation=recommendation, done_on=date(2023, 2, 8))
    assert caught.value.message_dict == {"done_on": ["完成日期不能早于检查日期。"]}
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        recommendation_done(actor=world.county, recommendation=recommendation, done_on=tomorrow)
    assert caught.value.message_dict == {"done_on": ["完成日期不能晚于今天。"]}
    recommendation.refresh_from_db()
    assert recommendation.is_open


@pytest.mark.parametrize("username", ["worker_a", "viewer"])
def test_workers_and_the_viewer_cannot_mark_done(world, inspect, username):
    recommendation = _one(inspect(recommendations=[("加强培训", None)]))
    with pytest.raises(PermissionDenied):
        recommendation_done(
            actor=getattr(world, username), recommendation=recommendation, done_on=date(2023, 3, 1)
        )
    recommendation.refresh_from_db()
    assert recommendation.is_open


def test_open_recommendations_nearest_deadline_first_and_only_the_stations_open_ones(world, inspect):
    first = inspect(
        visited_on=date(2023, 1, 10),
        recommendations=[("无期限", None), ("已逾期", date(2023, 2, 1)), ("已完成", date(2023, 1, 31))],
    )
    inspect(recommendations=[("期限较晚", date(2099, 1, 1))])
    inspect(station=world.station_b, actor=world.county, recommendations=[("B站的", None)])
    recommendation_done(
        actor=world.county,
        recommendation=first.recommendations.get(text="已完成"),
        done_on=date(2023, 1, 20),
    )
    rows = list(open_recommendations(world.head_a, world.station_a))
    assert [(r.text, r.overdue) for r in rows] == [("已逾期", True), ("期限较晚", False), ("无期限", False)]
    # the same for the bureau; nothing for the viewer (internal records); nothing outside one's scope
    assert [r.text for r in open_recommendations(world.city, world.station_a)] == [r.text for r in rows]
    assert list(open_recommendations(world.viewer, world.station_a)) == []
    assert list(open_recommendations(world.worker_b, world.station_a)) == []
    assert [r.text for r in open_recommendations(world.worker_b, world.station_b)] == ["B站的"]


def test_the_station_panel_offers_recording_to_those_who_may(world, inspect):
    inspect(recommendations=[("加强培训", None)])
    panel = station_panel(world.supervisor, world.station_a)
    assert [r.text for r in panel["open_recommendations"]] == ["加强培训"]
    assert panel["can_record_inspection"] is True
    assert station_panel(world.head_a, world.station_a)["can_record_inspection"] is False
    assert station_panel(world.viewer, world.station_a) == {
        "open_recommendations": [],
        "can_record_inspection": False,
    }


def test_the_list_counts_open_recommendations_and_the_supervisor_sees_assigned_stations(world, inspect):
    older = inspect(visited_on=date(2022, 12, 1), recommendations=[("一", None), ("二", None)])
    newer = inspect(station=world.station_b, recommendations=[])
    outside = inspect(station=world.station_c, actor=world.city, recommendations=[("三", None)])
    recommendation_done(
        actor=world.county, recommendation=older.recommendations.get(text="一"), done_on=date(2023, 1, 1)
    )
    rows = list(inspection_list(world.supervisor))
    assert [(i.pk, i.open_count) for i in rows] == [(newer.pk, 0), (older.pk, 1)]
    # newest first; on the same day, the later record first
    assert [i.pk for i in inspection_list(world.city)] == [outside.pk, newer.pk, older.pk]
    assert [i.pk for i in inspection_list(world.city, station=world.station_c)] == [outside.pk]
    assert list(inspection_list(world.viewer)) == []
