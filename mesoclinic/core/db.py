"""Database helpers that every app's services share: contention retries, constraint names.

PostgreSQL may abort a transaction that did nothing wrong: a deadlock (SQLSTATE 40P01, e.g.
two inserts checked against each other by an exclusion constraint) or a serialization failure
(40001). Running the whole transaction again is the documented answer; ``retry_on_contention``
does so a bounded number of times. SQLite serialises writers and raises neither.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import DatabaseError, IntegrityError, connection

T = TypeVar("T")

CONTENTION_STATES = frozenset({"40001", "40P01"})
EXCLUSION_VIOLATION = "23P01"
ATTEMPTS = 6


def sqlstate(error: BaseException) -> str | None:
    """The SQLSTATE of a database error raised by psycopg, or ``None`` (SQLite has none)."""
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) or getattr(
        getattr(cause, "diag", None), "sqlstate", None
    )


def violated_constraint(error: IntegrityError) -> str | None:
    """The name of the constraint an ``IntegrityError`` broke, where the database says it."""
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


def retry_on_contention(work: Callable[[], T], *, attempts: int = ATTEMPTS) -> T:
    """Run ``work`` (a whole transaction) again after a deadlock or serialization failure.

    At most ``attempts`` runs, with a random pause between them that doubles each time (up to
    about 10, 20, 40... ms): the randomness breaks the symmetry of transactions that started
    together and would otherwise deadlock again together. The last failure is raised. Inside
    an outer transaction nothing can be retried (the outer one is aborted too), so ``work``
    then runs once.
    """
    if connection.in_atomic_block:
        return work()
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except DatabaseError as error:
            if attempt == attempts or sqlstate(error) not in CONTENTION_STATES:
                raise
            time.sleep(random.uniform(0, 0.01 * 2 ** (attempt - 1)))  # noqa: S311 - not secret
    raise AssertionError("unreachable")  # pragma: no cover
