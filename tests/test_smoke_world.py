from shuangbai.stations.models import Station


def test_world_builds_and_scopes(world):
    assert set(Station.objects.visible_to(world.county)) == {world.station_a, world.station_b}
    assert set(Station.objects.visible_to(world.worker_a)) == {world.station_a}
    assert set(Station.objects.visible_to(world.supervisor)) == {world.station_a, world.station_b}
    assert set(Station.objects.visible_to(world.city)) == {world.station_a, world.station_b, world.station_c}
    assert world.station_e not in set(Station.objects.visible_to(world.province))
