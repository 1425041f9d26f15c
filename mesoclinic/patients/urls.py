from __future__ import annotations

from django.urls import path

from mesoclinic.patients import views

app_name = "patients"
urlpatterns = [
    path("", views.patient_list_view, name="list"),
    path("new/", views.patient_create_view, name="create"),
    path("<int:patient_id>/", views.patient_detail_view, name="detail"),
    path("<int:patient_id>/edit/", views.patient_edit_view, name="edit"),
    path("<int:patient_id>/archive/", views.patient_archive_view, name="archive"),
    path("<int:patient_id>/restore/", views.patient_unarchive_view, name="unarchive"),
]
