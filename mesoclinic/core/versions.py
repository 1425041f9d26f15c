"""Optimistic locking at the edge: a record's version as an ETag, If-Match, the form's field.

Records edited by more than one member of staff carry a ``version`` bumped by every change and
checked in the UPDATE (decision 0031). These read the version a client started from: the API's
``If-Match`` header and the edit page's hidden ``version`` field.
"""

from __future__ import annotations

from django.http import HttpRequest

from mesoclinic.core.errors import Invalid


def etag(version: int) -> str:
    """A record's version as a strong entity tag: ``"7"``."""
    return f'"{version}"'


def if_match_version(request: HttpRequest) -> int | None:
    """The version named by ``If-Match`` (``"7"`` or ``W/"7"``), None when absent or ``*``.

    An unreadable header is ``Invalid`` naming it (422).
    """
    raw = request.headers.get("If-Match")
    if raw is None or raw.strip() == "*":
        return None
    text = raw.strip().removeprefix("W/").strip('"')
    if not (text.isascii() and text.isdigit() and len(text) <= 9):
        raise Invalid(
            {"If-Match": [f'If-Match: {raw[:40]!r} is not an ETag of this API, e.g. "3".']}
        )
    return int(text)


def posted_version(request: HttpRequest) -> int | None:
    """The record version an edit form was filled from (its hidden field); None if not sent."""
    raw = request.POST.get("version", "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None
