from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mesoclinic.core"
    verbose_name = "Mesoclinic core"

    def ready(self) -> None:
        from mesoclinic.core import timestamps

        timestamps.install()
