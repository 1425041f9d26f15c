from __future__ import annotations

from django.urls import path

from mesoclinic.public import views

app_name = "public"

urlpatterns = [
    path("start/", views.start, name="start"),
    path("start/answer/", views.answer, name="answer"),
    path("info/", views.info_list, name="info_list"),
    path("info/<slug:slug>/", views.info_detail, name="info_detail"),
]
