"""Session limits and the second factor, enforced on every page request.

The API authenticates with tokens, not sessions, so ``/api/`` is left to its own auth.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

STARTED = "mesoclinic_session_started"
LAST_SEEN = "mesoclinic_session_last_seen"

# Paths a signed-in user may reach before passing the second factor.
_MFA_OPEN_PREFIXES = ("/accounts/", "/static/", "/health", "/api/")


class SessionLimitsMiddleware:
    """Ends a staff session after ``SESSION_IDLE_SECONDS`` idle or ``SESSION_ABSOLUTE_SECONDS``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not request.path.startswith("/api/"):
            now = int(time.time())
            started = request.session.setdefault(STARTED, now)
            last_seen = request.session.get(LAST_SEEN, now)
            idle = now - last_seen > settings.SESSION_IDLE_SECONDS
            expired = now - started > settings.SESSION_ABSOLUTE_SECONDS
            if idle or expired:
                logout(request)
                messages.info(
                    request,
                    "You were signed out after 30 minutes without activity."
                    if idle
                    else "You were signed out: a session lasts at most 12 hours.",
                )
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
            request.session[LAST_SEEN] = now
        return self.get_response(request)


class MfaRequiredMiddleware:
    """Sends a signed-in user who has not passed TOTP to set it up or to enter a code."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.MFA_REQUIRED
            and user.is_authenticated
            and not user.is_verified()  # type: ignore[union-attr]
            and not request.path.startswith(_MFA_OPEN_PREFIXES)
        ):
            return redirect(f"{reverse('accounts:mfa')}?next={request.path}")
        return self.get_response(request)
