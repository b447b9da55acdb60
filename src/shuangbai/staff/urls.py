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
    path("<int:pk>/cover/", views.cover_start, name="cover_start"),
    path("<int:pk>/cover/end/", views.cover_end, name="cover_end"),
    path("trainings/", views.training_index, name="trainings"),
    path("trainings/new/", views.training_create, name="training_create"),
    path("trainings/<int:pk>/", views.training_detail, name="training"),
    path("trainings/<int:pk>/edit/", views.training_edit, name="training_edit"),
    path("recruitment/", views.recruitment_index, name="recruitment"),
    path("recruitment/new/", views.recruitment_create, name="recruitment_create"),
    path("recruitment/<int:pk>/", views.recruitment_round, name="recruitment_round"),
    path("recruitment/<int:pk>/edit/", views.recruitment_edit, name="recruitment_edit"),
    path("recruitment/<int:pk>/import/", views.recruitment_import, name="recruitment_import"),
    path("recruitment/<int:pk>/applicants/new/", views.applicant_create, name="applicant_create"),
    path("recruitment/applicants/<int:pk>/edit/", views.applicant_edit, name="applicant_edit"),
    path("recruitment/applicants/<int:pk>/hire/", views.applicant_hire, name="applicant_hire"),
]
