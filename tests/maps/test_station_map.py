from datetime import timedelta

from django.utils import timezone

from shuangbai.maps.geo import wgs84_to_gcj02
from shuangbai.maps.selectors import OK, OVERDUE, SOON, household_card, station_map
from shuangbai.visits.selectors import due_households


def by_id(found):
    return {h.id: h for h in found.households}


def test_households_are_coloured_by_level_and_due_state(world, placed):
    found = by_id(station_map(world.worker_a, world.station_a))
    today = timezone.localdate()
    assert (found[placed.overdue.pk].level, found[placed.overdue.pk].state) == (1, OVERDUE)
    assert found[placed.overdue.pk].due_on == today - timedelta(days=7)
    assert (found[placed.soon.pk].level, found[placed.soon.pk].state) == (2, SOON)
    assert found[placed.soon.pk].due_on == today + timedelta(days=5)
    # the household's level is its members' most frequent one; due is its first member's
    assert (found[placed.fine.pk].level, found[placed.fine.pk].state) == (3, OK)
    assert found[placed.fine.pk].due_on == today + timedelta(days=30)


def test_the_states_agree_with_the_due_list(world, placed):
    found = by_id(station_map(world.worker_a, world.station_a))
    due = {row.household_id: row for row in due_households(world.worker_a, world.station_a)}
    for pk, household in found.items():
        if household.state == OK:
            assert pk not in due
        else:
            assert due[pk].due_on == household.due_on
            assert (due[pk].days_overdue > 0) == (household.state == OVERDUE)


def test_a_household_without_a_position_is_placed_by_its_latest_located_home_visit(world, placed):
    found = station_map(world.worker_a, world.station_a)
    households = by_id(found)
    assert (households[placed.by_visit.pk].lat, households[placed.by_visit.pk].lng) == (22.764, 111.574)
    assert placed.nowhere.pk not in households
    assert world.household_a.pk not in households
    assert found.unplaced == 2  # `nowhere` and the world's own household
    assert found.counts() == {"placed": 4, "unplaced": 2, "overdue": 1, "soon": 1}


def test_station_points_and_villages_sit_at_the_mean_of_their_households(world, placed):
    found = station_map(world.worker_a, world.station_a)
    sites = {kind: (lat, lng) for kind, name, lat, lng in found.sites}
    lats = [22.761234, 22.762, 22.763, 22.764]
    assert abs(sites["s"][0] - sum(lats) / 4) < 1e-9
    assert sites["p"] == sites["s"]  # every household is of point A's village
    assert [name for name, *_ in found.villages] == ["凤塘村"]
    assert found.villages[0][3] == 4


def test_the_payload_is_short_rounded_and_converted_for_gcj02_tiles(world, placed, settings):
    settings.MAP_TILE_CRS = "wgs84"
    payload = station_map(world.worker_a, world.station_a).payload()
    row = next(r for r in payload["h"] if r[0] == placed.overdue.pk)
    assert row == [placed.overdue.pk, 22.76123, 111.57123, 1, OVERDUE]
    settings.MAP_TILE_CRS = "gcj02"
    payload = station_map(world.worker_a, world.station_a).payload()
    row = next(r for r in payload["h"] if r[0] == placed.overdue.pk)
    lat, lng = wgs84_to_gcj02(22.761234, 111.571234)
    assert row[1:3] == [round(lat, 5), round(lng, 5)]
    assert payload["crs"] == "gcj02"


def test_the_card_says_who_lives_there_and_when_they_are_due(world, placed):
    card = household_card(placed.fine)
    today = timezone.localdate()
    assert card.head == "地图户主3"
    assert [(p.name, p.level_name) for p in card.people] == [
        ("地图户主3", "四级（每季度）"),
        ("地图家属3", "三级（每月）"),
    ]
    assert card.last_home_visit == today
    assert card.due_on == today + timedelta(days=30)
    assert household_card(placed.overdue).days_overdue == 7
