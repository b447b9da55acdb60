from django.urls import path

from . import views

app_name = "maps"
urlpatterns = [
    path("", views.index, name="index"),
    path("station/<int:pk>/", views.station, name="station"),
    path("station/<int:pk>/households.json", views.station_data, name="station_data"),
    path("station/<int:pk>/print/", views.station_print, name="station_print"),
    path("household/<int:pk>/", views.household, name="household"),
]
