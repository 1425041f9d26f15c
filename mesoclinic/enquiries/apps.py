from __future__ import annotations

from django.apps import AppConfig


class EnquiriesConfig(AppConfig):
    name = "mesoclinic.enquiries"
    default_auto_field = "django.db.models.BigAutoField"
