"""Plan pages, under ``patients/<patient_id>/consultations/<consultation_id>/plans/``."""

from __future__ import annotations

from django.urls import path

from mesoclinic.plans import views

app_name = "plans"

urlpatterns = [
    path("generate/", views.plan_generate, name="generate"),
    path("<int:plan_id>/", views.plan_detail, name="detail"),
    path("<int:plan_id>/edit/", views.plan_edit, name="edit"),
    path("<int:plan_id>/sign/", views.plan_sign, name="sign"),
    path("<int:plan_id>/print/", views.plan_print, name="print"),
]
