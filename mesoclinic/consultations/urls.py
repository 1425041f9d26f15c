"""Consultation pages, under ``patients/<patient_id>/consultations/``."""

from __future__ import annotations

from django.urls import path

from mesoclinic.consultations import views

app_name = "consultations"

urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("new/", views.consultation_create, name="create"),
    path("<int:consultation_id>/", views.consultation_detail, name="detail"),
    path("<int:consultation_id>/edit/", views.consultation_edit, name="edit"),
    path("<int:consultation_id>/complete/", views.consultation_complete, name="complete"),
]
