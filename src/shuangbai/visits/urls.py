from django.urls import path

from . import coverage_views, views

app_name = "visits"
urlpatterns = [
    path("", views.index, name="index"),
    path("due/", views.due, name="due"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("health/", views.health, name="health"),
    path("levels/", views.levels, name="levels"),
    path("coverage/", coverage_views.coverage, name="coverage"),
    path("coverage/missed/", coverage_views.missed, name="missed"),
    path("coverage/missed/export/", coverage_views.missed_export, name="missed_export"),
    path("two-coverages/", coverage_views.two_coverages, name="two_coverages"),
]
