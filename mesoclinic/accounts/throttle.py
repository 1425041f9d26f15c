"""Sign-in throttling against password spraying: many usernames tried from one address.

django-axes locks one username from one address after ``AXES_FAILURE_LIMIT`` failures. A
spraying attacker tries a few common passwords against many usernames, staying under that
limit for each. This backend adds a second rule: once failures for ``LOGIN_SPRAY_LIMIT``
different usernames have come from one address within the cool-off period, that address may
not sign in at all (any username) until the period has passed. The limit is well above what
a clinic's staff mistyping behind one shared address produce, so they are not locked out
together by one person's mistakes.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend  # type: ignore[import-untyped,unused-ignore]
from axes.exceptions import AxesBackendPermissionDenied  # type: ignore[import-untyped,unused-ignore]
from axes.helpers import get_cool_off  # type: ignore[import-untyped,unused-ignore]
from axes.models import AccessAttempt  # type: ignore[import-untyped,unused-ignore]
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone


def usernames_failed_from(ip: str, *, request: HttpRequest | None = None) -> int:
    """How many different usernames failed to sign in from ``ip`` within the cool-off."""
    since = timezone.now() - get_cool_off(request)
    attempts = AccessAttempt.objects.filter(
        ip_address=ip, attempt_time__gte=since, failures_since_start__gt=0
    )
    return int(attempts.values("username").distinct().count())


class SprayThrottleBackend(AxesStandaloneBackend):  # type: ignore[misc]
    """django-axes' lockout check, then the many-usernames-from-one-address check.

    First in ``AUTHENTICATION_BACKENDS``: a refused client's password is never checked. The
    refusal goes through django-axes (``axes_locked_out``), so every sign-in form, the admin's
    included, answers with the same 429 page and Retry-After.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().authenticate(request, username=username, password=password, **kwargs)
        ip = getattr(request, "axes_ip_address", None)
        if request is None or not ip:
            return
        if usernames_failed_from(ip, request=request) >= settings.LOGIN_SPRAY_LIMIT:
            request.axes_locked_out = True  # type: ignore[attr-defined]
            raise AxesBackendPermissionDenied("too many usernames tried from this address")
