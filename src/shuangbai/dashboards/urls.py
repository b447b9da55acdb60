from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("", views.dashboard, name="index"),
    path("screen/", views.screen, name="screen"),
    path("screen/data/", views.screen_data, name="screen_data"),
    path("high-risk/", views.high_risk, name="high_risk"),
]
