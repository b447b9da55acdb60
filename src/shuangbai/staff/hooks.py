"""What the staff app adds to the apps below it; imported by StaffConfig.ready()."""

from shuangbai.core.scoping import register_supervised_stations

from .selectors import supervised_stations

# a supervisor's scope is the stations they are assigned to (the source queries unscoped: it makes the scope)
register_supervised_stations(supervised_stations)
