"""``mesoclinic serve``: the app under gunicorn, configured from the environment."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connections
from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]


class Command(BaseCommand):
    help = (
        "Serve Mesoclinic with gunicorn: MESOCLINIC_BIND (127.0.0.1:8000), MESOCLINIC_WEB_WORKERS "
        "(2 x cores + 1), MESOCLINIC_WEB_THREADS (1), MESOCLINIC_WEB_TIMEOUT (30 s). Static files "
        "are served by WhiteNoise; run `mesoclinic migrate` first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", help="address:port or unix:PATH (default MESOCLINIC_BIND)")
        parser.add_argument("--workers", type=int, help="default MESOCLINIC_WEB_WORKERS")

    def handle(self, *args: Any, **options: Any) -> None:
        # The settings have already refused a production start without a real secret key; the
        # workers are forked from this process, which must hold no database connection.
        connections.close_all()
        Gunicorn(gunicorn_options(bind=options["bind"], workers=options["workers"])).run()


def gunicorn_options(*, bind: str | None = None, workers: int | None = None) -> dict[str, Any]:
    """gunicorn's settings for this process, from the environment (through the settings)."""
    threads = settings.SERVE_THREADS
    return {
        "bind": [bind or settings.SERVE_BIND],
        "workers": workers or settings.SERVE_WORKERS,
        # Several threads per worker need the threaded worker; one thread, the sync worker,
        # behind a proxy that buffers slow clients (docs/deploy.md).
        "worker_class": "gthread" if threads > 1 else "sync",
        "threads": threads,
        "timeout": settings.SERVE_TIMEOUT,
        "graceful_timeout": settings.SERVE_TIMEOUT,
        "keepalive": 5,
        # The access line comes from the app (no query string, request id); gunicorn's own
        # lines go through the same JSON formatter.
        "accesslog": None,
        "logconfig_dict": settings.LOGGING,
        "proc_name": "mesoclinic",
        # gunicorn's control socket lives in the home directory, which a system user lacks;
        # systemd (signals) is how the service is controlled.
        "control_socket_disable": True,
    }


class Gunicorn(BaseApplication):  # type: ignore[misc]
    """gunicorn run in this process, serving the already configured Django application."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from mesoclinic.wsgi import application

        return application
