"""Domain errors: raised by services and selectors, translated at the edge.

Pages turn ``NotFound`` into 404, ``Forbidden`` into 403 and ``Conflict`` into 409
(``core.middleware``); the API does the same with its one error envelope
``{"error": ..., "fields": {...}}`` (``mesoclinic.api``), and ``Invalid`` is 422 there. Services
never build HTTP responses.
"""

from __future__ import annotations


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
