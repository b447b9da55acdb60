"""What supervision adds to the apps below it; imported by SupervisionConfig.ready()."""

from shuangbai.stations.pages import StationPanel, register_station_panel

from .selectors import station_panel

# the open recommendations on a station's page (station_panel reads them through visible_to(user))
register_station_panel(
    StationPanel("supervision/partials/station_recommendations.html", station_panel, order=100)
)
