"""Refusals of plan writes that are neither access nor bad input."""

from __future__ import annotations

from mesoclinic.core.errors import Conflict
from mesoclinic.plans.models import StoredPlan


class StalePlan(Conflict):
    """Someone else changed (or signed) the plan since the version the user started from.

    ``current`` is the plan as it is now, so the page can show the value now stored beside the
    one typed, and the API can send the current ETag.
    """

    def __init__(self, current: StoredPlan, *, expected: int) -> None:
        self.current = current
        self.expected = expected
        super().__init__(
            f"Plan {current.pk} was changed by someone else while you edited it (your copy was "
            f"version {expected}, it is now version {current.version}). Nothing of yours was "
            "saved: check the plan as it is now, then save again."
        )
