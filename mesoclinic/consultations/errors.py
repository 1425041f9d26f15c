"""Refusals of consultation writes that are neither access nor bad input."""

from __future__ import annotations

from mesoclinic.consultations.models import Consultation
from mesoclinic.core.errors import Conflict


class StaleConsultation(Conflict):
    """Someone else saved the consultation since the version the user started from.

    ``current`` is the consultation as it is now, so the page can show both values (theirs and
    the user's) and the API can send the current ETag.
    """

    def __init__(self, current: Consultation, *, expected: int) -> None:
        self.current = current
        self.expected = expected
        super().__init__(
            f"Consultation {current.pk} was changed by someone else while you edited it (your "
            f"copy was version {expected}, it is now version {current.version}). Nothing of "
            "yours was saved: check their changes, then save again."
        )
