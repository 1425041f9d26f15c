"""Domain errors: raised by services and selectors, translated at the edge.

Pages turn ``NotFound`` into 404, ``Forbidden`` into 403 and ``Conflict`` into 409
(``core.middleware``); the API does the same with its one error envelope
``{"error": ..., "fields": {...}}`` (``mesoclinic.api``), and ``Invalid`` is 422 there. Services
never build HTTP responses.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class ApplicationError(Exception):
    """A request that the domain refuses, with a message fit to show to the user."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class NotFound(ApplicationError):
    """No such object for this user: it does not exist, or it belongs to another site.

    The two are deliberately indistinguishable, so a user cannot probe other sites' records.
    """


class Forbidden(ApplicationError):
    """The object is in the user's sites, but the user's role may not do this."""


class Conflict(ApplicationError):
    """The object's state refuses the request, whoever asks: e.g. an archived (read-only) record.

    Subclasses name the state (``patients.errors.PatientArchived``); the answer is 409.
    ``extra`` holds members the API adds to its error envelope beside ``error`` (e.g. the
    session of a course that could not be placed).
    """

    def __init__(self, message: str, *, extra: dict[str, object] | None = None) -> None:
        self.extra = extra or {}
        super().__init__(message)


class Invalid(ApplicationError):
    """Bad input for a service: ``errors`` maps each field to its messages.

    Each message names the bad value, so the user sees what to change.
    """

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items()))


def invalid_from(error: ValidationError, *, instance: object = None) -> Invalid:
    """Django's ``ValidationError`` (from ``full_clean`` or a validator) as ``Invalid``.

    Each message is led by its field's name (``weight_kg: ...``), which the form kit replaces
    with the field's label on a page; with ``instance``, the value the field holds follows
    (``(got 401)``), so the message says what to change. Errors of no one field keep Django's
    key, ``__all__``, and their text as is.
    """
    errors: dict[str, list[str]] = {}
    for name, messages in error.message_dict.items():
        if name == NON_FIELD_ERRORS:
            errors[name] = list(messages)
            continue
        suffix = ""
        if instance is not None and hasattr(instance, name):
            suffix = f" (got {_shown(getattr(instance, name))})"
        errors[name] = [f"{name}: {message}{suffix}" for message in messages]
    return Invalid(errors)


def _shown(value: object, limit: int = 60) -> str:
    if isinstance(value, Decimal):
        value = str(value)
    elif isinstance(value, dt.date | dt.datetime):
        value = value.isoformat()
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
