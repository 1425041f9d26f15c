"""The planning engine's one error type."""

from __future__ import annotations


class PlanningError(Exception):
    """Bad input or bad knowledge, with one precise message per problem.

    ``problems`` holds one line per problem, each naming the field path and the bad value (and
    the nearest valid code where there is one), e.g.
    ``requests[0].zones[1]: unknown zone "cheek" (did you mean "cheeks"?)``.
    """

    def __init__(self, problems: list[str] | tuple[str, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))
