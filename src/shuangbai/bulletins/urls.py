from django.urls import path

from . import views

app_name = "bulletins"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.bulletin_create, name="create"),
    path("masthead/", views.masthead, name="masthead"),
    path("archive/", views.archive, name="archive"),
    path("import/", views.import_upload, name="import"),
    path("import/review/", views.import_review, name="import_review"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.bulletin_edit, name="edit"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/docx/", views.download, name="docx"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/table/", views.table_insert, name="table"),
    path("<int:pk>/media/<path:path>", views.media, name="media"),
    path("articles/new/", views.article_create, name="article_create"),
    path("articles/draft/", views.article_draft, name="article_draft"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("articles/<int:pk>/edit/", views.article_edit, name="article_edit"),
    path("articles/<int:pk>/submit/", views.article_submit, name="article_submit"),
    path("articles/<int:pk>/accept/", views.article_accept, name="article_accept"),
    path("articles/<int:pk>/return/", views.article_return, name="article_return"),
    path("articles/<int:pk>/take-out/", views.article_take_out, name="article_take_out"),
    path("articles/<int:pk>/move/", views.article_move, name="article_move"),
    path("articles/<int:pk>/photos/", views.photo_add, name="photo_add"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("photos/<int:pk>/remove/", views.photo_remove, name="photo_remove"),
]
