"""The demo's inspections from the seed bulletins, on the stations that exist (the others are skipped)."""

from __future__ import annotations

from datetime import date

import pytest

from shuangbai.core.models import system_actor
from shuangbai.regions.models import Region
from shuangbai.stations.services import station_create
from shuangbai.supervision.demo import load_demo
from shuangbai.supervision.models import Inspection, Recommendation

pytestmark = pytest.mark.django_db


def _station(name: str):
    town = Region.objects.get(name=name, code__startswith="4453")
    return station_create(actor=system_actor(), town=town, status="operating", opened_on=date(2021, 7, 1))


def test_the_demo_records_the_seed_inspections_and_skips_absent_stations(world):
    fulin, ducheng = _station("富林镇"), _station("都城镇")
    recorded = load_demo(world.province)
    # 富林镇 (the province's evaluation, 云安区's supervision), 都城镇 (张和清), 高峰街道 = station C (云城区's
    # January check); 车岗镇, 平台镇, 新城镇 and the other 云安区 towns have no station here
    assert recorded == 4
    evaluation = Inspection.objects.get(station=fulin, kind="evaluation")
    assert (evaluation.kind, evaluation.visited_on) == ("evaluation", date(2021, 7, 7))
    assert evaluation.team == "省民政厅慈善事业促进和社会工作处二级调研员谢军、监测评估专家游华元"
    assert {"实地查看", "查阅台账资料", "座谈会"} <= set(evaluation.get_methods_display())
    visit = Inspection.objects.get(station=ducheng)
    assert (visit.kind, visit.visited_on, visit.get_methods_display()) == (
        "inspection",
        date(2021, 8, 1),
        ["座谈会", "实地查看"],
    )
    study = visit.recommendations.get(text__contains="《双百概论》")
    assert study.done_on is not None and study.done_by == world.province
    assert Inspection.objects.get(station=world.station_c).visited_on == date(2023, 1, 10)
    assert Recommendation.objects.open().exists()
    assert load_demo(world.province) == 0  # idempotent


def test_the_demo_scores_yunan_stations_on_the_items_the_bulletin_names(world):
    stations = [_station(name) for name in ("富林镇", "石城镇")]
    load_demo(system_actor())
    for station in stations:
        inspection = Inspection.objects.get(station=station, visited_on__year=2023)
        assert inspection.team == "云安区民政局、市社工督导人员"
        names = [s.item.name for s in inspection.scores.order_by("item__sort_order")]
        assert names == ["入户走访", "建档立卡", "五社联动", "工作简报"]
        assert all(0 <= s.score <= 100 and s.verdict for s in inspection.scores.all())
