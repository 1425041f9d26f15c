"""Who is acting, and from where, for the audit rows written during one request or command.

Services and selectors record audit events without taking a request parameter: the
``AuditContextMiddleware`` sets the actor, IP and path for the request, and management commands
and tests use ``acting_as``. Outside both, events are recorded as "system".
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class AuditContext:
    actor: Any | None  # a User, or None for the system and anonymous visitors
    ip: str | None
    path: str


_current: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar(
    "mesoclinic_audit_context", default=None
)
SYSTEM = AuditContext(actor=None, ip=None, path="")


def current() -> AuditContext:
    return _current.get() or SYSTEM


@contextmanager
def acting_as(actor: Any | None, *, ip: str | None = None, path: str = "") -> Iterator[None]:
    token = _current.set(AuditContext(actor=actor, ip=ip, path=path))
    try:
        yield
    finally:
        _current.reset(token)


def client_ip(request: HttpRequest) -> str | None:
    """The peer address. Behind a proxy, the proxy must set REMOTE_ADDR (not trusted headers)."""
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    """Sets the audit context for the request; place it after authentication."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
        with acting_as(actor, ip=client_ip(request), path=request.path[:300]):
            return self.get_response(request)
