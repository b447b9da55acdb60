"""What the staff app registers with the apps below it, and what those apps do without it."""

from __future__ import annotations

from shuangbai.core import scoping
from shuangbai.core.scoping import NOTHING, scope_of
from shuangbai.staff.selectors import supervised_stations


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
