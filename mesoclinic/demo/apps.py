from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "mesoclinic.demo"
    verbose_name = "Mesoclinic demo clinic"
