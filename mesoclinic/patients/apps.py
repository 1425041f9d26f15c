from __future__ import annotations

from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "mesoclinic.patients"
    default_auto_field = "django.db.models.BigAutoField"
