from __future__ import annotations

from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "mesoclinic.consultations"
    default_auto_field = "django.db.models.BigAutoField"
