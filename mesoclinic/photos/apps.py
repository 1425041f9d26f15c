from __future__ import annotations

from django.apps import AppConfig


class PhotosConfig(AppConfig):
    name = "mesoclinic.photos"
    default_auto_field = "django.db.models.BigAutoField"
