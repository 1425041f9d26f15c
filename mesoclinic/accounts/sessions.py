"""A member's own sessions: which browsers are signed in as them, and ending one of them.

A session is named on the page by a handle, the first 16 hex digits of the SHA-256 of its
key, never by the key itself: the key is the credential, and a page or a URL must not show it.
Only database-backed session engines can be listed (the project's default).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from mesoclinic.accounts.middleware import LAST_SEEN, STARTED
from mesoclinic.accounts.models import User
from mesoclinic.audit.models import Action
from mesoclinic.audit.services import audit_denied, audit_record
from mesoclinic.core.errors import NotFound

OBJECT_TYPE = "session"


def session_handle(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class StaffSession:
    handle: str
    started: dt.datetime | None
    last_seen: dt.datetime | None
    expires: dt.datetime
    is_current: bool


def _own(user: User) -> list[tuple[str, Session]]:
    user_id = str(user.pk)
    return [
        (row.session_key, row)
        for row in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if row.get_decoded().get(SESSION_KEY) == user_id
    ]


def _moment(seconds: object) -> dt.datetime | None:
    if isinstance(seconds, int | float):
        return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    return None


def staff_sessions_for_user(user: User, *, current_key: str | None) -> list[StaffSession]:
    """``user``'s live sessions, the current one first. Cost: one scan of unexpired sessions."""
    sessions = []
    for key, row in _own(user):
        data = row.get_decoded()
        sessions.append(
            StaffSession(
                handle=session_handle(key),
                started=_moment(data.get(STARTED)),
                last_seen=_moment(data.get(LAST_SEEN)),
                expires=row.expire_date,
                is_current=key == current_key,
            )
        )
    return sorted(sessions, key=lambda s: (not s.is_current, -(s.started or s.expires).timestamp()))


def staff_session_end(*, user: User, handle: str) -> None:
    """End ``user``'s own session named by ``handle``; ``NotFound`` (audited) for any other."""
    match = next((key for key, _ in _own(user) if session_handle(key) == handle), None)
    if match is None:
        audit_denied(reason="not_owner", object_type=OBJECT_TYPE, object_id=handle[:16])
        raise NotFound("No such session.")
    with transaction.atomic():
        import_module(settings.SESSION_ENGINE).SessionStore(session_key=match).delete()
        audit_record(
            action=Action.LOGOUT,
            object_type=OBJECT_TYPE,
            object_id=handle,
            detail={"reason": "ended_from_sessions_page"},
        )
