import pytest

from shuangbai.regions.models import Region
from shuangbai.staff.models import Assignment, Staff
from shuangbai.stations.models import Point, Station
from shuangbai.synth import SynthError, synth_build, synth_counts


def _fingerprint():
    return (
        list(Region.objects.order_by("code").values_list("code", "name", "level")),
        list(Station.objects.order_by("region_code").values_list("region_code", "name")),
        list(
            Staff.objects.order_by("region_code", "name", "id").values_list("name", "region_code", "position")
        ),
    )


def test_synth_builds_a_consistent_province_fraction(db):
    result = synth_build(0.01, seed=7)
    counts = synth_counts(0.01)
    assert Station.objects.count() == counts["towns"] == Region.objects.filter(level="town").count()
    assert Point.objects.count() == counts["villages"]
    assert Staff.objects.count() == Assignment.objects.filter(ended_on=None).count() == result["staff"]
    # every station has a head and every point belongs to a station of its own town
    assert Staff.objects.filter(position="head").values("station").distinct().count() == counts["towns"]
    assert all(
        p.region_code.startswith(p.station.region_code[:9]) for p in Point.objects.select_related("station")
    )
    # fictional, and never in the real Yunfu range
    assert not Region.objects.filter(fictional=True, code__startswith="4453").exists()
    with pytest.raises(SynthError):
        synth_build(0.01, seed=7)


def test_the_same_seed_gives_the_same_data(db):
    synth_build(0.005, seed=3)
    first = _fingerprint()
    Assignment.objects.all().delete()
    Staff.objects.all().delete()
    Point.objects.all().delete()
    Station.objects.all().delete()
    Region.objects.filter(fictional=True, level="village").delete()
    Region.objects.filter(fictional=True, level="town").delete()
    Region.objects.filter(fictional=True, level="county").delete()
    Region.objects.filter(fictional=True, level="city").delete()
    synth_build(0.005, seed=3)
    assert _fingerprint() == first
