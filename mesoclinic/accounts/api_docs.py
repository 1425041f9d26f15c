"""The API's documentation (Swagger UI and the OpenAPI schema) for signed-in staff only.

In production the schema is a map of every operation and parameter: nothing an outsider needs,
and something an attacker would. It is shown to staff who passed both factors; anonymous
visitors are sent to sign in. ``MESOCLINIC_API_DOCS_PUBLIC`` (on by default with DEBUG) opens it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from mesoclinic.accounts.middleware import is_verified


def docs_for_staff(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """django-ninja's ``docs_decorator``: wraps both the docs page and the schema."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.API_DOCS_PUBLIC:
            user = request.user
            verified = is_verified(user) or not settings.MFA_REQUIRED
            if not (user.is_authenticated and user.is_active and verified):
                return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped
