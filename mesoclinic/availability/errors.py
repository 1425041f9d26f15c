"""The availability engine's one error type."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where (a field path) and what.

    ``path`` names the field the way the caller built it, e.g. ``practitioners[1].hours[0].end``,
    so the Django side can put the message beside the form field or API field it came from.
    """

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class AvailabilityError(Exception):
    """Bad input, with every problem found at once (never only the first)."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))
