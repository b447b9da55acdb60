from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("new/person/", views.create_person, name="create_person"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/notes/new/", views.note_create, name="note_create"),
    path("<int:pk>/goals/new/", views.goal_create, name="goal_create"),
    path("goals/<int:pk>/", views.goal_edit, name="goal_edit"),
    path("<int:pk>/reviews/new/", views.review_create, name="review_create"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/exemplary/", views.exemplary, name="exemplary"),
    path("<int:pk>/referrals/new/", views.referral_create, name="referral_create"),
    path("referrals/<int:pk>/steps/new/", views.step_create, name="step_create"),
    path("agencies/", views.agencies, name="agencies"),
    path("agencies/<int:pk>/", views.agency_edit, name="agency_edit"),
]
