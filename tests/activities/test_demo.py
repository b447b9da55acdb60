"""The demo's activities on the test world's stations (素龙街道, 罗城街道, 高峰街道; the other towns have none
here and are skipped). The full demo is loaded by tests/test_demo.py."""

from __future__ import annotations

from datetime import date

from shuangbai.activities.demo import load_demo
from shuangbai.activities.models import Activity, Partner
from shuangbai.core.models import system_actor


def test_the_demo_records_the_seed_activities_once(world):
    assert load_demo(system_actor()) == 3
    assert load_demo(system_actor()) == 0
    by_town = {a.station.town.name: a for a in Activity.objects.select_related("station__town")}
    assert set(by_town) == {"素龙街道", "罗城街道", "高峰街道"}
    luocheng = by_town["罗城街道"]
    assert luocheng.held_on == date(2023, 2, 5)
    assert luocheng.segments == ["讲述元宵节由来", "猜灯谜", "制作兔子小桔灯"]
    assert luocheng.facts()["partners"] == ["罗定市罗城街道社会工作与志愿服务协会", "罗定市新华书店"]
    assert by_town["高峰街道"].held_on == date(2023, 2, 1)
    assert by_town["素龙街道"].title == "喜迎新春送春联" and by_town["素龙街道"].held_on.month == 1
    assert Partner.objects.get(name="云城区民政局").region_code == "445302000000"
