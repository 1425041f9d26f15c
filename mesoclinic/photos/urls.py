"""A patient's photo pages, under ``patients/<patient_id>/photos/``."""

from __future__ import annotations

from django.urls import path

from mesoclinic.photos import views

app_name = "photos"
urlpatterns = [
    path("", views.album, name="list"),
    path("upload/", views.upload, name="upload"),
    path("compare/", views.compare, name="compare"),
    path("<int:photo_id>/file", views.file, name="file"),
    path("<int:photo_id>/thumbnail", views.thumbnail, name="thumbnail"),
]
