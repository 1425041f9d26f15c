"""Domain errors of the patients area, translated at the edge like ``core.errors``.

Pages show them as messages or warnings (a page that does not answers 409, as ``Conflict``);
the API answers 409 with the error envelope.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mesoclinic.core.errors import ApplicationError, Conflict

if TYPE_CHECKING:
    from mesoclinic.patients.models import Patient


class PatientArchived(Conflict):
    """The patient is archived: their record is read-only until a manager restores it."""

    def __init__(self, patient: Patient) -> None:
        self.patient = patient
        super().__init__(
            f"{patient} is archived: the record is read-only until a manager restores it."
        )


class PossibleDuplicate(ApplicationError):
    """Registering would probably duplicate ``candidates``; confirm to register anyway."""

    def __init__(self, candidates: list[Patient]) -> None:
        self.candidates = candidates
        super().__init__(
            f"{len(candidates)} patient(s) at this site have the same name and date of birth, "
            "or the same phone number. Check they are not the same person, then confirm to "
            "register anyway."
        )


class StaleRecord(Conflict):
    """Someone else saved the patient since the version the user started from.

    ``current`` is the record as it is now, so the page can show both values (theirs and the
    user's) and the API can send the current ETag.
    """

    def __init__(self, current: Patient, *, expected: int) -> None:
        self.current = current
        self.expected = expected
        super().__init__(
            f"{current}'s record was changed by someone else while you edited it (your copy was "
            f"version {expected}, it is now version {current.version}). Nothing of yours was "
            "saved: check their changes, then save again."
        )
