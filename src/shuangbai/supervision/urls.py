from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("recommendations/<int:pk>/done/", views.recommendation_done, name="recommendation_done"),
    path("items/", views.items, name="items"),
    path("items/<int:pk>/toggle/", views.item_toggle, name="item_toggle"),
]
