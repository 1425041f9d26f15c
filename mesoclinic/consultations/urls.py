"""Consultation and plan pages, under ``patients/<patient_id>/consultations/``."""

from __future__ import annotations

from django.urls import path

from mesoclinic.consultations import views, views_plans

app_name = "consultations"

_PLAN = "<int:consultation_id>/plans/<int:plan_id>/"

urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("new/", views.consultation_create, name="create"),
    path("<int:consultation_id>/", views.consultation_detail, name="detail"),
    path("<int:consultation_id>/edit/", views.consultation_edit, name="edit"),
    path("<int:consultation_id>/complete/", views.consultation_complete, name="complete"),
    path("<int:consultation_id>/plans/generate/", views_plans.plan_generate, name="plan_generate"),
    path(_PLAN, views_plans.plan_detail, name="plan"),
    path(f"{_PLAN}edit/", views_plans.plan_edit, name="plan_edit"),
    path(f"{_PLAN}print/", views_plans.plan_print, name="plan_print"),
]
