"""The page a client sees while django-axes has locked its username and address out."""

from __future__ import annotations

import math
from typing import Any

from axes.helpers import get_cool_off  # type: ignore[import-untyped,unused-ignore]
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

TOO_MANY_REQUESTS = 429


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, *args: Any
) -> HttpResponse:
    """429 with the clinic's page saying when to try again, and a ``Retry-After`` header.

    Shaped as django-axes' ``AXES_LOCKOUT_CALLABLE`` (request, original response,
    credentials), so that the admin's sign-in page can show it too.
    """
    cool_off = get_cool_off(request)
    seconds = math.ceil(cool_off.total_seconds()) if cool_off else None
    response = render(
        request,
        "accounts/locked_out.html",
        {"minutes": math.ceil(seconds / 60) if seconds else None},
        status=TOO_MANY_REQUESTS,
    )
    if seconds:
        response["Retry-After"] = str(seconds)
    return response
