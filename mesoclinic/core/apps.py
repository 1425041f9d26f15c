from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mesoclinic.core"
    verbose_name = "Mesoclinic core"
