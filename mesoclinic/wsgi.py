"""WSGI entry point for application servers (gunicorn, uWSGI): ``mesoclinic.wsgi:application``."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesoclinic.settings")

application = get_wsgi_application()
