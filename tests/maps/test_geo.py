import pytest

from shuangbai.maps.geo import base_map, for_display, outside_china, wgs84_to_gcj02

# Reference values of the published transform as other implementations give them. coordtransform (and hutool's
# and the Rust ports' tests, which copy it) agrees to the last digit; others carry the constants with other
# rounding and differ by a few centimetres (1e-7 degrees), so they are held to 1e-6 (about 0.1 m).
REFERENCE = [
    ((39.915, 116.404), (39.91640428150164, 116.41024449916938), 1e-12),  # coordtransform, Beijing
    ((30.6107779, 121.0917077), (30.608604331756705, 121.09626935575027), 1e-6),  # near Shanghai
    ((40.0, 116.0), (40.001213650174, 116.006141221789), 1e-6),
]


@pytest.mark.parametrize(("wgs", "gcj", "tolerance"), REFERENCE)
def test_it_matches_the_reference_values(wgs, gcj, tolerance):
    lat, lng = wgs84_to_gcj02(*wgs)
    assert lat == pytest.approx(gcj[0], abs=tolerance)
    assert lng == pytest.approx(gcj[1], abs=tolerance)


def test_the_offset_in_yunfu_is_a_few_hundred_metres():
    lat, lng = wgs84_to_gcj02(22.93, 112.04)
    assert 0.001 < abs(lat - 22.93) + abs(lng - 112.04) < 0.01


def test_points_outside_china_pass_through():
    assert outside_china(51.5, -0.12)
    assert wgs84_to_gcj02(51.5, -0.12) == (51.5, -0.12)
    assert wgs84_to_gcj02(-33.86, 151.2) == (-33.86, 151.2)


def test_display_rounds_and_converts_only_for_gcj02_tiles(settings):
    settings.MAP_TILE_CRS = "wgs84"
    assert for_display("22.9312345", "112.0412345") == (22.93123, 112.04123)
    settings.MAP_TILE_CRS = "gcj02"
    expected = wgs84_to_gcj02(22.9312345, 112.0412345)
    assert for_display("22.9312345", "112.0412345") == (round(expected[0], 5), round(expected[1], 5))


def test_no_base_map_unless_one_is_configured(settings):
    settings.MAP_TILE_URL = ""
    assert base_map() is None
    settings.MAP_TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© 测试"
    assert base_map()["url"] == "https://tiles.example/{z}/{x}/{y}.png"
