from __future__ import annotations

from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "mesoclinic.public"
    verbose_name = "Mesoclinic public pages"
