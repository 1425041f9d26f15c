"""The planning engine's one error type, and the problems it carries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input or the knowledge base.

    ``path`` names where: a request's field path (``requests[0].zones[1]``, ``[2].patient.age``
    in a batch), or a knowledge file with its entry and key
    (``protocols.toml: protocol "a": sessions.value``); it is empty when the problem is about the
    document as a whole (``invalid JSON: ...``). ``message`` says what is wrong, with the bad
    value and the nearest valid code where there is one. Callers read the two directly; the
    one-line form (``str``) is what the CLI prints and the preview API returns.
    """

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class PlanningError(Exception):
    """Bad input or bad knowledge, with one precise ``Problem`` per thing wrong.

    ``problems`` holds them in the order found, e.g.
    ``Problem("requests[0].zones[1]", 'unknown zone "cheek" (did you mean "cheeks"?)')``;
    ``lines`` holds their one-line forms.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(self.lines))

    @property
    def lines(self) -> tuple[str, ...]:
        """One line per problem: ``path: message`` (the message alone when there is no path)."""
        return tuple(str(problem) for problem in self.problems)
