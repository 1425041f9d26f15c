"""Translate domain errors raised anywhere below a page into HTTP answers."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from mesoclinic.core.errors import Forbidden, NotFound


class DomainErrorMiddleware:
    """``NotFound`` -> 404 page, ``Forbidden`` -> 403 page; other errors pass through."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        # Re-raised as Django's own exceptions so the standard 404/403 handlers and templates
        # answer, exactly as for any other missing page.
        if isinstance(exception, NotFound):
            raise Http404(exception.message) from exception
        if isinstance(exception, Forbidden):
            raise PermissionDenied(exception.message) from exception
        return None
