"""Domain errors of enquiries, translated at the edge like ``core.errors``."""

from __future__ import annotations

from mesoclinic.core.errors import Conflict


class EnquiryMoved(Conflict):
    """The enquiry's status changed since the page was shown (someone else acted on it)."""

    def __init__(self, *, expected: str, now: str) -> None:
        self.now = now
        super().__init__(
            f"This enquiry is {now} now (it was {expected} when you opened it): someone else "
            "acted on it. Nothing of yours was saved; check the history below."
        )
