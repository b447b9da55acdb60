"""What the staff app adds to the apps below it; imported by StaffConfig.ready()."""

from functools import partial

from django.db.models import Q

from shuangbai.core.permissions import has_perm
from shuangbai.core.scoping import register_supervised_stations
from shuangbai.regions.pages import ChildCount, register_child_count
from shuangbai.regions.selectors import counts_by_prefix
from shuangbai.stations.pages import SiteFact, StationPanel, register_site_fact, register_station_panel
from shuangbai.stations.progress import Staffing, register_staffing

from .models import Staff
from .progress import posts_by_site, staff_counts, table_training_counts
from .selectors import staff_in_post_counts, station_heads, station_staff, supervised_stations

# A supervisor's scope is the stations they are assigned to (the source queries unscoped: it makes the scope).
register_supervised_stations(supervised_stations)


# The station pages. The facts read the ids of rows already shown to the reader, unscoped (see stations.pages).
register_site_fact(SiteFact("head", "站长", "station", station_heads, order=10, permission="staff.view"))
for of in ("station", "point"):
    register_site_fact(
        SiteFact(
            "staff_count", "在岗社工", of, partial(staff_in_post_counts, of), default=0, unit="人", order=30
        )
    )


def _station_staff(user, station) -> dict | None:
    # the station was found in scope; its staff come through the related manager
    return {"staff": list(station_staff(station))} if has_perm(user, "staff.view") else None


register_station_panel(StationPanel("staff/partials/station_staff.html", _station_staff, order=200))


# The region pages: the staff in post at a station or point under each child.
def _staff_under_children(user, prefix: str, length: int) -> dict[str, int]:
    return counts_by_prefix(Staff.objects.visible_to(user).in_post().filter(~Q(station=None)), length, prefix)


register_child_count(ChildCount("staff", "在岗社工", _staff_under_children, order=30))


# The construction progress table: the staff in post and the trainings.
register_staffing(Staffing(staff_counts, table_training_counts, posts_by_site))
