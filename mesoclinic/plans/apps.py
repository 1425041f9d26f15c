from __future__ import annotations

from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "mesoclinic.plans"
    verbose_name = "Mesoclinic plans"
