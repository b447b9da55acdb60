"""What the stations app adds to the region pages; imported by StationsConfig.ready()."""

from shuangbai.regions.models import Level
from shuangbai.regions.pages import ChildCount, RegionPanel, register_child_count, register_region_panel
from shuangbai.regions.selectors import counts_by_prefix

from .models import Point, Station
from .pages import with_facts
from .selectors import station_list


def _station_counts(user, prefix: str, length: int) -> dict[str, int]:
    return counts_by_prefix(Station.objects.visible_to(user).active(), length, prefix)


def _point_counts(user, prefix: str, length: int) -> dict[str, int]:
    return counts_by_prefix(Point.objects.visible_to(user).active(), length, prefix)


def _region_stations(user, region) -> dict | None:
    """A town's stations with their counts (station_list starts from visible_to(user)); above a town, the
    link to all its stations; nothing on a village."""
    if region.level == Level.TOWN:
        stations = station_list(user, region=region, include_retired=True)
        return {"stations": with_facts(user, stations, "station", counts=True)}
    return None if region.level == Level.VILLAGE else {}


register_child_count(ChildCount("stations", "社工站", _station_counts, order=10))
register_child_count(ChildCount("points", "社工点", _point_counts, order=20))
register_region_panel(RegionPanel("stations/partials/region_stations.html", _region_stations))
