"""Authentication for the HTTP API: bearer tokens, and (for the app's own pages) the session.

Routers that serve patient data pass ``auth=token_auth`` (API clients), or
``auth=[token_auth, session_auth]`` when the app's own JavaScript calls them too. Inside an
endpoint the member of staff is ``request.auth``; ``request.user`` stays anonymous for token
requests.

The audit trail names the member as the actor. ``AuditContextMiddleware`` opens the request's
audit context before any endpoint runs, but it only knows session users; for a token it would
record an anonymous actor. ``audit_actor_set`` therefore replaces the context for the rest of
the request. It does not use ``acting_as``: that context manager would end when
``authenticate`` returns, before the endpoint writes a single event. The middleware's own reset
at the end of the request undoes the replacement, so nothing leaks into the next request.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from mesoclinic.accounts.middleware import is_verified
from mesoclinic.accounts.models import User
from mesoclinic.accounts.token_services import api_token_use
from mesoclinic.audit import context as audit_context

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def audit_actor_set(request: HttpRequest, actor: User) -> None:
    """Make ``actor`` the actor of every audit event written for the rest of ``request``.

    Raises ``ImproperlyConfigured`` outside a context opened by ``AuditContextMiddleware``
    (e.g. a test client that skips middleware): there the replacement would outlive the
    request, and an API request that cannot be audited must not be served.
    """
    if audit_context._current.get() is None:
        raise ImproperlyConfigured(
            "API authentication needs mesoclinic.audit.context.AuditContextMiddleware; call the "
            "API through Django's middleware (e.g. django.test.Client), not ninja's TestClient."
        )
    audit_context._current.set(
        audit_context.AuditContext(
            actor=actor, ip=audit_context.client_ip(request), path=request.path[:300]
        )
    )


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``: the token's owner, if active and not revoked."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_use(raw=token, write=request.method not in SAFE_METHODS)
        if user is not None:
            audit_actor_set(request, user)
        return user


class VerifiedSessionAuth(APIKeyCookie):
    """The signed-in member of a browser session, once past the second factor.

    The MFA middleware leaves ``/api/`` to the API's own authentication, so this check is
    what stops a password-only session from reading data through the API. Django-ninja
    checks the CSRF token for cookie authentication.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        if not user.is_authenticated or not user.is_active:
            return None
        if settings.MFA_REQUIRED and not is_verified(user):
            return None
        return user


token_auth = TokenAuth()
session_auth = VerifiedSessionAuth()
