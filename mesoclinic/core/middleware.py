"""Translate domain errors raised anywhere below a page into HTTP answers."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from mesoclinic.core.errors import Conflict, Forbidden, Invalid, NotFound


class DomainErrorMiddleware:
    """``NotFound`` -> 404 page, ``Forbidden`` -> 403 page, ``Conflict`` -> 409 page with the
    error's message, ``Invalid`` that no form caught (a bad query parameter) -> 422 page naming
    the parameter and the value; other errors pass through."""

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
        if isinstance(exception, Conflict):
            return _conflict(request, exception)
        if isinstance(exception, Invalid):
            messages = [m for ms in exception.errors.values() for m in ms]
            return render(request, "422.html", {"messages": messages}, status=422)
        return None


def _conflict(request: HttpRequest, error: Conflict) -> HttpResponse:
    # Back to the page the form was on, when it is one of ours.
    referer = request.headers.get("referer", "")
    safe = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return render(
        request, "409.html", {"message": error.message, "back": referer if safe else ""}, status=409
    )
