"""inspection_record: scores and recommendations, validation answered in Chinese naming the field, who may."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from shuangbai.core.models import AuditEntry, system_actor
from shuangbai.regions.models import Region
from shuangbai.staff.models import Kind
from shuangbai.staff.services import staff_create
from shuangbai.supervision.models import Inspection, InspectionScore, Recommendation

pytestmark = pytest.mark.django_db


def test_it_records_scores_and_recommendations(world, items, inspect):
    inspection = inspect(
        scores=[(items["入户走访"], 92, "优秀"), (items["五社联动"], None, "需加强")],
        recommendations=[("加强培训学习", date(2023, 3, 31)), ("总结经验亮点", None)],
    )
    assert inspection.region_code == world.station_a.region_code
    assert inspection.recorded_by == world.county
    assert inspection.get_methods_display() == ["实地查看", "查阅台账资料", "座谈会"]
    scores = {
        s.item.name: (s.score, s.verdict) for s in InspectionScore.objects.filter(inspection=inspection)
    }
    assert scores == {"入户走访": (Decimal("92.0"), "优秀"), "五社联动": (None, "需加强")}
    recommendations = list(Recommendation.objects.filter(inspection=inspection).order_by("id"))
    assert [(r.text, r.deadline, r.station, r.done_on) for r in recommendations] == [
        ("加强培训学习", date(2023, 3, 31), world.station_a, None),
        ("总结经验亮点", None, world.station_a, None),
    ]
    assert all(r.region_code == world.station_a.region_code for r in recommendations)
    entry = AuditEntry.objects.get(object_type="supervision.inspection", object_id=str(inspection.pk))
    assert entry.action == "create" and entry.actor == world.county
    assert entry.changes["检查项目"] == [None, ["入户走访", "五社联动"]]


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"visited_on": timezone.localdate() + timedelta(days=1)}, "visited_on", "检查日期不能晚于今天。"),
        ({"team": "  "}, "team", "请填写检查组：来检查的单位和人员。"),
        ({"methods": []}, "methods", "请至少选择一种检查方式。"),
        ({"methods": ["site", "phone"]}, "methods", "未知的检查方式：phone。"),
        ({"kind": "audit"}, "kind", "请选择类型：督导检查或监测评估。"),
        (
            {"recommendations": [("好", date(2023, 2, 1))]},
            "recommendations",
            "第1条意见建议的整改期限不能早于检查日期。",
        ),
        ({"recommendations": [("好", None), (" ", None)]}, "recommendations", "第2条意见建议未填写内容。"),
    ],
)
def test_it_refuses_bad_input_naming_the_field(world, inspect, overrides, field, message):
    with pytest.raises(ValidationError) as caught:
        inspect(**overrides)
    assert caught.value.message_dict == {field: [message]}
    assert not Inspection.objects.exists()


def test_scores_must_be_0_to_100_and_say_which_item(world, items, inspect):
    with pytest.raises(ValidationError) as caught:
        inspect(scores=[(items["建档立卡"], Decimal("100.5"), "")])
    assert caught.value.message_dict == {"scores": ["“建档立卡”的评分应在0到100之间。"]}
    with pytest.raises(ValidationError) as caught:
        inspect(scores=[(items["建档立卡"], -1, "差")])
    assert caught.value.message_dict == {"scores": ["“建档立卡”的评分应在0到100之间。"]}
    assert not Inspection.objects.exists()


def test_a_score_row_needs_a_score_or_a_verdict_and_an_item_only_once(world, items, inspect):
    with pytest.raises(ValidationError) as caught:
        inspect(scores=[(items["工作简报"], None, " ")])
    assert caught.value.message_dict == {"scores": ["“工作简报”：请填写评分或结论（至少一项）。"]}
    with pytest.raises(ValidationError) as caught:
        inspect(scores=[(items["工作简报"], 80, ""), (items["工作简报"], 90, "")])
    assert caught.value.message_dict == {"scores": ["检查项目“工作简报”重复填写。"]}


def test_an_unknown_or_deactivated_item_is_refused(world, items, inspect):
    with pytest.raises(ValidationError) as caught:
        inspect(scores=[("卫生检查", 80, "")])
    assert caught.value.message_dict == {"scores": ["检查项目“卫生检查”不在目录中，或已停用。"]}
    items["台账资料"].active = False
    items["台账资料"].save()
    with pytest.raises(ValidationError) as caught:
        inspect(scores=[(items["台账资料"], 80, "")])
    assert caught.value.message_dict == {"scores": ["检查项目“台账资料”不在目录中，或已停用。"]}


def test_the_lead_must_be_a_supervisor_of_the_station(world, inspect):
    with pytest.raises(ValidationError) as caught:
        inspect(lead=world.staff_a)
    assert caught.value.message_dict == {"lead": ["社工A不是在岗督导，不能带队。"]}
    outsider = staff_create(
        actor=system_actor(),
        name="广州督导",
        gender="F",
        hired_on=date(2021, 7, 1),
        kind=Kind.SUPERVISOR,
        region=Region.objects.get(code="440100000000"),
    )
    with pytest.raises(ValidationError) as caught:
        inspect(lead=outsider)
    assert caught.value.message_dict == {"lead": ["广州督导不负责素龙街道社工站所在区域，不能带队。"]}
    # the fixture's supervisor is assigned to station A
    assert inspect(lead=world.supervisor.staff).lead == world.supervisor.staff


@pytest.mark.parametrize("username", ["head_a", "worker_a", "viewer"])
def test_station_roles_and_the_viewer_cannot_record(world, inspect, username):
    with pytest.raises(PermissionDenied):
        inspect(actor=getattr(world, username))
    assert not Inspection.objects.exists()


def test_a_supervisor_records_only_at_assigned_stations(world, inspect):
    assert inspect(actor=world.supervisor, station=world.station_b).station == world.station_b
    with pytest.raises(PermissionDenied):
        inspect(actor=world.supervisor, station=world.station_c)  # 云城区: not assigned
    with pytest.raises(PermissionDenied):
        inspect(actor=world.county, station=world.station_c)  # 罗定市's bureau: outside its county
    assert Inspection.objects.count() == 1
