from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("", views.index, name="index"),
    path("export/", views.export, name="export"),
    path("lookup/", views.lookup, name="lookup"),
    path("stats/", views.stats, name="stats"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/exit/", views.exit_register, name="exit"),
    path("<int:pk>/reinstate/", views.reinstate, name="reinstate"),
    path("<int:pk>/reveal/", views.reveal, name="reveal"),
    path("<int:pk>/called/", views.called, name="called"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    path("households/new/", views.household_create, name="household_create"),
    path("households/<int:pk>/", views.household_detail, name="household"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("households/<int:pk>/members/new/", views.member_create, name="member_create"),
    path("categories/", views.categories, name="categories"),
    path("categories/new/", views.category_create, name="category_create"),
    path("categories/<int:pk>/edit/", views.category_edit, name="category_edit"),
    path("import/", views.import_upload, name="import"),
    path("import/template/", views.import_template, name="import_template"),
    path("import/<int:pk>/", views.import_result, name="import_result"),
    path("import/<int:pk>/errors/", views.import_errors, name="import_errors"),
]
