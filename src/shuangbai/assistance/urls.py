from django.urls import path

from . import views

app_name = "assistance"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/status/", views.advance, name="advance"),
    path("types/", views.types, name="types"),
    path("types/<int:pk>/toggle/", views.type_toggle, name="type_toggle"),
    path("batches/", views.batches, name="batches"),
    path("batches/new/", views.batch_create, name="batch_create"),
    path("batches/<int:pk>/", views.batch, name="batch"),
    path("batches/<int:pk>/allocate/", views.allocate, name="allocate"),
    path("batches/<int:pk>/hand-out/", views.hand_out, name="hand_out"),
    path("batches/<int:pk>/return/", views.goods_return, name="return"),
    path("batches/<int:pk>/pending/", views.pending, name="pending"),
    path("batches/<int:pk>/receipt/", views.receipt, name="receipt"),
    path("hand-outs/<int:pk>/photo/", views.hand_out_photo, name="hand_out_photo"),
]
