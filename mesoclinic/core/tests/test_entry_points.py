from __future__ import annotations

from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.wsgi import WSGIHandler


def test_it_exposes_a_wsgi_application() -> None:
    from mesoclinic.wsgi import application

    assert isinstance(application, WSGIHandler)


def test_it_exposes_an_asgi_application() -> None:
    from mesoclinic.asgi import application

    assert isinstance(application, ASGIHandler)
