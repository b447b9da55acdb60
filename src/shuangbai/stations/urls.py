from django.urls import path

from . import figures_views, progress_views, views

app_name = "stations"
urlpatterns = [
    path("", views.station_index, name="index"),
    path("new/<str:code>/", views.station_create, name="create"),
    path("<int:pk>/", views.station_detail, name="detail"),
    path("<int:pk>/edit/", views.station_edit, name="edit"),
    path("<int:pk>/retire/", views.station_retire, name="retire"),
    path("<int:pk>/points/new/", views.point_create, name="point_create"),
    path("points/<int:pk>/", views.point_detail, name="point"),
    path("points/<int:pk>/edit/", views.point_edit, name="point_edit"),
    path("points/<int:pk>/retire/", views.point_retire, name="point_retire"),
    path("<int:pk>/equipment/", progress_views.station_equipment, name="equipment"),
    path("points/<int:pk>/equipment/", progress_views.point_equipment, name="point_equipment"),
    path("figures/", figures_views.figures, name="figures"),
    path("figures/export/", figures_views.figures_export, name="figures_export"),
    path("progress/", progress_views.progress, name="progress"),
    path("progress/export/", progress_views.progress_export, name="progress_export"),
    path("progress/sites/", progress_views.progress_sites, name="progress_sites"),
    path("progress/report/<str:code>/", progress_views.progress_report, name="progress_report"),
]
