"""Session limits and the second factor, enforced on every request.

Order in ``MIDDLEWARE``: after authentication and django-otp (they make ``request.user`` and
``user.is_verified()``), before the audit context (which then sees the user as it will stay).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from mesoclinic.accounts.services import logout_record
from mesoclinic.audit.context import acting_as, client_ip

STARTED = "mesoclinic_session_started"
LAST_SEEN = "mesoclinic_session_last_seen"
SIGNED_OUT_NOTICE = "mesoclinic_signed_out_notice"
# A minute's precision is plenty for a 30-minute limit, and it spares a session write (an
# UPDATE) on almost every request.
LAST_SEEN_PRECISION_SECONDS = 60

# Reachable before the second factor: files, the probe, and the API (which authenticates each
# request itself; see ``accounts.api_auth``). The sign-in pages are added by name.
_MFA_OPEN_PREFIXES = ("/static/", "/health", "/api/")
_MFA_OPEN_VIEWS = ("accounts:login", "accounts:logout", "accounts:mfa")


def is_verified(user: object) -> bool:
    """Whether ``user`` passed the second factor in this session (django-otp's
    ``is_verified``, which ``OTPMiddleware`` installs on ``request.user``)."""
    check = getattr(user, "is_verified", None)
    return bool(check is not None and check())


def session_start(request: HttpRequest) -> None:
    """Start the idle and absolute clocks of a session that has just signed in."""
    now = int(time.time())
    request.session[STARTED] = now
    request.session[LAST_SEEN] = now


def _with_next(view: str, request: HttpRequest) -> str:
    """The URL of ``view``, asking to come back here afterwards (GET only: a replayed POST
    would land on a page that refuses GET)."""
    url = reverse(view)
    if request.method == "GET":
        url += "?" + urlencode({"next": request.get_full_path()})
    return url


class SessionLimitsMiddleware:
    """Ends a staff session after ``SESSION_IDLE_SECONDS`` idle or ``SESSION_ABSOLUTE_SECONDS``.

    ASVS 4.0.3 3.3.2 (level 2): re-authentication after 30 minutes idle or 12 hours. The end
    is audited (LOGOUT, reason "idle" or "absolute_limit"). A page request goes to the sign-in
    page; an API request carries on unauthenticated, and the API answers 401 if it needed the
    session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        now = int(time.time())
        started = request.session.setdefault(STARTED, now)
        last_seen = request.session.get(LAST_SEEN, now)
        idle = now - last_seen > settings.SESSION_IDLE_SECONDS
        expired = now - started > settings.SESSION_ABSOLUTE_SECONDS
        if idle or expired:
            reason = "idle" if idle else "absolute_limit"
            with acting_as(user, ip=client_ip(request), path=request.path[:300]):
                logout_record(staff=user, reason=reason)
            logout(request)
            if request.path.startswith("/api/"):
                return self.get_response(request)
            # Kept in the fresh anonymous session for the sign-in page to explain; the
            # messages framework is not set up yet at this point of the middleware chain.
            request.session[SIGNED_OUT_NOTICE] = self._message(idle=idle)
            return redirect(_with_next(settings.LOGIN_URL, request))
        if now - last_seen >= LAST_SEEN_PRECISION_SECONDS or LAST_SEEN not in request.session:
            request.session[LAST_SEEN] = now
        return self.get_response(request)

    @staticmethod
    def _message(*, idle: bool) -> str:
        if idle:
            minutes = settings.SESSION_IDLE_SECONDS // 60
            return f"You were signed out after {minutes} minutes without activity."
        hours = settings.SESSION_ABSOLUTE_SECONDS / 3600
        return f"You were signed out: a session lasts at most {hours:g} hours."


class MfaRequiredMiddleware:
    """Sends a signed-in user who has not passed TOTP to set it up or to enter a code.

    Only the sign-in, sign-out and second-factor pages are open before that: everything else
    under ``/accounts/`` (API tokens, staff management) needs both factors.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.MFA_REQUIRED
            and user.is_authenticated
            and not is_verified(user)
            and not request.path.startswith(_MFA_OPEN_PREFIXES)
            # reverse() runs only here, for the few requests between the two factors.
            and request.path not in {reverse(name) for name in _MFA_OPEN_VIEWS}
        ):
            return redirect(_with_next("accounts:mfa", request))
        return self.get_response(request)


# Open to a member who must replace a temporary password: the page to do it, and signing out.
_PASSWORD_CHANGE_OPEN_VIEWS = ("accounts:password", "accounts:logout")


class PasswordChangeRequiredMiddleware:
    """Sends a member holding a temporary password (``User.must_change_password``, set by a
    manager's reset) to the password page until they choose their own.

    After ``MfaRequiredMiddleware``: the second factor comes first. The API answers 403 to a
    session in that state; API tokens were revoked by the reset.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(("/static/", "/health"))
            and request.path not in {reverse(name) for name in _PASSWORD_CHANGE_OPEN_VIEWS}
            and (not settings.MFA_REQUIRED or is_verified(user))
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Change your temporary password on the password page first."},
                    status=403,
                )
            return redirect("accounts:password")
        return self.get_response(request)
