from __future__ import annotations

from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "mesoclinic.ops"
    verbose_name = "Mesoclinic operations"

    def ready(self) -> None:
        # Error reports are set up once per process, after the settings and the apps, so that
        # the SDK's Django integration sees the loaded project; nothing happens without a DSN.
        from mesoclinic.ops.sentry import sentry_init

        sentry_init()
