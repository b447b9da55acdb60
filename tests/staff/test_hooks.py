"""What the staff app registers with the apps below it, and what those apps do without it."""

from __future__ import annotations

from datetime import date

from shuangbai.core import scoping
from shuangbai.core.scoping import NOTHING, scope_of
from shuangbai.regions.models import Region
from shuangbai.regions.pages import child_counts
from shuangbai.staff.models import Staff
from shuangbai.staff.selectors import station_heads, supervised_stations
from shuangbai.stations import progress
from shuangbai.stations.pages import SITE_FACTS, STATION_PANELS, site_facts, with_facts


def test_a_supervisor_is_scoped_to_the_stations_staff_says(world):
    assert scoping._supervised_stations is supervised_stations
    scope = scope_of(world.supervisor)
    assert scope.station_ids == {world.station_a.pk, world.station_b.pk}
    assert scope.prefixes == ("445381001", "445381002")


def test_without_the_staff_hook_a_supervisor_sees_nothing(world, monkeypatch):
    monkeypatch.setattr(scoping, "_supervised_stations", None)
    world.supervisor._scope_cache = None
    scope = scope_of(world.supervisor)
    assert scope.station_ids == frozenset() and scope.prefixes == ()
    assert scope == NOTHING


def test_staff_adds_the_head_and_staff_counts_to_the_station_pages(world):
    facts = {(fact.of, fact.key): fact for fact in SITE_FACTS}
    assert facts["station", "head"].values is station_heads
    assert [f.label for f in site_facts(world.county, "station")] == [
        "站长",
        "社工点",
        "服务范围",
        "在岗社工",
    ]
    assert [f.label for f in site_facts(world.county, "point")] == ["在岗社工"]
    # a person's name is a fact only for those who may see staff: the viewer gets the counts
    assert [f.label for f in site_facts(world.viewer, "station")] == ["社工点", "服务范围", "在岗社工"]
    assert [p.template for p in sorted(STATION_PANELS, key=lambda p: p.order)] == [
        "supervision/partials/station_recommendations.html",
        "staff/partials/station_staff.html",
    ]
    station = with_facts(world.county, [world.station_a], "station")[0]
    assert station.head == world.head_staff
    assert (
        station.staff_count
        == Staff.objects.unscoped("test").filter(station=world.station_a).in_post().count()
    )


def test_the_region_page_counts_stations_points_and_staff_in_that_order():
    assert [count.label for count in child_counts()] == ["社工站", "社工点", "在岗社工"]


def test_without_the_staff_hook_the_progress_table_counts_no_staff(world, monkeypatch):
    assert progress._staffing != progress.NO_STAFFING
    city = Region.objects.get(code="445300000000")
    before = progress.progress_table(city, date.today())
    monkeypatch.setattr(progress, "_staffing", progress.NO_STAFFING)
    after = progress.progress_table(city, date.today())
    assert before.total.stations.staff > 0
    assert (after.total.stations.staff, after.total.points.staff, after.total.trainings) == (0, 0, 0)
    assert after.total.stations.planned == before.total.stations.planned
