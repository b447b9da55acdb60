from django.urls import path

from . import views

app_name = "staff"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("new-supervisor/", views.create_supervisor, name="create_supervisor"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/leave/", views.leave, name="leave"),
]
